"""Text analysis shared by indexing and queries: folding, tokens, stop words and stems.

Indonesian words are stemmed with Sastrawi (``kekurangan`` -> ``kurang``, ``kehamilan``
-> ``hamil``); English words with the Snowball English stemmer. A query word's language
is not known, so it is looked up under both stems.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from health_content.vocabulary import Locale

LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
"""What a folded word is made of."""
_WORD = re.compile(f"[{LETTERS}]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# Shorter words are not corrected: one edit of a four-letter word is another word too often.
TYPO_MIN_LENGTH = 5

# Function words only: lay words such as "kurang" (lacking) or "rendah" (low) carry meaning here.
STOP_WORDS = frozenset(
    [
        "dan",
        "atau",
        "yang",
        "di",
        "ke",
        "dari",
        "pada",
        "dengan",
        "untuk",
        "saat",
        "dalam",
        "ini",
        "itu",
        "oleh",
        "karena",
        "juga",
        "akan",
        "bisa",
        "dapat",
        "sebagai",
        "seperti",
        "secara",
        "adalah",
        "ada",
        "apa",
        "apakah",
        "bagaimana",
        "kenapa",
        "mengapa",
        "saya",
        "anda",
        "kami",
        "kita",
        "nya",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "in",
        "on",
        "to",
        "for",
        "with",
        "by",
        "as",
        "at",
        "is",
        "are",
        "be",
        "can",
        "from",
        "that",
        "this",
        "it",
        "its",
        "when",
        "which",
        "what",
        "why",
        "how",
        "my",
        "your",
        "our",
        "do",
        "does",
    ]
)


def fold(text: str) -> str:
    """Case- and accent-insensitive form: "Kéjang" and "kejang" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The words of a text, folded, without stop words ("anak-anak" gives "anak", "anak")."""
    return [word for word in _WORD.findall(fold(text)) if word not in STOP_WORDS]


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph, split after a full stop, question or exclamation mark."""
    return [sentence for sentence in _SENTENCE_END.split(text) if sentence.strip()]


@cache
def _indonesian() -> Any:
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    # Sastrawi's factory wraps the stemmer in a cache that never forgets a word, so memory would grow
    # with every new word a user types; ``stem`` below has a bounded cache instead.
    return Stemmer(ArrayDictionary(StemmerFactory().get_words()))


@cache
def _english() -> Any:
    import snowballstemmer  # imports every language's stemmer (14 ms): only once an English word is stemmed

    return snowballstemmer.stemmer("english")


def _stem_indonesian(word: str) -> str:
    return str(_indonesian().stem(word)) or word


def _stem_english(word: str) -> str:
    return str(_english().stemWord(word))


# A locale without a stemmer of its own matches exact words and typos only.
_STEMMERS: dict[Locale, Callable[[str], str]] = {"id": _stem_indonesian, "en": _stem_english}


STEM_CACHE_SIZE = 16_384


@lru_cache(maxsize=STEM_CACHE_SIZE)
def stem(word: str, locale: Locale) -> str:
    stemmer = _STEMMERS.get(locale)
    return word if stemmer is None else stemmer(word)
