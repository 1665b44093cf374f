"""QR codes as vector drawings (segno computes the matrix; ReportLab draws it).

Error correction is at least M (segno may raise it when the data still fits the same version,
which only makes the code sturdier), the mask is chosen by segno's deterministic rule, and the
4-module quiet zone required by ISO/IEC 18004 is part of the drawing, painted white so the
code scans on any background. The same URL always gives the same drawing.
"""
from __future__ import annotations

from functools import lru_cache

import segno
from reportlab.graphics.shapes import Drawing, Path, Rect
from reportlab.lib import colors

from .fonts import REGULAR, register_fonts

QUIET_ZONE = 4  # modules
LEVELS = ("m", "q", "h")  # M or better


@lru_cache(maxsize=4096)
def qr_matrix(data: str, *, error: str = "m") -> tuple[tuple[bool, ...], ...]:
    """The module matrix (True = dark), without the quiet zone. Cached: a certificate is
    often rendered twice (preview, then the ZIP)."""
    if not data:
        raise ValueError("A QR code needs some data.")
    if error.lower() not in LEVELS:
        raise ValueError("Use error correction M or higher.")
    code = segno.make_qr(data, error=error, boost_error=True)
    return tuple(tuple(bool(m) for m in row) for row in code.matrix)


def _runs(matrix) -> list[tuple[int, int, int]]:
    """Horizontal runs of dark modules: (row, first column, length)."""
    runs = []
    for r, row in enumerate(matrix):
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return runs


class QrDrawing(Drawing):
    """A Drawing of a QR code. Its shapes serve every ReportLab renderer; placed in a PDF as a
    flowable (or with ``drawOn``) it paints the same runs straight into the page stream in
    module units — the same marks, about ten times faster than through the shape renderer."""

    def __init__(self, size: float, runs, modules: int, border: int, color, background):
        # The drawing renderer sets its initial font even with no text: name ours, or the PDF
        # gains a (non-embedded) Helvetica.
        super().__init__(size, size, initialFontName=REGULAR)
        self._runs = runs
        self._modules = modules
        self._border = border
        self._color = color
        self._background = background
        unit = size / modules
        self.add(Rect(0, 0, size, size, fillColor=background, strokeColor=None))
        path = Path(fillColor=color, strokeColor=None, strokeWidth=0)
        for r, start, length in runs:
            top = size - (r + border) * unit
            x0, x1 = (start + border) * unit, (start + length + border) * unit
            path.moveTo(x0, top)
            path.lineTo(x1, top)
            path.lineTo(x1, top - unit)
            path.lineTo(x0, top - unit)
            path.closePath()
        self.add(path)

    def draw(self):
        canv = self.canv
        unit = self.width / self._modules
        canv.saveState()
        canv.setFillColor(self._background)
        canv.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        canv.setFillColor(self._color)
        canv.scale(unit, unit)
        top = self._modules - self._border - 1  # bottom edge of the first row, in modules
        ops = [f"{start + self._border} {top - r} {length} 1 re"
               for r, start, length in self._runs]
        canv.addLiteral("\n".join(ops) + "\nf")
        canv.restoreState()


def qr_drawing(url: str, size: float, *, border: int = QUIET_ZONE, error: str = "m",
               color=colors.black, background=colors.white) -> Drawing:
    """A ``size`` × ``size`` point Drawing of the QR code of ``url``, quiet zone included.

    Dark modules of a row are merged into runs and filled as one path, so the PDF stays small
    and the code has no hairline seams between modules.
    """
    register_fonts()
    matrix = qr_matrix(url, error=error.lower())
    modules = len(matrix) + 2 * border
    return QrDrawing(size, _runs(matrix), modules, border, color, background)
