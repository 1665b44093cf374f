"""The Be Vietnam Pro family, registered once with ReportLab.

The TTF files come from the ``fontpkg-be-vietnam-pro`` package through ``fontpkg.path`` (no
site-packages path is written down here). The four faces are registered as one ReportLab family,
so ``<b>`` and ``<i>`` in a Paragraph pick the right face. Vietnamese needs a Unicode TrueType
font: the base-14 fonts have no glyphs for ơ, ư, ạ, ặ …

Embedding is the costly part of a small PDF (docs/benchmarks.md): ReportLab subsets every face a
document uses afresh, in the order the characters first appear. Here each face used by a
document starts with the same fixed subset — ASCII and every Vietnamese letter — so the embedded
subset is identical from one document to the next whatever the names printed, and its
compressed font program is built once per process and reused. A side effect worth having: every
embedded face covers the whole Vietnamese alphabet, so a PDF can be filled in or searched with
any Vietnamese word. Characters beyond that set (rare: a symbol in a producer's name) still get
their own, per-document subset.
"""
from __future__ import annotations

import threading
import unicodedata
import zlib

import fontpkg
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

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

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền sắc hỏi ngã nặng
# Every precomposed Vietnamese letter (both cases) and the punctuation our documents print,
# in a fixed order: the first, shared subset of every embedded face.
VIETNAMESE = "".join(dict.fromkeys(
    "".join(unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES)
    + "đ" + "".join(unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES).upper()
    + "Đ" + "–—‘’“”…•·°×"))
_FLATE = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])

_lock = threading.Lock()
_registered = False


class _Raw(pdfdoc.PDFObject):
    """A PDF value formatted once (a font's widths array): written out as these bytes."""

    def __init__(self, data: bytes):
        self.data = data

    def format(self, document):
        return self.data


def _compressed_stream(raw: bytes, **entries) -> pdfdoc.PDFStream:
    """A stream whose content is already Flate-compressed (``format`` leaves it as it is)."""
    stream = pdfdoc.PDFStream(content=raw)
    stream.dictionary["Filter"] = _FLATE
    for key, value in entries.items():
        stream.dictionary[key] = value
    return stream


class _SeedDoc:
    """A stand-in document (ReportLab keys font states weakly by document)."""


class _Font(TTFont):
    """A TrueType font whose per-document state starts with :data:`VIETNAMESE` assigned and
    whose embedded subsets are built once per distinct subset (ReportLab's ``addObjects``
    with the subset's font program, widths and ToUnicode map kept between documents)."""

    def __init__(self, name: str, filename: str):
        super().__init__(name, filename)
        probe = _SeedDoc()
        super().splitString(VIETNAMESE, probe)  # ReportLab's own assignment, once
        self._seed = self.state.pop(probe)
        self._parts: dict[tuple, tuple[bytes, bytes, int, bytes]] = {}

    def splitString(self, text, doc, encoding="utf-8"):
        if doc not in self.state:
            seed, state = self._seed, TTFont.State(self._asciiReadable, self)
            state.assignments = dict(seed.assignments)
            state.subsets = [list(subset) for subset in seed.subsets]
            state.nextCode = seed.nextCode
            self.state[doc] = state
        return super().splitString(text, doc, encoding)

    def _subset_parts(self, base_name: str, subset: list[int]) -> tuple[bytes, bytes, int, bytes]:
        key = (base_name, *subset)
        parts = self._parts.get(key)
        if parts is None:
            widths = pdfdoc.PDFArray([self.face.getCharWidth(code) for code in subset])
            program = self.face.makeSubset(subset)
            parts = (pdfdoc.format(widths, pdfdoc.DummyDoc()),
                     zlib.compress(makeToUnicodeCMap(base_name, subset).encode("utf-8")),
                     len(program), zlib.compress(program))
            with _lock:
                if len(self._parts) > 256:  # subsets of rare extra characters: bounded
                    self._parts.clear()
                self._parts[key] = parts
        return parts

    def addObjects(self, doc):
        if not doc.compression:  # never the case for our PDFs; keep ReportLab's contract
            return super().addObjects(doc)
        state = self._assignState(doc)
        state.frozen = 1
        face = self.face
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_name = b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
            widths, cmap, length1, program = self._subset_parts(base_name, subset)
            font = pdfdoc.PDFTrueTypeFont()
            font.Name = internal_name
            font.BaseFont = base_name
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = _Raw(widths)
            font.ToUnicode = doc.Reference(_compressed_stream(cmap),
                                           "toUnicodeCMap:" + base_name)
            program_ref = doc.Reference(_compressed_stream(program, Length1=length1),
                                        f"fontFile:{face.filename}({base_name})")
            font.FontDescriptor = doc.Reference(pdfdoc.PDFDictionary({
                "Type": "/FontDescriptor", "Ascent": face.ascent, "CapHeight": face.capHeight,
                "Descent": face.descent, "Flags": (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(face.bbox), "FontName": pdfdoc.PDFName(base_name),
                "ItalicAngle": face.italicAngle, "StemV": face.stemV, "FontFile2": program_ref,
                "MissingWidth": face.defaultWidth,
            }), "fontDescriptor:" + base_name)
            doc.Reference(font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = font
        del self.state[doc]


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
            pdfmetrics.registerFont(_Font(name, str(path)))
        # registerFontFamily() equivalent, spelled out: (family, bold, italic) -> face.
        for bold, italic, face in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC),
                                   (1, 1, BOLD_ITALIC)):
            addMapping(REGULAR, bold, italic, face)
        _registered = True


def string_width(text: str, font: str = REGULAR, size: float = 10) -> float:
    """Width in points of ``text`` set in one of the registered faces."""
    register_fonts()
    return pdfmetrics.stringWidth(text, font, size)
