"""A container prepared at init, and the SnapStart hooks: what a snapshot keeps and what each restored copy renews."""

from __future__ import annotations

import gc
import importlib
import weakref
from collections.abc import Iterator

import pytest
import snapshot_restore_py

from api import handler as api_handler


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CONTENT_TABLE_NAME", "table")
    api_handler.reset()
    yield
    gc.unfreeze()
    api_handler.reset()


def test_in_lambda_the_container_is_ready_before_the_first_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "ApiFunction")
    importlib.reload(api_handler)  # the init phase: the module is imported
    assert api_handler.this_containers_api.cache_info().currsize == 1  # built, not waiting for a request
    assert "content_table" in api_handler.this_containers_api().container.__dict__
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
    importlib.reload(api_handler)
    assert registered == {"before": api_handler.before_snapshot, "after": api_handler.after_restore}
    assert gc.isenabled()
    assert api_handler.this_containers_api.cache_info().currsize == 0  # nothing built until the runtime calls the hook
    api_handler.before_snapshot()  # no store to read here: the cause index is left for the first request
    snapshot = api_handler.this_containers_api()
    snapshot_table, snapshot_resolver = snapshot.container.content_table, weakref.ref(snapshot.resolver)
    del snapshot
    api_handler.after_restore()
    restored = api_handler.this_containers_api()
    assert restored.container.content_table is not snapshot_table
    assert snapshot_resolver() is None  # collected, not frozen for the life of the restored copy
    assert "content_table" in restored.container.__dict__
