"""The static files partners load: the embed script and its default stylesheet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from api import paths


@dataclass(frozen=True, slots=True)
class StaticFile:
    text: str
    modified: dt.datetime


@cache
def asset(route: paths.RoutePath) -> StaticFile:
    """A static file served to partners at ``route`` (the default stylesheet, the embed script)."""
    path = Path(__file__).parent.parent / "static" / route.template.rsplit("/", 1)[-1]
    modified = dt.datetime.fromtimestamp(int(path.stat().st_mtime), dt.UTC)
    return StaticFile(path.read_text(encoding="utf-8"), modified)
