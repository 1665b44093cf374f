"""The legal instruments (rulebooks) a certificate or result can be under, as records.

Certificates issued before the system were rated under older rulebooks whose criteria are not
loaded as data (only Decision 26/2026's are): they are still named, with their part weights,
wherever the certificate or result is shown (issue 15, point 6; DOMAIN.md §1). New evaluations
and re-evaluations are scored on the rulebook in force (26/2026)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PRIME_MINISTER = "Thủ tướng Chính phủ"


@dataclass(frozen=True)
class Instrument:
    code: str
    label: str                       # the instrument as cited, e.g. "Quyết định 148/QĐ-TTg"
    parts: tuple[tuple[str, int], ...]  # (part code, maximum points)
    authority: str = PRIME_MINISTER
    in_force_from: date | None = None
    in_force_to: date | None = None  # None: still in force
    historic: bool = False           # criteria not loaded as data (records only)

    @property
    def weights(self) -> str:
        """e.g. "A35/B25/C40"."""
        return "/".join(f"{code}{points}" for code, points in self.parts)

    @property
    def title(self) -> str:
        return self.label

    def to_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "weights": self.weights,
                "authority": self.authority,
                "in_force_from": self.in_force_from.isoformat() if self.in_force_from else None,
                "in_force_to": self.in_force_to.isoformat() if self.in_force_to else None,
                "parts": [{"code": c, "max": p} for c, p in self.parts]}


# Part A: product and community strength; B: marketing capacity; C: product quality.
# Periods in force from DOMAIN.md §1. 148/2023 as amended by 1489/2025 keeps the 148 weights
# (the amendment changed levels and procedure, not the part maxima; docs/decisions.md
# "Older rulebooks as records").
HISTORIC = {
    "qd1048-2019": Instrument(
        "qd1048-2019", "Quyết định 1048/QĐ-TTg", (("A", 35), ("B", 25), ("C", 40)),
        in_force_from=date(2019, 8, 21), in_force_to=date(2023, 2, 23), historic=True),
    "qd148-2023": Instrument(
        "qd148-2023", "Quyết định 148/QĐ-TTg", (("A", 40), ("B", 25), ("C", 35)),
        in_force_from=date(2023, 2, 24), in_force_to=date(2025, 6, 30), historic=True),
    "qd148-1489-2025": Instrument(
        "qd148-1489-2025", "Quyết định 148/QĐ-TTg (sửa đổi bởi Quyết định 1489/QĐ-TTg)",
        (("A", 40), ("B", 25), ("C", 35)),
        in_force_from=date(2025, 7, 1), in_force_to=date(2026, 7, 21), historic=True),
}

# Short names a spreadsheet may use for each historic instrument (imports).
ALIASES = {
    "1048": "qd1048-2019", "1048/2019": "qd1048-2019", "qd1048-2019": "qd1048-2019",
    "148": "qd148-2023", "148/2023": "qd148-2023", "qd148-2023": "qd148-2023",
    "148+1489": "qd148-1489-2025", "148+1489/2025": "qd148-1489-2025",
    "1489": "qd148-1489-2025", "1489/2025": "qd148-1489-2025",
    "qd148-1489-2025": "qd148-1489-2025",
}


def historic_code(text: str) -> str | None:
    """The historic instrument a spreadsheet cell names ("1048/2019", "148", "148+1489/2025"),
    or None."""
    key = "".join(text.split()).lower().replace("qđ", "").replace("-ttg", "")
    return ALIASES.get(key)


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
                      tuple((p.code, int(p.max_points)) for p in book.parts),
                      in_force_from=book.effective_from, in_force_to=book.effective_to)


def parts_summary(code: str) -> dict:
    return instrument(code).to_dict()
