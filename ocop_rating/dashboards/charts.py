"""Charts as data: a title, the columns of its table, its rows; and the geometry of a
horizontal (stacked) bar chart drawn as SVG by ``templates/_macros/charts.html``.

Hand-written SVG rather than pygal: pygal puts a ``<style>`` element and scripts inside its
SVG, which the Content-Security-Policy (no ``'unsafe-inline'``, security/headers.py) blocks.
Here every colour comes from classes in ``static/app.css`` and the markup only carries
geometry, a ``<title>`` and ``<desc>`` for screen readers, and the table beside it says the
same in words.
"""
from __future__ import annotations

from dataclasses import dataclass, field

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 190
PLOT_WIDTH = 330
VALUE_WIDTH = 60
TOP = 8


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    series: int
    value: int
    label: str


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    total: int
    segments: tuple[Segment, ...]


@dataclass
class Chart:
    """One chart and its table. ``series`` names the stacked parts (the table's value
    columns); ``rows`` are (label, value per series); ``extra`` columns are shown in the
    table and the CSV only (shares, ages), never drawn."""

    key: str
    title: str
    label_heading: str
    series: list[str]
    rows: list[tuple[str, list[int]]]
    extra_headings: list[str] = field(default_factory=list)
    extra: list[list] = field(default_factory=list)
    note: str = ""
    show_total: bool = True
    row_keys: list[str] = field(default_factory=list)  # the provinces' codes: drill-down links

    @property
    def is_empty(self) -> bool:
        return not any(sum(values) for _label, values in self.rows)

    def headings(self) -> list[str]:
        from flask_babel import gettext as _

        heads = [self.label_heading, *self.series]
        if self.show_total and len(self.series) > 1:
            heads.append(_("Tổng"))
        return heads + self.extra_headings

    def table(self) -> list[list]:
        """The rows as the table and the CSV show them."""
        out = []
        for i, (label, values) in enumerate(self.rows):
            row = [label, *values]
            if self.show_total and len(self.series) > 1:
                row.append(sum(values))
            row += self.extra[i] if i < len(self.extra) else []
            out.append(row)
        return out

    # -- drawing ---------------------------------------------------------------------------------

    @property
    def peak(self) -> int:
        return max((sum(values) for _label, values in self.rows), default=0)

    @property
    def height(self) -> int:
        return TOP * 2 + len(self.rows) * (BAR_HEIGHT + BAR_GAP)

    @property
    def width(self) -> int:
        return LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH

    @property
    def geometry(self) -> dict:
        return {"label_width": LABEL_WIDTH, "plot_width": PLOT_WIDTH, "bar_height": BAR_HEIGHT,
                "value_x": LABEL_WIDTH + PLOT_WIDTH + 6}

    def bars(self) -> list[Bar]:
        peak = self.peak or 1
        out = []
        for i, (label, values) in enumerate(self.rows):
            x = float(LABEL_WIDTH)
            segments = []
            for s, value in enumerate(values):
                width = PLOT_WIDTH * value / peak
                if value:
                    segments.append(Segment(round(x, 2), round(width, 2), s, value,
                                            self.series[s]))
                x += width
            out.append(Bar(_short(label), TOP + i * (BAR_HEIGHT + BAR_GAP), sum(values),
                           tuple(segments)))
        return out

    def description(self) -> str:
        """The chart in one sentence, for ``<desc>``."""
        parts = []
        for label, values in self.rows:
            if len(self.series) > 1:
                detail = ", ".join(f"{name} {v}" for name, v in zip(self.series, values) if v)
                parts.append(f"{label}: {sum(values)}" + (f" ({detail})" if detail else ""))
            else:
                parts.append(f"{label}: {values[0] if values else 0}")
        return "; ".join(parts)


def _short(label: str, limit: int = 30) -> str:
    label = str(label)
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"
