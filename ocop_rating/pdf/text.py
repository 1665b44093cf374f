"""Text helpers for the PDFs: Unicode normalisation, markup escaping, Vietnamese dates and
point numbers written with a decimal comma."""
from __future__ import annotations

import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape


def nfc(text: object) -> str:
    """``text`` as an NFC string. Input typed on some keyboards arrives decomposed (a base
    letter + combining tone marks); ReportLab does no mark positioning, so decomposed text
    would print the marks beside the letters. NFC gives the precomposed glyphs of the font."""
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def para(text: object) -> str:
    """``text`` made safe for a ReportLab Paragraph: NFC, ``& < >`` escaped, newlines kept."""
    return escape(nfc(text)).replace("\r\n", "\n").replace("\n", "<br/>")


def dmy(day: date) -> str:
    """dd/mm/yyyy, as dates are written inside Vietnamese documents: 07/03/2026."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def vn_date(day: date) -> str:
    """"ngày 07 tháng 3 năm 2026".

    Decree 30/2020/NĐ-CP, Appendix I, II.5.b: days below 10 and the months 1 and 2 take a
    leading zero (so "01" cannot be turned into "11"); other months are written without one.
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year:04d}"


def vn_date_line(place: str, day: date) -> str:
    """The place-and-date line of a document: "Quảng Ninh, ngày 07 tháng 3 năm 2026"."""
    place = nfc(place).strip()
    return f"{place}, {vn_date(day)}" if place else vn_date(day).capitalize()


def fmt_points(value: Decimal | float | str | None, empty: str = "—") -> str:
    """Points with a decimal comma and no useless zeros: 3 -> "3", 2.50 -> "2,5",
    72.25 -> "72,25". ``None`` gives ``empty``."""
    if value is None:
        return empty
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if number == 0:
        return "0"  # also for Decimal("-0")
    if number == number.to_integral_value():
        return f"{number.to_integral_value():f}"
    return f"{number.normalize():f}".replace(".", ",")


def fmt_fixed(value: Decimal | float | str | None, places: int = 2, empty: str = "—") -> str:
    """Points with exactly ``places`` decimals and a decimal comma, rounded half up (as the
    council rounds its mean): 85.5 -> "85,50", 89.995 -> "90,00", 80 -> "80,00". For means
    and totals in a column, where the figures must line up. ``None`` gives ``empty``."""
    if value is None:
        return empty
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    quantum = Decimal(1).scaleb(-places)
    text = f"{number.quantize(quantum, rounding=ROUND_HALF_UP):f}"
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]  # no "-0,00"
    return text.replace(".", ",")


def stars_text(star: int | None) -> str:
    """"4 sao" (or "Không xếp hạng" for None)."""
    return "Không xếp hạng" if star is None else f"{star} sao"
