"""The English layer of a rulebook, kept as data beside the Vietnamese legal text.

A rulebook folder may hold ``en.json``: ``{"texts": {"<Vietnamese text>": "<English>"}}``.
Keys are the texts exactly as the sheets carry them (set names, groups, parts, sections,
criteria, knock-out labels, ...), so one translation serves every set that repeats a text.
The Vietnamese stays the legal authority: callers show it beside the English. A text without
an entry has no English (``None``); callers then show the Vietnamese alone.
"""
from __future__ import annotations

import functools
import json
import unicodedata
from pathlib import Path

from .loader import DATA_DIR


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


@functools.cache
def _layer(language: str, root: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in sorted(Path(root).glob(f"*/{language}.json")):  # older rulebooks first
        data = json.loads(path.read_text(encoding="utf-8"))
        for vi, translated in (data.get("texts") or {}).items():
            if isinstance(translated, str) and translated.strip():
                texts[_key(vi)] = translated.strip()
    return texts


def translate(text: str | None, language: str = "en", *, root: Path = DATA_DIR) -> str | None:
    """The ``language`` text of a Vietnamese legal text, or None when the layer lacks it."""
    if not text or language == "vi":
        return None
    return _layer(language, str(root)).get(_key(text))


def layer(language: str = "en", *, root: Path = DATA_DIR) -> dict[str, str]:
    """Every translated text of ``language`` (Vietnamese key -> translation)."""
    return dict(_layer(language, str(root)))
