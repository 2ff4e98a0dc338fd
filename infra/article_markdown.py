"""Articles as Markdown with YAML front matter, both ways: what ``content-api import`` and ``export`` do.

The front matter holds every field of the article but its sections, under the names the JSON document uses
(slug, locale, title, summary, tags, source, disclaimer, updated_at, review, related, corrections, and any field
the article model gains); the body holds the sections. Each ``##`` heading starts a section. Its id is the
heading's words joined by hyphens unless an attribute after the heading gives it (``{#penyebab}``); its aspect is
given by an attribute (``{aspect=causes}``) or told from the heading's words (``HEADING_WORDS``). Paragraphs and
lists become typed blocks; a block attribute on the line above a list gives its id (``{#daftar-penyebab}``).

markdown-it-py reads the Markdown (CommonMark, with mdit-py-plugins for the front matter and the attributes),
ruamel.yaml the front matter, and the article model that publishing uses validates the result; every problem
names its line in the file. Exporting writes what importing reads back to the same document: each paragraph and
list item on one line, escaped where Markdown would read it otherwise, each section with its id and aspect.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin
from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attributes
from mdit_py_plugins.front_matter import front_matter_plugin
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.resolver import VersionedResolver

from health_content.articles.model import Article, HealthAspect
from health_content.publishing.kinds import ARTICLES
from health_content.text import analysis as text
from health_content.vocabulary import SLUG_MAX_LENGTH, Locale, as_locale
from infra.aws_target import ExitCode, OperatorError
from infra.generated import json_text

SCHEMA_REF = f"../../schemas/{ARTICLES.name}.schema.json"
"""What an article's ``$schema`` says: the path from content/articles/<locale>/ to its JSON Schema."""
BODY = "sections"
"""The one field the body holds; the front matter holds the others."""
_WRITTEN_BY_IMPORT = ("$schema", BODY)


def _short_name(aspect: HealthAspect) -> str:
    words = re.findall(r"[A-Z][a-z]*", aspect.value.removesuffix("HealthAspect"))
    return "-".join(word.lower() for word in words)


ASPECTS: dict[str, HealthAspect] = {_short_name(aspect): aspect for aspect in HealthAspect}
"""An aspect's name in ``{aspect=...}``: schema.org's, or its short form (``causes``, ``see-doctor``)."""

HEADING_WORDS: dict[Locale, dict[HealthAspect, tuple[str, ...]]] = {
    "id": {
        HealthAspect.OVERVIEW: ("ikhtisar", "pengertian", "definisi", "apa itu"),
        HealthAspect.CAUSES: ("penyebab", "pemicu"),
        HealthAspect.TYPES: ("jenis", "tipe", "macam"),
        HealthAspect.SYMPTOMS: ("gejala", "ciri"),
        HealthAspect.RISKS_OR_COMPLICATIONS: ("komplikasi", "risiko", "bahaya"),
        HealthAspect.PREGNANCY: ("hamil",),
        HealthAspect.TREATMENTS: ("perawatan", "pengobatan", "terapi"),
        HealthAspect.SELF_CARE: ("perawatan mandiri", "perawatan di rumah"),
        HealthAspect.PREVENTION: ("pencegahan",),
        HealthAspect.SEE_DOCTOR: ("dokter",),
        HealthAspect.LIVING_WITH: ("hidup dengan",),
        HealthAspect.PROGNOSIS: ("prognosis",),
        HealthAspect.RELATED_TOPICS: ("terkait", "lihat juga"),
    },
    "en": {
        HealthAspect.OVERVIEW: ("overview", "what is", "what are", "introduction"),
        HealthAspect.CAUSES: ("cause", "why"),
        HealthAspect.TYPES: ("type", "kind"),
        HealthAspect.SYMPTOMS: ("symptom",),
        HealthAspect.RISKS_OR_COMPLICATIONS: ("complication", "risk", "danger"),
        HealthAspect.PREGNANCY: ("pregnancy", "pregnant"),
        HealthAspect.TREATMENTS: ("treatment", "therapy"),
        HealthAspect.SELF_CARE: ("self care", "home care", "at home"),
        HealthAspect.PREVENTION: ("prevention", "prevent"),
        HealthAspect.SEE_DOCTOR: ("doctor",),
        HealthAspect.LIVING_WITH: ("living with",),
        HealthAspect.PROGNOSIS: ("prognosis", "outlook"),
        HealthAspect.RELATED_TOPICS: ("related", "see also"),
    },
}
"""Words of a heading that tell its section's aspect, per locale (compared by stem), when no attribute does."""

