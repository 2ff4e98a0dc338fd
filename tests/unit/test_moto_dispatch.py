"""The local stack's moto server finds a request's service from one listing of moto's modules, not one per
request (issue 19: the listing took 15% of the server's time during a catalogue publish)."""

from __future__ import annotations

import os

import moto
import pytest
from moto import backends

from infra.local import moto_dispatch


def test_the_modules_are_the_folder_s_and_are_listed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = os.path.dirname(moto.__file__)
    expected = sorted(
        entry
        for entry in os.listdir(folder)
        if os.path.isdir(os.path.join(folder, entry)) and not entry.startswith("__")
    )
    moto_dispatch.install()

    def no_listing(path: str) -> list[str]:
        raise AssertionError(f"listed {path} again")

    monkeypatch.setattr(os, "listdir", no_listing)
    assert list(backends.list_of_moto_modules()) == expected
    assert "s3" in backends.list_of_moto_modules() and "dynamodb" in backends.list_of_moto_modules()
