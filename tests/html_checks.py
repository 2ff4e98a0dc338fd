"""Parse HTML the way a browser tokenizer does and report anything that could run."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Markup:
    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    text: str = ""

    def dangerous(self, allowed: frozenset[str] = frozenset(), scripts: frozenset[str] = frozenset()) -> list[str]:
        """Script elements, event-handler attributes and script URLs: none may appear.

        ``scripts``: the `src` of scripts that may appear (ours); JSON-LD data blocks never run and may appear."""
        found = []
        for tag, attributes in self.tags:
            if tag == "script" and (
                attributes.get("type") == "application/ld+json" or attributes.get("src") in scripts
            ):
                continue
            if tag in {"script", "iframe", "object", "embed", "img", "svg", "style"} - allowed:
                found.append(f"<{tag}>")
            for name, value in attributes.items():
                if name.startswith("on"):
                    found.append(f"{tag}[{name}]")
                if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                    ("javascript:", "data:")
                ):
                    found.append(f"{tag}[{name}={value}]")
        return found

    def classes(self) -> set[str]:
        return {c for _, attributes in self.tags for c in (attributes.get("class") or "").split()}

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.markup = Markup()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.markup.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.markup.text += data


def parse(html: str) -> Markup:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.markup
