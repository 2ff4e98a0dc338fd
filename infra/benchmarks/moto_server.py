"""The moto server the benches publish to and their API containers read from, on loopback."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moto.server import ThreadedMotoServer


def start(table: str) -> tuple[ThreadedMotoServer, str]:
    """A started moto server and its endpoint; this process's AWS clients (the publishing path) point at it,
    with ``table`` as the content table and Powertools quiet."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    os.environ.update({"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"})
    os.environ.update({"AWS_DEFAULT_REGION": "us-east-1", "CONTENT_TABLE_NAME": table})
    os.environ.update({"POWERTOOLS_LOG_LEVEL": "WARNING", "POWERTOOLS_METRICS_DISABLED": "true"})  # publishing
    return server, endpoint
