"""The body the floor and the peer answer with: the size of the API's article JSON, serialized beforehand."""

from __future__ import annotations

import os

BODY = '{"padding":"' + "x" * int(os.environ.get("REFERENCE_BODY_BYTES", "14000")) + '"}'
ETAG = '"reference"'
