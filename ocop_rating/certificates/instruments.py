"""The legal instruments (rulebooks) a certificate or result can be under, as records.

Certificates issued before the system were rated under older rulebooks whose criteria are not
loaded as data (only Decision 26/2026's are): they are still named, with their part weights,
wherever the certificate or result is shown (issue 15, point 6). New evaluations and
re-evaluations are scored on the rulebook in force (26/2026)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Instrument:
    code: str
    label: str
    parts: tuple[tuple[str, int], ...]  # (part code, maximum points)

    @property
    def weights(self) -> str:
        """e.g. "A35/B25/C40"."""
        return "/".join(f"{code}{points}" for code, points in self.parts)

    def to_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "weights": self.weights,
                "parts": [{"code": c, "max": p} for c, p in self.parts]}


# Part A: product and community strength; B: marketing capacity; C: product quality.
# 148/2023 as amended by 1489/2025 keeps the 148 weights (the amendment changed sets and
# procedure, not the part maxima; docs/decisions.md "Older rulebooks as records").
HISTORIC = {
    "qd1048-2019": Instrument("qd1048-2019", "Quyết định 1048/QĐ-TTg",
                              (("A", 35), ("B", 25), ("C", 40))),
    "qd148-2023": Instrument("qd148-2023", "Quyết định 148/QĐ-TTg",
                             (("A", 40), ("B", 25), ("C", 35))),
    "qd148-1489-2025": Instrument(
        "qd148-1489-2025", "Quyết định 148/QĐ-TTg (sửa đổi bởi Quyết định 1489/QĐ-TTg)",
        (("A", 40), ("B", 25), ("C", 35))),
}


def instrument(code: str) -> Instrument:
    """The instrument of a rulebook code: from the loaded rulebook when it is data, else from
    the historic list; an unknown code is named as is (never an error on a public page)."""
    from ..rulebook import RulebookError, get_rulebook

    if code in HISTORIC:
        return HISTORIC[code]
    try:
        book = get_rulebook(code)
    except RulebookError:
        return Instrument(code, code, ())
    return Instrument(code, book.instrument,
                      tuple((p.code, int(p.max_points)) for p in book.parts))


def parts_summary(code: str) -> dict:
    return instrument(code).to_dict()
