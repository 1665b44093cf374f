"""The shared PDF machinery: fonts, text helpers, stars, QR, build_pdf."""
from __future__ import annotations

import threading
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
import segno
from reportlab.graphics import renderPDF
from reportlab.lib.fonts import tt2ps
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import PageBreak

from ocop_rating.pdf import (
    BOLD,
    BOLD_ITALIC,
    ITALIC,
    REGULAR,
    StarRow,
    build_pdf,
    dmy,
    draw_stars,
    fmt_points,
    national_header,
    p,
    qr_drawing,
    qr_matrix,
    register_fonts,
    signature_block,
    star_points,
    styles,
    two_column_header,
    vn_date,
    vn_date_line,
)
from ocop_rating.pdf.stars import STAR_FILL

from .helpers import count_blobs, decode_qr, norm, pdf_fonts, pdf_info, pdf_text, render_png


def only_be_vietnam_pro(pdf: bytes) -> list[dict[str, str]]:
    fonts = pdf_fonts(pdf)
    assert fonts, "no fonts at all"
    for f in fonts:
        assert "BeVietnamPro" in f["name"], f"foreign font {f['name']}"
        assert f["emb"] == "yes" and f["uni"] == "yes", f
    return fonts


# --- fonts ------------------------------------------------------------------------------------

def test_fonts_register_once_from_many_threads():
    errors = []

    def go():
        try:
            register_fonts()
        except Exception as exc:  # noqa: BLE001 - any failure in a thread is reported below
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    register_fonts()
    assert not errors
    assert {REGULAR, BOLD, ITALIC, BOLD_ITALIC} <= set(pdfmetrics.getRegisteredFontNames())
    # one family: <b> and <i> in a Paragraph find the right face
    assert tt2ps(REGULAR, 1, 0) == BOLD
    assert tt2ps(REGULAR, 0, 1) == ITALIC
    assert tt2ps(REGULAR, 1, 1) == BOLD_ITALIC


def test_font_has_every_vietnamese_letter():
    register_fonts()
    face = pdfmetrics.getFont(REGULAR).face
    letters = ("aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụ"
               "ưừửữứựvxyỳỷỹýỵ")
    missing = [ch for ch in letters + letters.upper() if ord(ch) not in face.charToGlyph]
    assert not missing


# --- text helpers -----------------------------------------------------------------------------

@pytest.mark.parametrize("value, text", [
    (Decimal(3), "3"), (Decimal("2.5"), "2,5"), (Decimal("2.50"), "2,5"),
    (Decimal("72.25"), "72,25"), (Decimal(0), "0"), (Decimal("-0"), "0"),
    (Decimal("1E+1"), "10"), (Decimal("100.00"), "100"), (3, "3"), (None, "—"),
])
def test_points_use_a_decimal_comma(value, text):
    assert fmt_points(value) == text


def test_dates_vietnamese_style():
    assert dmy(date(2026, 3, 7)) == "07/03/2026"
    assert vn_date_line("Quảng Ninh", date(2026, 3, 7)) == "Quảng Ninh, ngày 07 tháng 3 năm 2026"
    # Decree 30/2020: a leading zero for days below 10 and the months 1 and 2 only
    assert vn_date(date(2026, 2, 1)) == "ngày 01 tháng 02 năm 2026"
    assert vn_date(date(2026, 12, 25)) == "ngày 25 tháng 12 năm 2026"


# --- stars ------------------------------------------------------------------------------------

class RecordingCanvas:
    """Just enough of a canvas to count the star paths drawn on it."""

    def __init__(self):
        self.paths = []

    def beginPath(self):
        canvas = self

        class Path:
            def __init__(self):
                self.points = []

            def moveTo(self, x, y):
                self.points.append((x, y))

            def lineTo(self, x, y):
                self.points.append((x, y))

            def close(self):
                pass

        canvas._path = Path()
        return canvas._path

    def drawPath(self, path, stroke=1, fill=0):
        self.paths.append((path.points, fill))

    def __getattr__(self, name):  # saveState, setFillColor … do nothing
        return lambda *a, **k: None


