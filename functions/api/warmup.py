"""What a cold container would otherwise do on its first request, done in Lambda's init phase instead.

Lambda runs the init phase with a full CPU burst, before any reader waits. Creating the resolver
(routes, models, validation), the clients and the settings there, with the garbage collector off
(``api.handler``), then freezing what was built out of the collector's sight, leaves the first
request with its own work only. With SnapStart the snapshot is taken after ``before_snapshot``,
which also reads the cause index once so that what it loads for good (the Indonesian stemmer's
dictionary, the typo index's module) is in the snapshot; ``after_restore`` replaces what must not
be shared between restored copies: the container (clients with their connections and credentials,
and content that may be hours old) and the random state.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable
from contextlib import suppress

from api.app import Api
from health_content.errors import ContentUnavailable


def prepare(api: Api, *, read_content: bool = False, collect: bool = False) -> None:
    current = api.container
    _ = current.content_table, current.partners, current.reader
    if read_content:
        with suppress(ContentUnavailable):  # the first request reads it instead
            current.causes.current()
    if collect:
        # After a restore: the replaced container's cycles, unreachable only now that the routers point at
        # the new resolver. A cold start skips it: 40-50 ms that free nothing that shows in the memory used.
        gc.collect()
    gc.freeze()  # what init built lives as long as the container: collections need not scan it again


def before_snapshot(api: Api) -> None:
    prepare(api, read_content=True)


def after_restore(*, replaced: Callable[[], None], renewed: Callable[[], Api]) -> None:
    """``replaced`` forgets the snapshot's API, ``renewed`` builds this copy's own."""
    random.seed()
    gc.unfreeze()  # the snapshot's container must be collectable once it is replaced
    replaced()
    prepare(renewed(), collect=True)
