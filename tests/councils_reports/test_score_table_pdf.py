"""The compiled score table as PDF (A4 landscape), read back with poppler-utils."""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from decimal import Decimal as D

import pytest
from PIL import Image

from ocop_rating.evaluation.papers import DISAGREEMENT_HEX, SCORE_TABLE_TITLE, MemberScore
from ocop_rating.evaluation.pdf import render_score_table_pdf
from ocop_rating.pdf.stars import STAR_FILL

from ..pdf.helpers import count_blobs, norm, pdf_fonts, pdf_info, pdf_text, render_png
from . import samples

ORANGE = tuple(int(DISAGREEMENT_HEX[i:i + 2], 16) for i in (0, 2, 4))


@pytest.fixture(scope="module")
def data():
    return samples.minutes()


@pytest.fixture(scope="module")
def pdf(data):
    return render_score_table_pdf(data)


@pytest.fixture(scope="module")
def pages(pdf):
    """Layout text of each page, whitespace collapsed."""
    return [norm(page) for page in pdf_text(pdf).split("\f") if page.strip()]


def _orange_pixels(png) -> int:
    img = Image.open(png).convert("RGB")
    return sum(count for count, px in img.getcolors(maxcolors=1 << 24)
               if all(abs(a - b) <= 6 for a, b in zip(px, ORANGE, strict=True)))


def test_a4_landscape_title_and_page_numbers(pdf, pages):
    info = pdf_info(pdf)
    width, height = (float(x) for x in info["Page size"].split()[:3:2])
    assert (round(width), round(height)) == (842, 595)
    assert SCORE_TABLE_TITLE in pages[0]
    assert "Kèm theo Biên bản số 12/BB-HĐOCOP ngày 07/03/2026" in pages[0]
    total = int(info["Pages"])
    assert len(pages) == total
    for number, page in enumerate(pages, 1):
        assert f"Trang {number}/{total}" in page


def test_every_name_and_the_means(pdf, pages):
    text = " ".join(pages)
    for name in (*samples.NAMES, samples.PRODUCT_1, samples.PRODUCT_2, samples.PRODUCT_3,
                 samples.PRODUCER_1, samples.PRODUCER_2, samples.PRODUCER_3):
        # member names wrap inside their narrow column heads: read those in reading order
        assert unicodedata.normalize("NFC", name) in text \
            or name in norm(pdf_text(pdf, layout=False)), name
    assert "Điểm trung bình: 85,50 điểm (7/9 thành viên chấm)" in text
    assert "Điểm trung bình: 72,29 điểm" in text
    assert "Điểm trung bình: 56,44 điểm" in text


def test_grid_rows_criteria_parts_and_totals(data, pages):
    text = " ".join(pages)
    d1 = data.dossiers[0]
    # criterion 2.2 of dossier 1: max, each member (— for those who did not score), mean
    item = next(i for i in d1.items if i.code == "2.2")
    assert item.disagreement
    cells = " ".join("—" if v is None else f"{v.normalize():f}".replace(".", ",")
                     for v in item.points_by_member)
    assert f"2.2 Đóng gói, bao bì sản phẩm 4 {cells} 3,00" in text
    assert "Cộng phần A 32,50 32,00 33,50 29,00 32,50 — 32,50 32,00 — 32,00" in text
    # "Không chấm" wraps in its narrow cell: its two words sit on the lines around the row
    assert "TỔNG ĐIỂM 86,00 85,00 87,50 84,00 85,50 86,00 84,50 85,50" in text


def test_header_row_repeats_on_every_page(pages):
    grid_pages = [p for p in pages if "Tối đa" in p]
    assert len(grid_pages) == len(pages) == 2 * 3  # each dossier's grid runs over two pages
    for page in grid_pages:
        # the head row: "Mã", "Tiêu chí", "Tối đa" on one line; wrapped heads around it
        assert "Mã Tiêu chí Tối đa" in page
        assert "Trung" in page and "bình" in page and "Thuỳ" in page


def test_each_dossier_starts_a_page(pages):
    starts = [next(i for i, page in enumerate(pages) if f"{n}. {name}" in page)
              for n, name in ((1, samples.PRODUCT_1), (2, samples.PRODUCT_2),
                              (3, samples.PRODUCT_3))]
    assert starts == sorted(starts) and len(set(starts)) == 3
    for i in starts[1:]:
        assert pages[i].startswith(f"{starts.index(i) + 1}. ")


def test_disagreement_rows_are_shaded(data, pdf, tmp_path):
    assert _orange_pixels(render_png(pdf, 40, tmp_path, page=1)) > 200
    calm = replace(data, dossiers=tuple(
        replace(d, items=tuple(replace(i, disagreement=False) for i in d.items))
        for d in data.dossiers))
    calm_pdf = render_score_table_pdf(calm)
    for page in range(1, int(pdf_info(calm_pdf)["Pages"]) + 1):
        assert _orange_pixels(render_png(calm_pdf, 40, tmp_path, page=page)) == 0


def test_stars_are_drawn(pdf, tmp_path):
    pages = int(pdf_info(pdf)["Pages"])
    stars = [count_blobs(render_png(pdf, 72, tmp_path, page=page), STAR_FILL.bitmap_rgb())
             for page in range(1, pages + 1)]
    assert sum(stars) == 7, stars


def test_only_embedded_be_vietnam_pro(pdf):
    fonts = pdf_fonts(pdf)
    assert fonts
    for font in fonts:
        assert font["emb"] == "yes", font
        assert "BeVietnamPro" in font["name"], font


def test_same_bytes_on_re_render(pdf):
    assert render_score_table_pdf(samples.minutes()) == pdf


def test_a_large_council_numbers_its_columns():
    """Twenty members leave columns too narrow for names: "TV1" … and a legend."""
    data = samples.minutes()
    d = data.dossiers[0]
    extra = tuple(MemberScore(member_name=f"Nguyễn Văn Thành viên Số {k}", role_label="Ủy viên",
                              total=D(80), parts=(("A", D(30)), ("B", D(20)), ("C", D(30))),
                              submitted=True, excluded_reason=None) for k in range(10, 21))
    items = tuple(replace(i, points_by_member=i.points_by_member + (D(1),) * len(extra))
                  for i in d.items)
    big = replace(d, members=d.members + extra, items=items)
    pdf = render_score_table_pdf(replace(data, dossiers=(big,)))
    text = norm(pdf_text(pdf))
    assert "TV1 " in text and "TV20 " in text
    assert "TV1: Nguyễn Thị Thuỳ Dương (Chủ tịch Hội đồng)" in text
    assert "TV20: Nguyễn Văn Thành viên Số 20 (Ủy viên)" in text