def test_star_points_form_a_five_point_star():
    pts = star_points(0, 0, 10)
    assert len(pts) == 10
    assert pts[0] == pytest.approx((0, 10))
    radii = [round((x * x + y * y) ** 0.5, 6) for x, y in pts]
    assert radii[0::2] == [10.0] * 5
    assert all(r < 4 for r in radii[1::2])


@pytest.mark.parametrize("count", [0, 1, 3, 4, 5])
def test_draw_stars_draws_one_filled_path_per_star(count):
    canvas = RecordingCanvas()
    assert draw_stars(canvas, count, 0, 0, 20) == count
    assert len(canvas.paths) == count
    assert all(len(points) == 10 and fill for points, fill in canvas.paths)


def test_star_row_in_a_pdf_paints_its_stars(tmp_path):
    row = StarRow(4, size=30)
    pdf = build_pdf([row], pagesize=A4, title="Sao", author="t", subject="t")
    assert row.drawn == 4
    png = render_png(pdf, 72, tmp_path)
    assert count_blobs(png, STAR_FILL.bitmap_rgb()) == 4


# --- QR ---------------------------------------------------------------------------------------

def test_qr_is_deterministic_with_quiet_zone_and_level_m(tmp_path):
    url = "https://ocop.example.gov.vn/xac-thuc/Zq8-xY_12"
    assert qr_matrix(url) == qr_matrix(url)
    assert segno.make_qr(url, error="m", boost_error=True).error in ("M", "Q", "H")
    drawing = qr_drawing(url, 120)
    modules = len(qr_matrix(url)) + 8
    unit = 120 / modules
    path = drawing.contents[-1]
    xs, ys = path.points[0::2], path.points[1::2]
    assert min(xs) == pytest.approx(4 * unit) and max(xs) == pytest.approx(120 - 4 * unit)
    assert min(ys) == pytest.approx(4 * unit) and max(ys) == pytest.approx(120 - 4 * unit)
    with pytest.raises(ValueError):
        qr_drawing(url, 100, error="l")
    # as a flowable (the fast path that writes the runs straight into the page) …
    pdf = build_pdf([drawing], pagesize=A4, title="QR", author="t", subject="t")
    only_be_vietnam_pro_or_none(pdf)
    assert decode_qr(render_png(pdf, 150, tmp_path)) == url
    # … and through ReportLab's shape renderer (the drawing's shapes)
    pdf = build_pdf(lambda canvas: renderPDF.draw(drawing, canvas, 100, 500), pagesize=A4,
                    title="QR", author="t", subject="t")
    only_be_vietnam_pro_or_none(pdf)
    assert decode_qr(render_png(pdf, 150, tmp_path)) == url


def only_be_vietnam_pro_or_none(pdf: bytes) -> None:
    for f in pdf_fonts(pdf):
        assert "BeVietnamPro" in f["name"] and f["emb"] == "yes", f


# --- build_pdf and the document pieces ---------------------------------------------------------

def test_build_pdf_story_is_deterministic_numbered_and_described():
    st = styles()
    story = national_header() + [p("Nội dung trang một & <b>", st.body), PageBreak(),
                                 p("Nội dung trang hai", st.body)]
    kwargs = {"pagesize": A4, "title": "Phiếu thử nghiệm tiếng Việt",
              "author": "Ủy ban nhân dân", "subject": "Kiểm tra", "page_numbers": True}
    pdf = build_pdf(story, **kwargs)
    assert pdf == build_pdf(story, **kwargs)
    text = norm(pdf_text(pdf))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc" in text
    assert "Nội dung trang một & <b>" in text  # escaped, printed literally
    assert "Trang 1/2" in text and "Trang 2/2" in text
    info = pdf_info(pdf)
    assert info["Title"] == "Phiếu thử nghiệm tiếng Việt"
    assert info["Author"] == "Ủy ban nhân dân"
    assert info["Subject"] == "Kiểm tra"
    assert info["Pages"] == "2"
    only_be_vietnam_pro(pdf)


