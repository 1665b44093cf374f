"""Forms 01, 02 and 03 of the dossier, read back with pdftotext/pdffonts."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from decimal import Decimal as D

import pytest

from ocop_rating.dossiers.pdf import (
    NO_EVIDENCE,
    NOT_CHOSEN,
    RESULT_RETURN,
    ScorePart,
    ScoreRow,
    ScoreSection,
    render_form01,
    render_form02,
    render_form03,
)
from ocop_rating.pdf.stars import STAR_FILL

from . import samples
from .helpers import count_blobs, norm, pdf_fonts, pdf_info, pdf_text, render_png

FORMS = {
    "01": (render_form01, samples.form01,
           "PHIẾU ĐĂNG KÝ SẢN PHẨM THAM GIA ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP"),
    "02": (render_form02, samples.form02, "PHIẾU TỰ ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP"),
    "03": (render_form03, samples.form03, "PHIẾU ĐÁNH GIÁ SƠ BỘ HỒ SƠ"),
}


@pytest.fixture(scope="module", params=sorted(FORMS))
def form(request):
    render, make, title = FORMS[request.param]
    pdf = render(make())
    return request.param, render, make, title, pdf


def test_every_name_appears_exactly(form):
    number, _, _, _, pdf = form
    text = norm(pdf_text(pdf))
    names = samples.NAMES if number != "03" else samples.NAMES[:3]
    for name in names:
        assert unicodedata.normalize("NFC", name) in text, name


def test_title_form_number_header_and_page_numbers(form):
    number, _, _, title, pdf = form
    text = norm(pdf_text(pdf))
    assert title in text
    assert f"Mẫu số {number}" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    pages = int(pdf_info(pdf)["Pages"])
    for page in range(1, pages + 1):
        assert f"Trang {page}/{pages}" in text


def test_same_data_same_bytes(form):
    _, render, make, _, pdf = form
    assert render(make()) == pdf


def test_only_embedded_be_vietnam_pro(form):
    pdf = form[4]
    fonts = pdf_fonts(pdf)
    assert fonts
    for f in fonts:
        assert "BeVietnamPro" in f["name"] and f["emb"] == "yes", f


def test_no_empty_pages(form):
    pdf = form[4]
    pages = pdf_text(pdf).split("\f")[:-1]  # pdftotext ends every page with a form feed
    assert len(pages) == int(pdf_info(pdf)["Pages"])
    for page in pages:
        # a page holding nothing but its footer "Trang x/y" is an empty page
        assert not re.fullmatch(r"Trang \d+/\d+", norm(page)), page


def test_metadata(form):
    number, _, _, _, pdf = form
    info = pdf_info(pdf)
    assert info["Subject"].startswith(f"Mẫu số {number} – {samples.PRODUCT}")
    assert info["Title"].startswith("Phiếu")


# --- Form 01 ------------------------------------------------------------------------------------

def test_form01_content():
    text = norm(pdf_text(render_form01(samples.form01())))
    for expected in (
        "Kính gửi: Ủy ban nhân dân xã Ba Chẽ, tỉnh Quảng Ninh",
        "Loại hình tổ chức: Hợp tác xã", "5701234567", "htx.daklakxanh@example.vn",
        "Giới tính: Nữ", f"Dân tộc: {samples.ETHNICITY}", "Chức vụ: Giám đốc",
        "Ngành: II. Đồ uống", "Nhóm: II.3. Chè và sản phẩm từ chè",
        "Bộ sản phẩm: Bộ sản phẩm số 14: Chè và các sản phẩm từ chè",
        "Hình thức đánh giá: Đánh giá lại (phân hạng lại)",
        "đạt 3 sao; Giấy chứng nhận số 88/GCN-UBND",
        "Ba Chẽ, ngày 03 tháng 02 năm 2026", "ĐẠI DIỆN CHỦ THỂ", "GIÁM ĐỐC",
        "Giấy chứng nhận đăng ký hợp tác xã (bản sao)",
    ):
        assert expected in text, expected


def test_form01_escapes_markup_and_normalises_decomposed_text():
    name = "Công ty TNHH Trà & Thảo dược <Ba Chẽ>"
    nfd_product = unicodedata.normalize("NFD", samples.PRODUCT)
    data = samples.form01(product_name=nfd_product,
                          producer=replace(samples.producer(), name=name))
    text = norm(pdf_text(render_form01(data)))
    assert name in text
    assert samples.PRODUCT in text  # NFC glyphs, not loose tone marks


def test_form01_long_product_name_is_not_cut():
    text = norm(pdf_text(render_form01(samples.form01(product_name=samples.LONG_PRODUCT))))
    assert samples.LONG_PRODUCT in text


# --- Form 02 ------------------------------------------------------------------------------------

def test_form02_sheet_points_evidence_and_result(tmp_path):
    pdf = render_form02(samples.form02())
    text = norm(pdf_text(pdf))
    for expected in (
        "Người khuyết tật: Không", "Số lao động thường xuyên: 45",
        "PHẦN A. SẢN PHẨM VÀ SỨC MẠNH CỦA CỘNG ĐỒNG 11,5 40",  # subtotal vs maximum
        "PHẦN B. KHẢ NĂNG TIẾP THỊ 3 25", "PHẦN C. CHẤT LƯỢNG SẢN PHẨM 7,5 35",
        "TỔ CHỨC SẢN XUẤT 7,5 18",
        "TỔNG ĐIỂM 22 100", "Hạng sao dự kiến: 3 sao",
        "1.3 Liên kết sản xuất: chưa chọn (tối thiểu cho 4 sao)",
        "Ban hành kèm theo Quyết định 26/2026/QĐ-TTg",
        NOT_CHOSEN, NO_EVIDENCE, "2,5",
    ):
        assert expected in text, expected
    # cells that wrap interleave in -layout output; the reading order keeps each cell whole
    cells = norm(pdf_text(pdf, layout=False))
    for row in (r for part in samples.sheet_parts() for s in part.sections for r in s.rows):
        assert row.code in cells and row.label in cells, row.code
        if row.chosen_label:
            assert row.chosen_label in cells, row.chosen_label
        for name in row.evidence:
            assert f"• {name}" in cells, name
    # the projected star is drawn: three gold stars on the page that holds the result
    last = int(pdf_info(pdf)["Pages"])
    assert count_blobs(render_png(pdf, 72, tmp_path, page=last), STAR_FILL.bitmap_rgb()) == 3


def test_form02_no_star_and_no_minimums():
    text = norm(pdf_text(render_form02(samples.form02(projected_star=None,
                                                      blocking_minimums=(),
                                                      notes="Loại: giả mạo hồ sơ."))))
    assert "Hạng sao dự kiến: không xếp hạng" in text
    assert "Các yêu cầu tối thiểu chưa đạt: không có." in text
    assert "Loại: giả mạo hồ sơ." in text


def test_form02_long_sheet_spans_pages_with_repeated_header():
    rows = tuple(ScoreRow(code=f"{i}.1", label=f"Tiêu chí số {i} về nguồn gốc nguyên liệu",
                          chosen_label="Mức cao nhất theo bộ tiêu chí", points=D("1.5"),
                          max_points=D(2), evidence=(f"minh-chung-{i:02d}.pdf",))
                 for i in range(1, 41))
    part = ScorePart(code="A", label="Sản phẩm và sức mạnh của cộng đồng", max_points=D(80),
                     sections=(ScoreSection(code="1", label="TỔ CHỨC SẢN XUẤT",
                                            max_points=D(80), rows=rows),))
    pdf = render_form02(samples.form02(parts=(part,), total_points=None))
    pages = int(pdf_info(pdf)["Pages"])
    assert pages >= 3
    page_texts = [norm(t) for t in pdf_text(pdf).split("\f") if t.strip()]
    assert len(page_texts) == pages
    header = "Mã Tiêu chí Lựa chọn tự đánh giá và minh chứng Điểm Tối đa"
    assert sum(header in t for t in page_texts) >= 2  # repeated on the next page
    text = " ".join(page_texts)
    assert "TỔNG ĐIỂM 60 100" in text  # 40 × 1,5 computed from the rows
    for i in range(1, 41):
        assert f"minh-chung-{i:02d}.pdf" in text
    assert f"Trang {pages}/{pages}" in text


# --- Form 03 ------------------------------------------------------------------------------------

def test_form03_content():
    data = samples.form03()
    text = norm(pdf_text(render_form03(data), layout=False))  # two-column header
    for expected in (
        "ỦY BAN NHÂN DÂN XÃ BA CHẼ", "Số: 15/PĐG-UBND", "Ba Chẽ, ngày 12 tháng 02 năm 2026",
        "(Cấp xã)", "Ngày tiếp nhận hồ sơ: 04/02/2026", "Hồ sơ thiếu 1 thành phần.",
        "Kết quả: Đề nghị chuyển hồ sơ lên cấp tỉnh", "TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH",
        "Hoàng Văn Đức", "không chấm điểm",
    ):
        assert expected in text, expected
    for item in data.local_items:
        assert item.label in text and item.assessment in text
    for line in data.checklist:
        assert line.label in text
    assert "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm Không" in text
    assert "Phiếu đăng ký sản phẩm (Mẫu số 01) Có" in text


def test_form03_return_and_custom_authority():
    data = samples.form03(result_label=RESULT_RETURN,
                          authority_name="ỦY BAN NHÂN DÂN ĐẶC KHU VÂN ĐỒN",
                          checklist=tuple(replace(c, present=True)
                                          for c in samples.form03().checklist))
    text = norm(pdf_text(render_form03(data), layout=False))
    assert "Kết quả: Trả lại hồ sơ" in text
    assert "ỦY BAN NHÂN DÂN ĐẶC KHU VÂN ĐỒN" in text
    assert "Hồ sơ đầy đủ thành phần." in text
