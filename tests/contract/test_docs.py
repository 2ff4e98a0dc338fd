"""The documentation tells the truth about the repository.

The README stays short enough to read in ten minutes and its table of contents works; every relative link in
the README and in docs/ reaches a file (and a heading, when it names one); and docs/architecture.md names every
Python package under functions/ and infra/, names none that does not exist, and draws as arrows exactly the
imports the code has between the packages a diagram shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise, product
from pathlib import Path

import grimp
import pytest

from infra.template import REPO_ROOT

README = REPO_ROOT / "README.md"
DOCS = REPO_ROOT / "docs"
ARCHITECTURE = DOCS / "architecture.md"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
README_MAX_LINES = 350
# Where packages live, and the folder their dotted names are relative to.
SOURCE_TREES = ((REPO_ROOT / "functions", REPO_ROOT / "functions"), (REPO_ROOT / "infra", REPO_ROOT))
# A mermaid block whose arrows are imports carries this comment; the others draw AWS resources.
IMPORTS_MARK = "%% arrows are imports"

_FENCE = re.compile(r"^```.*?^```", re.M | re.S)
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$", re.M)


@cache
def _packages() -> frozenset[str]:
    """Every directory with an __init__.py under functions/ and infra/, as a dotted name."""
    found = set()
    for tree, base in SOURCE_TREES:
        for init in tree.rglob("__init__.py"):
            parts = init.parent.relative_to(base).parts
            if not any(part.startswith((".", "__")) for part in parts):
                found.add(".".join(parts))
    return frozenset(found)


@cache
def _modules() -> frozenset[str]:
    """Every package and module under functions/ and infra/, as a dotted name."""
    found = set(_packages())
    for tree, base in SOURCE_TREES:
        for source in tree.rglob("*.py"):
            parts = source.with_suffix("").relative_to(base).parts
            if source.name != "__init__.py" and ".".join(parts[:-1]) in _packages():
                found.add(".".join(parts))
    return frozenset(found)


def _roots() -> list[str]:
    return sorted(name for name in _packages() if "." not in name)


def _dotted_name() -> str:
    return rf"(?:{'|'.join(_roots())})(?:\.\w+)*"


def _prose(markdown: str) -> str:
    """The text outside fenced code blocks."""
    return _FENCE.sub("", markdown)


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    anchors: set[str] = set()
    for _, heading in _HEADING.findall(_prose(page.read_text(encoding="utf-8"))):
        slug, n = _slug(heading), 1
        while slug in anchors:  # GitHub numbers repeated headings
            slug, n = f"{_slug(heading)}-{n}", n + 1
        anchors.add(slug)
    return anchors


def _relative_links(page: Path) -> list[str]:
    links = _LINK.findall(_prose(page.read_text(encoding="utf-8")))
    return [link for link in links if not re.match(r"[a-z][a-z0-9+.-]*:", link)]


def _broken_links(page: Path, root: Path = REPO_ROOT) -> list[str]:
    broken = []
    for link in _relative_links(page):
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page.resolve()
        if not target.exists() or not target.is_relative_to(root.resolve()):
            broken.append(f"{link}: no such file")
        elif anchor and target.suffix == ".md" and anchor not in _anchors(target):
            broken.append(f"{link}: no such heading in {target.relative_to(root.resolve())}")
    return broken


def _readme_contents() -> list[str]:
    """The anchors the README's table of contents links to: the list under its "Contents" heading."""
    text = _prose(README.read_text(encoding="utf-8"))
    found = re.search(r"^## Contents\n(?P<list>.*?)(?=^#)", text, re.M | re.S)
    assert found, "the README has no '## Contents' heading"
    return re.findall(r"^- \[[^\]]+\]\(#([^)]+)\)", found["list"], re.M)


def test_the_readme_reads_in_ten_minutes() -> None:
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail into docs/"


def test_the_readme_keeps_the_two_commands_that_start_everything() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make serve" in text and "make test" in text


def test_the_readmes_table_of_contents_links_every_section_to_its_heading() -> None:
    contents = _readme_contents()
    sections = [_slug(h) for level, h in _HEADING.findall(_prose(README.read_text(encoding="utf-8"))) if level == "##"]
    assert set(contents) <= _anchors(README), "a contents link that reaches no heading"
    assert [slug for slug in sections if slug != "contents"] == contents, "the contents list every section, in order"


def test_the_readme_links_every_page_in_docs() -> None:
    linked = {(README.parent / link.partition("#")[0]).resolve() for link in _relative_links(README)}
    assert [page.name for page in PAGES[1:] if page.resolve() not in linked] == []


@pytest.mark.parametrize("page", PAGES, ids=[str(page.relative_to(REPO_ROOT)) for page in PAGES])
def test_every_relative_link_reaches_a_file_and_its_heading(page: Path) -> None:
    assert _broken_links(page) == []