def test_build_pdf_draw_function_and_pieces():
    st = styles()
    width = A4[0] - 100

    def draw(canvas):
        header = two_column_header(["Ủy ban nhân dân tỉnh Quảng Ninh", "Sở Nông nghiệp"],
                                   width, number="12/QĐ-SNN",
                                   date_line=vn_date_line("Quảng Ninh", date(2026, 1, 5)))
        _, h = header.wrapOn(canvas, width, 800)
        header.drawOn(canvas, 50, 800 - h)
        y = 500
        for f in signature_block("KT. Chủ tịch\nPhó Chủ tịch", "Nguyễn Thị Thuỳ Dương"):
            _, fh = f.wrapOn(canvas, 200, 400)
            f.drawOn(canvas, 300, y - fh)
            y -= fh

    pdf = build_pdf(draw, pagesize=A4, title="Vẽ", author="t", subject="t", page_numbers=True)
    # two columns whose lines wrap: -layout would interleave them, reading order does not
    text = norm(pdf_text(pdf, layout=False))
    for expected in ("ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH", "SỞ NÔNG NGHIỆP", "Số: 12/QĐ-SNN",
                     "Quảng Ninh, ngày 05 tháng 01 năm 2026", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                     "Nguyễn Thị Thuỳ Dương", "Trang 1/1"):
        assert expected in text, expected
    only_be_vietnam_pro(pdf)
    assert st.body.fontName == REGULAR


def test_decomposed_input_is_printed_precomposed():
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Thuỳ Dương")
    pdf = build_pdf([p(nfd, styles().body)], pagesize=A4, title="t", author="t", subject="t")
    assert "Nguyễn Thị Thuỳ Dương" in norm(pdf_text(pdf))


# --- embedded subsets -------------------------------------------------------------------------

def _to_unicode_maps(pdf: bytes) -> list[set[str]]:
    """The characters of every ToUnicode CMap in ``pdf`` (one set per embedded subset)."""
    import re
    import zlib

    maps = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            text = zlib.decompress(raw).decode("latin-1")
        except zlib.error:
            continue
        if "beginbfchar" in text:
            maps.append({chr(int(code, 16)) for code in re.findall(r"<[0-9A-F]{2}> <([0-9A-F]{4})>",
                                                                   text)})
    return maps


def test_every_embedded_face_covers_the_vietnamese_alphabet():
    """A PDF printing one short word still embeds, in each face it uses, every Vietnamese
    letter (a filled-in or searched PDF never meets a missing glyph), and no face it does
    not use."""
    pdf = build_pdf([p("Xin", styles().body), p("OCOP", styles().bold)], pagesize=A4,
                    title="t", author="a", subject="s")
    names = sorted(f["name"].split("+")[1] for f in only_be_vietnam_pro(pdf))
    assert names == ["BeVietnamPro-Bold", "BeVietnamPro-Regular"]
    letters = set("aàảãáạăằẳẵắặâầẩẫấậđeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵ")
    letters |= {ch.upper() for ch in letters}
    maps = _to_unicode_maps(pdf)
    assert len(maps) == 2
    for mapped in maps:
        assert not letters - mapped, sorted(letters - mapped)


def test_subsets_do_not_depend_on_the_text_printed():
    """Two documents with different Vietnamese text embed byte-identical font programs (the
    fixed first subset), so a batch of certificates does not re-subset each face per page."""
    import re

    def programs(text):
        pdf = build_pdf([p(text, styles().body)], pagesize=A4, title="t", author="a",
                        subject="s")
        return [m for m in re.findall(rb"/Length1 \d+.*?stream\r?\n(.*?)endstream", pdf, re.S)]

    first, second = programs("Trà hoa vàng Ba Chẽ"), programs("Nước mắm Phú Quốc ỷ")
    assert first and first == second
    assert programs("Hợp tác xã ©") != first  # a character beyond the alphabet joins it
