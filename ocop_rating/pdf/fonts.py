"""The Be Vietnam Pro family, registered once with ReportLab.

The TTF files come from the ``fontpkg-be-vietnam-pro`` package through ``fontpkg.path`` (no
site-packages path is written down here). The four faces are registered as one ReportLab family,
so ``<b>`` and ``<i>`` in a Paragraph pick the right face. Vietnamese needs a Unicode TrueType
font: the base-14 fonts have no glyphs for ơ, ư, ạ, ặ …
"""
from __future__ import annotations

import threading

import fontpkg
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY_NAME = "Be Vietnam Pro"  # the fontpkg family

REGULAR = "BeVietnamPro"
BOLD = "BeVietnamPro-Bold"
ITALIC = "BeVietnamPro-Italic"
BOLD_ITALIC = "BeVietnamPro-BoldItalic"

# ReportLab font name -> (weight, style) in the fontpkg family
FACES: dict[str, tuple[int, str]] = {
    REGULAR: (400, "normal"),
    BOLD: (700, "normal"),
    ITALIC: (400, "italic"),
    BOLD_ITALIC: (700, "italic"),
}

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the four faces and the family with ReportLab. Idempotent and thread-safe; cheap
    after the first call, so every renderer calls it on entry."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, (weight, style) in FACES.items():
            path = fontpkg.path(FAMILY_NAME, weight, style)
            pdfmetrics.registerFont(TTFont(name, str(path)))
        # registerFontFamily() equivalent, spelled out: (family, bold, italic) -> face.
        for bold, italic, face in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC),
                                   (1, 1, BOLD_ITALIC)):
            addMapping(REGULAR, bold, italic, face)
        _registered = True


def string_width(text: str, font: str = REGULAR, size: float = 10) -> float:
    """Width in points of ``text`` set in one of the registered faces."""
    register_fonts()
    return pdfmetrics.stringWidth(text, font, size)
