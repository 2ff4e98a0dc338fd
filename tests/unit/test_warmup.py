"""A container prepared at init, and the SnapStart hooks: what a snapshot keeps and what each restored copy renews."""

from __future__ import annotations

import gc
import importlib
import weakref
from collections.abc import Iterator

import pytest
import snapshot_restore_py

from api import dependencies, warmup


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CONTENT_TABLE_NAME", "table")
    dependencies.reset()
    yield
    gc.unfreeze()
    dependencies.reset()


def test_in_lambda_the_container_is_ready_before_the_first_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "ApiFunction")
    from api import handler

    importlib.reload(handler)  # the init phase: the module is imported
    current = dependencies.container()
    assert "app" in current.__dict__ and "content_table" in current.__dict__  # built, not waiting for a request
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()  # off while the module and the container were built, on again for requests


# before_snapshot tries to read the cause index; the suite's socket guard refuses, as an unreachable store would.
@pytest.mark.filterwarnings("ignore:A test tried to use socket:UserWarning")
def test_with_snapstart_the_hooks_prepare_the_snapshot_and_renew_each_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "ApiFunction")
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start")
    registered: dict[str, object] = {}
    monkeypatch.setattr(snapshot_restore_py, "register_before_snapshot", lambda hook: registered.update(before=hook))
    monkeypatch.setattr(snapshot_restore_py, "register_after_restore", lambda hook: registered.update(after=hook))
    from api import handler

    importlib.reload(handler)
    assert registered == {"before": warmup.before_snapshot, "after": warmup.after_restore}
    assert gc.isenabled()
    assert "app" not in dependencies.container().__dict__  # nothing built until the runtime calls the hook
    warmup.before_snapshot()  # no store to read here: the cause index is left for the first request
    snapshot = dependencies.container()
    snapshot_table, snapshot_app = snapshot.content_table, weakref.ref(snapshot.app)
    del snapshot
    warmup.after_restore()
    restored = dependencies.container()
    assert restored.content_table is not snapshot_table
    assert snapshot_app() is None  # collected, not frozen for the life of the restored copy
    assert "app" in restored.__dict__