_MARKDOWN = MarkdownIt("commonmark", {"html": False}).use(front_matter_plugin).use(attrs_block_plugin)
_WORD = re.compile(f"[{text.LETTERS}]+")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Resolver(VersionedResolver):
    """YAML 1.2 without timestamps: a date stays the text it is written as, which is what the JSON holds."""

    @property
    def versioned_resolver(self) -> Any:
        resolvers = super().versioned_resolver
        return {first: [(tag, rx) for tag, rx in rules if tag != _TIMESTAMP] for first, rules in resolvers.items()}


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Resolver = _Resolver
    yaml.width = 1_000_000  # a value on one line, however long
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


@dataclass(frozen=True, slots=True)
class Problem:
    line: int
    """In the Markdown file, from 1."""
    message: str


class MarkdownRejected(Exception):
    """The Markdown does not make a valid article; each problem names its line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"line {problem.line}: {problem.message}" for problem in problems))
        self.problems = problems


# --- Markdown to the article document ----------------------------------------------------------


def article_from_markdown(markdown: str) -> dict[str, Any]:
    """The article document that ``markdown`` describes, validated; raises MarkdownRejected."""
    return _Reader().read(markdown)


@dataclass
class _Reader:
    problems: list[Problem] = field(default_factory=list)
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    """The line of each part of the document, by its path (pydantic's ``loc``)."""
    locale: Locale | None = None

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    def read(self, markdown: str) -> dict[str, Any]:
        tokens = _MARKDOWN.parse(markdown)
        if not tokens or tokens[0].type != "front_matter":
            raise MarkdownRejected([Problem(1, _NO_FRONT_MATTER)])
        front = self._front_matter(tokens[0])
        self.locale = as_locale(str(front.get("locale")))
        sections = self._sections(tokens[1:])
        document = _in_model_order({**front, BODY: sections})
        try:
            Article.model_validate(document)
        except ValidationError as error:
            # A line that already has a problem is not reported again for what that problem left blank.
            said = {problem.line for problem in self.problems}
            for each in error.errors(include_url=False):
                line = self._line_of(each["loc"])
                if line not in said:
                    self.problem(line, f"{_dotted(each['loc'])}: {each['msg']}")
        if self.problems:
            raise MarkdownRejected(sorted(self.problems, key=lambda problem: problem.line))
        return document

    # The front matter.

    def _front_matter(self, token: Token) -> dict[str, Any]:
        first = (token.map[0] if token.map else 0) + 2  # the line after the opening ---, from 1
        try:
            data = _yaml().load(token.content)
        except YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = first + mark.line if mark is not None else first
            self.problem(line, f"front matter: {getattr(error, 'problem', None) or error}")
            raise MarkdownRejected(self.problems) from None
        if not isinstance(data, CommentedMap):
            raise MarkdownRejected([Problem(first, "the front matter must be fields, one `name: value` a line")])
        front = self._plain(data, (), first)
        for name in _WRITTEN_BY_IMPORT:
            if name in front:
                why = "the ## headings of the body are the sections" if name == BODY else "import writes it"
                self.problem(self.lines[(name,)], f"{name} does not belong in the front matter: {why}")
        assert isinstance(front, dict)
        return front

    def _plain(self, node: Any, path: tuple[str | int, ...], first: int) -> Any:
        """The front matter as JSON values, noting the line of each."""
        if isinstance(node, CommentedMap):
            values = {}
            for key, value in node.items():
                line = first + node.lc.key(key)[0]
                self.lines[(*path, str(key))] = line
                if not isinstance(key, str):
                    self.problem(line, f"{_dotted((*path, str(key)))}: a field's name is a word, not {key!r}")
                values[str(key)] = self._plain(value, (*path, str(key)), first)
            return values
        if isinstance(node, CommentedSeq):
            for n in range(len(node)):
                self.lines[(*path, n)] = first + node.lc.item(n)[0]
            return [self._plain(value, (*path, n), first) for n, value in enumerate(node)]
        if isinstance(node, str):
            return str(node)
        if node is None or isinstance(node, bool | int | float):
            return node
        self.problem(self.lines.get(path, first), f"{_dotted(path)}: {node!r} is not a text, number or list")
        return None

    # The body.

    def _sections(self, tokens: list[Token]) -> list[dict[str, Any]]:
        sections: list[dict[str, Any]] = []
        ids: dict[str, int] = {}
        n = 0
        while n < len(tokens):
            token = tokens[n]
            line = _line(token)
            end = _closing(tokens, n)
            if token.type == "heading_open" and token.tag == "h2":
                section = self._section(token, tokens[n + 1], len(sections))
                if section["id"] in ids:
                    self.problem(line, f"section id {section['id']!r} is already used on line {ids[section['id']]}")
                ids.setdefault(section["id"], line)
                sections.append(section)
            elif token.type == "heading_open":
                level = "#" * int(token.tag[1])
                self.problem(line, f"a {level} heading: only ## headings start sections (the title is `title`)")
            elif not sections:
                self.problem(line, "text before the first ## heading: every paragraph and list belongs to a section")
            elif token.type == "paragraph_open":
                self._block_attributes(token, allowed=())
                where = (BODY, len(sections) - 1, "blocks", len(sections[-1]["blocks"]))
                self.lines[where] = line
                sections[-1]["blocks"].append({"type": "paragraph", "text": self._text(tokens[n + 1], line)})
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                where = (BODY, len(sections) - 1, "blocks", len(sections[-1]["blocks"]))
                sections[-1]["blocks"].append(self._list(tokens[n : end + 1], where))
            else:
                self.problem(line, f"{_KINDS.get(token.type, token.type)}: an article has paragraphs and lists only")
            n = end + 1
        if not sections and not self.problems:
            self.problem(1, "the body has no ## heading: each section of the article starts with one")
        return sections

    def _section(self, heading: Token, inline: Token, number: int) -> dict[str, Any]:
        line = _line(heading)
        self.lines[(BODY, number)] = line
        written, attributes = self._heading_attributes(inline.content, line)
        attributes = {**heading.attrs, **attributes}
        unknown = sorted(set(attributes) - {"id", "aspect"})
        if unknown:
            self.problem(line, f"a heading takes {{#id aspect=…}}, not {', '.join(unknown)}")
        title = self._text(_MARKDOWN.parseInline(written)[0], line)
        section_id = str(attributes.get("id") or _slug(title))
        if not section_id:
            self.problem(line, f"no id can be made from the heading {title!r}: give one, as in {{#causes}}")
        aspect = self._aspect(title, attributes.get("aspect"), line)
        return {"id": section_id, "heading": title, "aspect": aspect, "blocks": []}

    def _heading_attributes(self, raw: str, line: int) -> tuple[str, dict[str, Any]]:
        """The heading's text and the attributes at its end (``{#id aspect=causes}``), if any."""
        written = raw.rstrip()
        if not written.endswith("}") or _escaped(written, len(written) - 1):
            return raw, {}
        error: ParseError | None = None
        start = written.rfind("{")
        while start >= 0:
            if not _escaped(written, start):
                try:
                    length, attributes = parse_attributes(written[start:])
                except ParseError as failure:
                    error = error or failure
                else:
                    if start + length == len(written) - 1:
                        return written[:start].rstrip(), dict(attributes)
            start = written.rfind("{", 0, start)
        if error is not None:
            self.problem(line, f"the attributes at the end of the heading cannot be read: {error}")
        return raw, {}

    def _aspect(self, title: str, given: Any, line: int) -> str:
        if given is not None:
            aspect = ASPECTS.get(str(given)) or next((a for a in HealthAspect if a.value == given), None)
            if aspect is None:
                self.problem(line, f"unknown aspect {given!r}: one of {', '.join(ASPECTS)}")
                return str(given)
            return aspect.value
        told = _aspects_named(title, self.locale) if self.locale else []
        if len(told) == 1:
            return told[0].value
        said = f"its words point to {' and '.join(_short_name(a) for a in told)}" if told else "no word of it says"
        self.problem(line, f"cannot tell the aspect of {title!r} ({said}): add one, as in {{aspect=causes}}")
        return ""

    def _list(self, tokens: list[Token], where: tuple[str | int, ...]) -> dict[str, Any]:
        opening = tokens[0]
        self.lines[where] = _line(opening)
        self._block_attributes(opening, allowed=("id",))
        items: list[str] = []
        n = 1
        while n < len(tokens) - 1:
            end = _closing(tokens, n)
            inside = tokens[n + 1 : end]
            line = _line(tokens[n])
            self.lines[(*where, "items", len(items))] = line
            if [token.type for token in inside] == ["paragraph_open", "inline", "paragraph_close"]:
                items.append(self._text(inside[1], line))
            else:
                self.problem(line, "a list item is one paragraph of text: no nested list, no second paragraph")
                items.append("")
            n = end + 1
        block: dict[str, Any] = {"type": "list"}
        if "id" in opening.attrs:
            block["id"] = opening.attrs["id"]
        block["ordered"] = opening.type == "ordered_list_open"
        block["items"] = items
        return block

    def _block_attributes(self, token: Token, allowed: Sequence[str]) -> None:
        unknown = sorted(set(token.attrs) - set(allowed))
        if unknown:
            takes = "an id ({#id})" if allowed else "no attributes (## headings and lists take them)"
            self.problem(
                _line(token), f"a {_KINDS.get(token.type, token.type)} takes {takes}, not {', '.join(unknown)}"
            )

    def _text(self, inline: Token, line: int) -> str:
        """The plain text of a paragraph, heading or list item; any Markdown formatting in it is a problem."""
        parts = []
        for child in inline.children or []:
            if child.type == "text":
                parts.append(child.content)
            elif child.type == "softbreak":
                parts.append(" ")  # a paragraph wrapped over several lines
            elif child.nesting >= 0:
                kind = _KINDS.get(child.type, child.type)
                self.problem(line, f"{kind}: the article holds plain text (write \\ before a character to keep it)")
        return "".join(parts)

    def _line_of(self, loc: Sequence[str | int]) -> int:
        path = tuple(
            part for n, part in enumerate(loc) if not (n > 0 and isinstance(loc[n - 1], int) and part in _BLOCK_TYPES)
        )
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1


_NO_FRONT_MATTER = "the file must start with YAML front matter between two --- lines (slug, locale, title, …)"
_BLOCK_TYPES = ("paragraph", "list")  # pydantic names the member of a block union in an error's place
_KINDS = {
    "blockquote_open": "a quotation",
    "fence": "a fenced code block",
    "code_block": "an indented code block",
    "hr": "a thematic break",
    "html_block": "HTML",
    "paragraph_open": "paragraph",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "em_open": "emphasis",
    "strong_open": "strong emphasis",
    "link_open": "a link",
    "image": "an image",
    "code_inline": "inline code",
    "hardbreak": "a hard line break",
}


def _line(token: Token) -> int:
    return (token.map[0] if token.map else 0) + 1


def _closing(tokens: Sequence[Token], n: int) -> int:
    """Where the block opened at ``n`` closes (``n`` itself for a block without content)."""
    opening = tokens[n]
    if opening.nesting != 1:
        return n
    for m in range(n + 1, len(tokens)):
        if tokens[m].nesting == -1 and tokens[m].level == opening.level and tokens[m].tag == opening.tag:
            return m
    return len(tokens) - 1


def _escaped(written: str, position: int) -> bool:
    backslashes = len(written[:position]) - len(written[:position].rstrip("\\"))
    return backslashes % 2 == 1


def _slug(heading: str) -> str:
    return "-".join(_WORD.findall(text.fold(heading)))[:SLUG_MAX_LENGTH].strip("-")


def _aspects_named(heading: str, locale: Locale) -> list[HealthAspect]:
    """The aspects the heading's words name, in the table's order; a phrase inside a longer one does not count."""
    stems = [text.stem(word, locale) for word in _WORD.findall(text.fold(heading))]
    spans: list[tuple[range, HealthAspect]] = []
    for aspect, phrases in HEADING_WORDS.get(locale, {}).items():
        for phrase in phrases:
            wanted = [text.stem(word, locale) for word in _WORD.findall(text.fold(phrase))]
            for start in range(len(stems) - len(wanted) + 1):
                if stems[start : start + len(wanted)] == wanted:
                    spans.append((range(start, start + len(wanted)), aspect))
    named = [
        aspect
        for span, aspect in spans
        if not any(len(other) > len(span) and set(span) <= set(other) for other, _ in spans)
    ]
    return list(dict.fromkeys(named))


def _in_model_order(values: Mapping[str, Any]) -> dict[str, Any]:
    """``$schema`` first, then the article's fields in the model's order, then any the model does not know."""
    names = [info.alias or name for name, info in Article.model_fields.items()]
    ordered: dict[str, Any] = {"$schema": SCHEMA_REF}
    ordered.update((name, values[name]) for name in names if name in values and name != "$schema")
    ordered.update((name, value) for name, value in values.items() if name not in ordered)
    return ordered


def _dotted(loc: Sequence[str | int]) -> str:
    return ".".join(str(part) for part in loc) or "the article"


# --- the article document to Markdown -------------------------------------------------------------


def article_to_markdown(document: Mapping[str, Any]) -> str:
    """Markdown that ``article_from_markdown`` reads back to ``document`` (a valid article, as JSON values)."""
    front = {name: _flow_lists(value) for name, value in document.items() if name not in _WRITTEN_BY_IMPORT}
    yaml_text = io.StringIO()
    _yaml().dump(front, yaml_text)
    parts = [f"---\n{yaml_text.getvalue()}---"]
    for section in document[BODY]:
        aspect = _short_name(HealthAspect(section["aspect"]))
        parts.append(f"## {_escape(section['heading'])} {{#{section['id']} aspect={aspect}}}")
        parts.extend(_blocks(section["blocks"]))
    return "\n\n".join(parts) + "\n"


def _blocks(blocks: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    previous_marker = ""
    for block in blocks:
        if block["type"] == "paragraph":
            previous_marker = ""
            yield _escape(block["text"])
            continue
        # Two lists in a row are one list to Markdown unless their markers differ.
        markers = (".", ")") if block["ordered"] else ("-", "*")
        marker = markers[1] if previous_marker == markers[0] else markers[0]
        previous_marker = marker
        lines = [f"{{#{block['id']}}}"] if block.get("id") is not None else []
        for n, item in enumerate(block["items"], start=1):
            lines.append(f"{n}{marker} {_escape(item)}" if block["ordered"] else f"{marker} {_escape(item)}")
        yield "\n".join(lines)


_SPECIAL = re.compile(r"([\\`*_\[\]<&{}#])")
_LINE_START = re.compile(r"^(?:([-+>=~])|(\d+)([.)]))")
_EDGE_SPACE = re.compile(r"^ +| +$")
_OTHER_SPACE = re.compile(r"[^\S ]")


def _escape(plain: str) -> str:
    """Plain text as one line of Markdown that reads back as the same text."""
    escaped = _SPECIAL.sub(r"\\\1", plain)
    escaped = _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped)
    # Markdown trims a line's spaces and reads other white space as a space: those are written as references.
    escaped = _OTHER_SPACE.sub(lambda m: f"&#x{ord(m[0]):X};", escaped)
    return _EDGE_SPACE.sub(lambda m: "&#x20;" * len(m[0]), escaped)


def _flow_lists(value: Any) -> Any:
    """Front matter values for YAML, lists of words on one line (``tags: [kram, kejang]``)."""
    if isinstance(value, Mapping):
        return {key: _flow_lists(each) for key, each in value.items()}
    if isinstance(value, list):
        values = CommentedSeq(_flow_lists(each) for each in value)
        if all(not isinstance(each, Mapping | list) for each in value):
            values.fa.set_flow_style()
        return values
    return value


# --- files ------------------------------------------------------------------------------------------


def article_path(content_dir: Path, locale: Locale, slug: str) -> Path:
    return content_dir / ARTICLES.key(locale, slug)


def import_file(markdown_path: Path, content_dir: Path) -> tuple[Path, bool]:
    """Write the article ``markdown_path`` describes under ``content_dir``: its path, and whether it changed.

    A file that already holds the same document is left as it is, whatever its formatting."""
    raw = markdown_path.read_bytes()
    try:
        markdown = raw.decode("utf-8-sig")  # without the byte-order mark some editors write
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise MarkdownRejected([Problem(line, "the file is not UTF-8 text")]) from None
    document = article_from_markdown(markdown)
    target = article_path(content_dir, document["locale"], document["slug"])
    if target.exists() and json.loads(target.read_text(encoding="utf-8")) == document:
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json_text(document), encoding="utf-8")
    return target, True


def export_file(content_dir: Path, locale: Locale, slug: str) -> str:
    """The article at content_dir/articles/<locale>/<slug>.json as Markdown."""
    path = article_path(content_dir, locale, slug)
    if not path.exists():
        raise OperatorError(ExitCode.NOT_FOUND, f"No article {slug!r} in locale {locale!r}: {path} does not exist.")
    document = json.loads(path.read_text(encoding="utf-8"))
    try:
        Article.model_validate(document)
    except ValidationError as error:
        raise OperatorError(
            ExitCode.CONTENT,
            f"{path} is not a valid article ({error.error_count()} problem(s)); run content-api validate.",
        ) from None
    return article_to_markdown(document)
