"""moto's server, finding a request's service without listing moto's own package folder for each request.

moto 5's server (``DomainDispatcherApplication.get_backend_for_host``) asks ``moto.backends.list_of_moto_modules``
on every request whether the host names a moto module, and that lists moto's package folder and checks each of
its 180 entries on disk. Publishing a catalogue with ``content-api publish`` makes about six requests a
document to ``make serve``'s moto server: the listing took 15% of the server's time (issue 19).

``install`` answers that question from one listing, made once: the folder is moto's installed package, which
does not change while the process runs. Only this process's moto is changed: the ``make serve`` moto server.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from moto import backends


def install() -> None:
    """Make this process's moto server list its modules once (idempotent)."""
    if getattr(backends.list_of_moto_modules, "listed_once", False):
        return
    modules = tuple(backends.list_of_moto_modules())

    @functools.wraps(backends.list_of_moto_modules)
    def list_of_moto_modules() -> Iterable[str]:
        return modules

    list_of_moto_modules.listed_once = True  # type: ignore[attr-defined]
    backends.list_of_moto_modules = list_of_moto_modules
