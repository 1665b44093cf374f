"""Vietnamese text helpers: accent-insensitive folding and alphabetical sort keys.

Vietnamese alphabetical order treats ă, â, đ, ê, ô, ơ, ư as letters of their own
(a < ă < â < b < c < d < đ < e < ê …); tone marks only break ties (no tone < huyền < hỏi <
ngã < sắc < nặng, the order of Vietnamese dictionaries). Python's default string order puts
"Đ" after "Z" and "Ấ" after "Z"; these helpers give the order a Vietnamese reader expects.
"""
from __future__ import annotations

import unicodedata

# Combining tone marks, in dictionary order: huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Combining marks that make a letter of its own: breve (ă), circumflex (â ê ô), horn (ơ ư).
_LETTER_MARKS = {"\u0306": "\u0306", "\u0302": "\u0302", "\u031b": "\u031b"}

_ALPHABET = [
    "a", "a\u0306", "a\u0302", "b", "c", "d", "đ", "e", "e\u0302", "f", "g", "h", "i", "j",
    "k", "l", "m", "n", "o", "o\u0302", "o\u031b", "p", "q", "r", "s", "t", "u", "u\u031b",
    "v", "w", "x", "y", "z",
]
_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}


def fold(text: str | None) -> str:
    """Lower-case, strip every diacritic and map đ to d: "Cà phê Đắk" -> "ca phe dak"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def vn_sort_key(text: str | None) -> tuple:
    """A sort key giving Vietnamese alphabetical order (letters first, tones break ties)."""
    if not text:
        return ((), ())
    primary: list[int] = []
    tones: list[int] = []
    for cluster in _clusters(text):
        base, tone = cluster
        primary.append(_rank(base))
        tones.append(tone)
    return (tuple(primary), tuple(tones))


SORT_KEY_LENGTH = 640
_SORT_CLUSTERS = 120


def vn_sort_string(text: str | None) -> str:
    """``vn_sort_key`` as a plain ASCII string whose byte order is the same order, for a stored
    sort column (``name_sort``) that SQL can ORDER BY and index: four hex digits per letter,
    "!" (below every digit, so a prefix sorts first), then one digit per tone. Names longer
    than 120 letters are compared on their first 120."""
    primary, tones = vn_sort_key(text)
    letters = "".join(f"{min(max(rank + 1100, 0), 0xFFFF):04x}"
                      for rank in primary[:_SORT_CLUSTERS])
    return letters + "!" + "".join(str(t) for t in tones[:_SORT_CLUSTERS])


def _rank(letter: str) -> int:
    # Spaces and punctuation before digits, digits before letters, anything else after.
    rank = _RANK.get(letter)
    if rank is not None:
        return rank
    ch = letter[0]
    if ch.isdigit():
        return -100 + int(ch) if ch.isascii() else -50
    if ch.isalpha():
        return 1000 + ord(ch)
    return -1000 + ord(ch) % 500


def _clusters(text: str):
    """Split text into (letter, tone) pairs, a letter being a base char plus letter marks."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    base = None
    marks = ""
    tone = 0
    for ch in decomposed:
        if unicodedata.combining(ch):
            if ch in _TONES:
                tone = _TONES[ch]
            elif ch in _LETTER_MARKS:
                marks += ch
            continue
        if base is not None:
            yield base + marks, tone
        base, marks, tone = ch, "", 0
    if base is not None:
        yield base + marks, tone


def sentence_case(text: str | None) -> str:
    """The first letter capitalised, the rest untouched: legal notes written as sentence
    fragments ("không tuân thủ …") read as labels without the legal text being edited."""
    text = (text or "").strip()
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1:]
    return text
