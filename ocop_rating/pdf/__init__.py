"""Shared PDF machinery of ocop-rating: fonts, deterministic building, the pieces of a
Vietnamese administrative document, vector stars and QR codes.

Pure rendering: nothing here imports Flask or SQLAlchemy. Renderers take frozen dataclasses
and return bytes. See docs/pdf.md.
"""
from __future__ import annotations

from .build import DEFAULT_MARGINS, build_pdf, page_label
from .fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR, register_fonts, string_width
from .layout import (
    MOTTO,
    NATION,
    Styles,
    authority_block,
    beside,
    form_number_marker,
    grid_style,
    heading,
    labelled,
    national_header,
    p,
    rule,
    signature_block,
    styles,
    two_column_header,
)
from .qr import qr_drawing, qr_matrix
from .stars import StarRow, draw_star, draw_stars, star_line, star_points, stars_width
from .text import dmy, fmt_fixed, fmt_points, nfc, para, stars_text, vn_date, vn_date_line

__all__ = [
    "BOLD", "BOLD_ITALIC", "DEFAULT_MARGINS", "ITALIC", "MOTTO", "NATION", "REGULAR",
    "StarRow", "Styles", "authority_block", "beside", "build_pdf", "dmy", "draw_star",
    "draw_stars", "fmt_fixed", "fmt_points", "form_number_marker", "grid_style", "heading",
    "labelled", "national_header", "nfc", "p", "page_label", "para", "qr_drawing", "qr_matrix",
    "register_fonts", "rule", "signature_block", "star_line", "star_points", "stars_text",
    "stars_width", "string_width", "styles", "two_column_header", "vn_date", "vn_date_line",
]
