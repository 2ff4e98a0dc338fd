"""What a draft changes against the published version, section by section, for the editors' preview page.

Each section is compared as lines of text (its heading, then each paragraph and each list item, as a reader
sees them) with difflib; a line that was rewritten is compared again word by word, so that the page marks the
words that changed rather than the whole paragraph.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from health_content.articles.model import Article, ListBlock, Section


class Edit(StrEnum):
    SAME = "same"
    ADDED = "added"
    REMOVED = "removed"


class SectionStatus(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text that is in both versions, only in the draft (added) or only in the published one."""

    edit: Edit
    text: str


@dataclass(frozen=True, slots=True)
class ChangedLine:
    pieces: tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class SectionChange:
    """A section the draft adds, removes or changes, with its changed lines (unchanged lines are left out)."""

    id: str
    heading: str
    status: SectionStatus
    lines: tuple[ChangedLine, ...]


@dataclass(frozen=True, slots=True)
class DraftChanges:
    sections: tuple[SectionChange, ...]
    unchanged: int
    """How many sections are the same in both versions."""
    first_version: bool
    """Nothing is published yet: every section is new."""


_WORDS = re.compile(r"\s+|\S+")  # words and the spaces between them, apart: a word matches whatever follows it


def _lines(section: Section) -> list[str]:
    lines = [section.heading]
    for block in section.blocks:
        if isinstance(block, ListBlock):
            lines += [f"{n}. {item}" if block.ordered else f"• {item}" for n, item in enumerate(block.items, 1)]
        else:
            lines.append(block.text)
    return lines


def _whole(edit: Edit, lines: Sequence[str]) -> list[ChangedLine]:
    return [ChangedLine((Piece(edit, line),)) for line in lines]


def _words(before: str, after: str) -> ChangedLine:
    """One rewritten line, word by word: what stayed, what went, what came."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    runs: list[tuple[Edit, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append((Edit.SAME, "".join(old[i1:i2])))
            continue
        runs += [(Edit.REMOVED, "".join(old[i1:i2])), (Edit.ADDED, "".join(new[j1:j2]))]
    pieces: list[Piece] = []
    for edit, text in runs:  # one piece per run of the same edit
        if not text:
            continue
        if pieces and pieces[-1].edit is edit:
            pieces[-1] = Piece(edit, pieces[-1].text + text)
        else:
            pieces.append(Piece(edit, text))
    return ChangedLine(tuple(pieces))


def _changed_lines(before: list[str], after: list[str]) -> list[ChangedLine]:
    changed: list[ChangedLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        old, new = before[i1:i2], after[j1:j2]
        paired = min(len(old), len(new)) if tag == "replace" else 0
        changed += [_words(a, b) for a, b in zip(old[:paired], new[:paired], strict=True)]
        changed += _whole(Edit.REMOVED, old[paired:]) + _whole(Edit.ADDED, new[paired:])
    return changed


def _added(section: Section) -> SectionChange:
    return SectionChange(section.id, section.heading, SectionStatus.ADDED, tuple(_whole(Edit.ADDED, _lines(section))))


def draft_changes(published: Article | None, draft: Article) -> DraftChanges:
    """What ``draft`` changes against ``published`` (None: nothing is published), in the draft's section order
    with removed sections last."""
    if published is None:
        added = tuple(_added(section) for section in draft.sections)
        return DraftChanges(added, unchanged=0, first_version=True)
    changes: list[SectionChange] = []
    unchanged = 0
    for section in draft.sections:
        before = published.section(section.id)
        if before is None:
            changes.append(_added(section))
        elif before == section:
            unchanged += 1
        else:
            lines = _changed_lines(_lines(before), _lines(section))
            changes.append(SectionChange(section.id, section.heading, SectionStatus.CHANGED, tuple(lines)))
    for section in published.sections:
        if draft.section(section.id) is None:
            lines = _whole(Edit.REMOVED, _lines(section))
            changes.append(SectionChange(section.id, section.heading, SectionStatus.REMOVED, tuple(lines)))
    return DraftChanges(tuple(changes), unchanged, first_version=False)