def test_the_link_checker_finds_a_missing_file_and_a_missing_heading(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    page = tmp_path / "docs" / "page.md"
    page.write_text("# Probe\n\n[a](../gone.md) [b](#probe) [c](page.md#probe) [d](#nowhere)\n", encoding="utf-8")
    assert _broken_links(page, root=tmp_path) == [
        "../gone.md: no such file",
        "#nowhere: no such heading in docs/page.md",
    ]


# The architecture page


def test_the_architecture_page_names_every_package() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = set(re.findall(rf"`({_dotted_name()})`", text))
    assert sorted(_packages() - named) == [], "packages the page does not name (in backticks)"


def test_the_architecture_page_names_no_package_or_module_that_does_not_exist() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = set(re.findall(rf"`({_dotted_name()})`", text))
    assert sorted(named - _modules()) == []


def test_the_architecture_page_names_no_file_that_does_not_exist() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    files = set(re.findall(r"`([\w./-]+\.py)`", text))
    missing = [
        name for name in files if not any((base / name).is_file() for base in (REPO_ROOT, REPO_ROOT / "functions"))
    ]
    assert files and missing == []


@dataclass(frozen=True)
class Diagram:
    """A mermaid flowchart whose nodes stand for packages and whose arrows stand for imports."""

    nodes: dict[str, tuple[str, ...]]  # node id -> the dotted names its label starts with
    arrows: frozenset[tuple[str, str]]

    def node_of(self, module: str) -> str | None:
        """The node a module belongs to: the one naming it or its nearest enclosing package."""
        best: tuple[int, str | None] = (0, None)
        for node, names in self.nodes.items():
            for name in names:
                if (module == name or module.startswith(name + ".")) and len(name) > best[0]:
                    best = (len(name), node)
        return best[1]


def _diagram(block: str) -> Diagram:
    nodes: dict[str, tuple[str, ...]] = {}
    for node, label in re.findall(r'(\w+)\["([^"]*)"\]', block):
        first_line = label.split("<br/>")[0]
        nodes[node] = tuple(re.findall(rf"(?<![\w.]){_dotted_name()}(?![\w.])", first_line))
        assert nodes[node], f"node {node}: its label's first line names no package"
    arrows = set()
    for line in block.splitlines():
        line = re.sub(r'\["[^"]*"\]', "", line.split("%%")[0])
        if "-->" in line:
            ends = [[end.strip() for end in part.split("&")] for part in re.split(r"-->(?:\|[^|]*\|)?", line)]
            for sources, targets in pairwise(ends):
                arrows |= set(product(sources, targets))
    unknown = {end for arrow in arrows for end in arrow} - nodes.keys()
    assert not unknown, f"arrows between nodes that are not defined: {unknown}"
    return Diagram(nodes, frozenset(arrows))


def _import_diagrams() -> list[Diagram]:
    blocks = re.findall(r"^```mermaid\n(.*?)^```", ARCHITECTURE.read_text(encoding="utf-8"), re.M | re.S)
    return [_diagram(block) for block in blocks if IMPORTS_MARK in block]


@cache
def _imports() -> frozenset[tuple[str, str]]:
    """Every import between modules of functions/ and infra/, deferred and type-checking imports included."""
    graph = grimp.build_graph(*_roots())
    return frozenset(
        (module, imported) for module in graph.modules for imported in graph.find_modules_directly_imported_by(module)
    )


def _drawn_and_real(diagram: Diagram) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    real = set()
    for module, imported in _imports():
        source, target = diagram.node_of(module), diagram.node_of(imported)
        if source is not None and target is not None and source != target:
            real.add((source, target))
    return set(diagram.arrows), real


def test_the_architecture_page_draws_its_packages_in_import_diagrams() -> None:
    diagrams = _import_diagrams()
    assert len(diagrams) >= 2
    undrawn = [package for package in _packages() if all(d.node_of(package) is None for d in diagrams)]
    assert undrawn == []


def test_every_arrow_on_the_architecture_page_is_an_import_the_code_has() -> None:
    for diagram in _import_diagrams():
        drawn, real = _drawn_and_real(diagram)
        assert sorted(drawn - real) == [], (
            f"arrows with no import behind them, in the diagram of {sorted(diagram.nodes)}"
        )


def test_every_import_between_packages_a_diagram_shows_is_drawn() -> None:
    for diagram in _import_diagrams():
        drawn, real = _drawn_and_real(diagram)
        assert sorted(real - drawn) == [], f"imports not drawn, in the diagram of {sorted(diagram.nodes)}"


def test_the_diagram_reader_sees_a_missing_and_an_invented_arrow() -> None:
    diagram = _diagram(
        f"""flowchart TB
    {IMPORTS_MARK}
    routes["api.routes"] --> storage["health_content.storage"]
    rest["api"]
    """
    )
    drawn, real = _drawn_and_real(diagram)
    assert ("routes", "storage") in drawn - real  # routes reach storage only through the container
    assert ("routes", "rest") in real - drawn  # routes import api's shared modules
