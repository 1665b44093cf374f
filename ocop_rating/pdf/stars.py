"""Five-point stars drawn as vector paths (not font glyphs: "★" is missing from most fonts
and prints as a box).

Only earned stars are drawn: a 4-star product shows four filled stars and nothing for the
fifth. ``StarRow.count`` (and the return value of :func:`draw_stars`) is the number of star
paths drawn, so tests can check it without reading the PDF back.
"""
from __future__ import annotations

import math

from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from .fonts import REGULAR

STAR_FILL = colors.HexColor("#E0A100")    # gold
STAR_STROKE = colors.HexColor("#9C6B00")  # darker rim, so stars stay visible on light paper
INNER_RATIO = 0.382  # inner/outer radius of a regular five-point star (1/φ²)


def star_points(cx: float, cy: float, radius: float,
                inner_ratio: float = INNER_RATIO) -> list[tuple[float, float]]:
    """The 10 vertices of a five-point star centred on (cx, cy), first point straight up,
    alternating outer and inner vertices, counter-clockwise."""
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * inner_ratio
        angle = math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def draw_star(canv, cx: float, cy: float, radius: float, *, fill=STAR_FILL,
              stroke=STAR_STROKE, line_width: float | None = None) -> None:
    """Draw one filled star on a ReportLab canvas."""
    pts = star_points(cx, cy, radius)
    path = canv.beginPath()
    path.moveTo(*pts[0])
    for x, y in pts[1:]:
        path.lineTo(x, y)
    path.close()
    canv.saveState()
    canv.setFillColor(fill)
    if stroke is not None:
        canv.setStrokeColor(stroke)
        canv.setLineWidth(line_width if line_width is not None else max(radius / 14, 0.4))
        canv.setLineJoin(1)
    canv.drawPath(path, stroke=1 if stroke is not None else 0, fill=1)
    canv.restoreState()


def stars_width(count: int, size: float, gap: float) -> float:
    """Width taken by ``count`` stars of diameter ``size`` separated by ``gap``."""
    return count * size + max(count - 1, 0) * gap if count > 0 else 0.0


def draw_stars(canv, count: int, x: float, y: float, size: float, *, gap: float | None = None,
               fill=STAR_FILL, stroke=STAR_STROKE) -> int:
    """Draw ``count`` stars of diameter ``size`` in a row; (x, y) is the bottom-left corner of
    the row. Returns the number of stars drawn."""
    gap = size * 0.35 if gap is None else gap
    radius = size / 2
    # A star's lowest points sit at r·cos(36°) below its centre: centre it in the box.
    cy = y + radius * (1 + math.cos(math.pi / 5)) / 2
    drawn = 0
    for i in range(max(count, 0)):
        cx = x + radius + i * (size + gap)
        draw_star(canv, cx, cy, radius, fill=fill, stroke=stroke)
        drawn += 1
    return drawn


class StarRow(Flowable):
    """A row of ``count`` filled stars, as a Platypus flowable (centred by default)."""

    def __init__(self, count: int, size: float = 14, gap: float | None = None,
                 h_align: str = "CENTER", fill=STAR_FILL, stroke=STAR_STROKE):
        super().__init__()
        if count < 0:
            raise ValueError("count must be 0 or more")
        self.count = count
        self.size = size
        self.gap = size * 0.35 if gap is None else gap
        self.hAlign = h_align
        self.fill = fill
        self.stroke = stroke
        self.width = stars_width(count, size, self.gap)
        self.height = size
        self.drawn = 0  # set by draw(): stars actually painted

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        self.drawn = draw_stars(self.canv, self.count, 0, 0, self.size, gap=self.gap,
                                fill=self.fill, stroke=self.stroke)


def star_line(label: Paragraph, count: int, width: float, *, label_width: float,
              size: float = 13) -> Table:
    """``label`` (e.g. "Hạng sao: <b>4 sao</b>") followed on the same line by ``count`` drawn
    stars, vertically centred; ``label_width`` is the room given to the label (measure it
    with ``string_width`` and add a little), the stars take the rest of ``width``."""
    label_width = min(label_width, width)
    table = Table([[label, StarRow(count, size=size, h_align="LEFT")]],
                  colWidths=[label_width, width - label_width])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table
