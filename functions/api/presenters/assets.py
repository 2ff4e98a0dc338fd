"""The static files the API serves: the embed script and its default stylesheet, and its icon."""

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


# Files whose name is not the last part of their route.
_FILE_NAMES = {paths.FAVICON: "favicon.svg"}  # browsers ask for /favicon.ico; it is an SVG, and says so


@cache
def asset(route: paths.RoutePath) -> StaticFile:
    """The static file served at ``route`` (the default stylesheet, the embed script, the icon)."""
    path = Path(__file__).parent.parent / "static" / _FILE_NAMES.get(route, route.template.rsplit("/", 1)[-1])
    modified = dt.datetime.fromtimestamp(int(path.stat().st_mtime), dt.UTC)
    return StaticFile(path.read_text(encoding="utf-8"), modified)
