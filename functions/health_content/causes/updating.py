"""Where a taxonomy version's index comes from: the indexer's file, when it was built from that version; else the
taxonomy as the serving index holds it, built on the spot.

The indexer and every API container use the same steps. The indexer keeps one file in the content bucket
(``CauseIndexFiles``), built again when the published taxonomy is not the one it was built from; a container
downloads it when it first needs the index, and again when the taxonomy changes. The taxonomy's change event starts
the indexer (template.yaml); in the seconds until it has stored the new file, a container that needs the new
version builds it itself, as every container did before the file: correct, and as slow as the taxonomy is large.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from health_content.causes.database import CauseDatabase, UnusableIndex
from health_content.causes.store import CauseStore
from health_content.observability import logger


class CauseIndexFiles(Protocol):
    """Where the indexer keeps the current cause index file (the content bucket)."""

    def fetch(self, path: Path) -> bool:
        """Write the current file to ``path``; False when there is none yet."""
        ...

    def store(self, path: Path, content_hash: str) -> None:
        """Make the database in ``path``, built from taxonomy ``content_hash``, the current file."""
        ...

    def stored(self) -> str | None:
        """The content hash of the taxonomy the current file was built from; None when there is no file of this
        release's format."""
        ...


def current(store: CauseStore, files: CauseIndexFiles | None, path: Path, content_hash: str) -> CauseDatabase | None:
    """The database of taxonomy ``content_hash`` in ``path``: the indexer's file when it holds that version, else
    built from what the store holds (a newer version, if one was published meanwhile; None if none is)."""
    if files is not None and files.fetch(path):
        try:
            database = CauseDatabase.open(path)
        except UnusableIndex as error:
            logger.warning(
                "the cause index file cannot be used; building the index from the taxonomy", reason=str(error)
            )
        else:
            if database.content_hash == content_hash:
                return database
            database.close()
            logger.info("the cause index file is of another taxonomy; building the index from the taxonomy")
    published = store.get()
    return None if published is None else CauseDatabase.create(published, path)


@dataclass
class CauseIndexer:
    """Keeps the cause index file built from the published taxonomy. Run on the search indexer's schedule, one at a
    time: one read of the taxonomy's hash when nothing changed."""

    store: CauseStore
    files: CauseIndexFiles
    _stored: str | None = None
    """The content hash of the file this container last stored or found stored."""
    _looked: bool = False

    def run(self) -> str | None:
        """Store a file of the published taxonomy when the current one was built from another; the content hash of
        the file stored, or None when none was."""
        published_hash = self.store.current_hash()
        if published_hash is None or published_hash == self._stored:
            return None
        if not self._looked:  # a cold container: the file may be current already
            self._stored, self._looked = self.files.stored(), True
            if published_hash == self._stored:
                return None
        published = self.store.get()
        if published is None:
            return None
        with tempfile.TemporaryDirectory(prefix="cause-indexer-") as folder:
            path = Path(folder) / "causes.sqlite"
            database = CauseDatabase.create(published, path)
            try:
                self.files.store(path, published.content_hash)
            finally:
                database.close()
        self._stored = published.content_hash
        return published.content_hash
