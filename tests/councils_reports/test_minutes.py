"""The minutes of a council session, read back with pdftotext, pdffonts and pdftoppm."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import unicodedata
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path

import pytest

from ocop_rating.evaluation.papers import MINUTES_TITLE, NOT_SCORED, NOT_SUBMITTED
from ocop_rating.evaluation.pdf import (
    render_minutes,
    render_score_table_pdf,
)
from ocop_rating.evaluation.xlsx import render_score_table_xlsx
from ocop_rating.pdf.stars import STAR_FILL

from ..pdf.helpers import count_blobs, norm, pdf_fonts, pdf_info, pdf_text, render_png
from . import samples


@pytest.fixture(scope="module")
def data():
    return samples.minutes()


@pytest.fixture(scope="module")
def pdf(data):
    return render_minutes(data)


@pytest.fixture(scope="module")
def text(pdf):
    # reading order: wrapped cells of a row side by side would interleave with -layout
    return norm(pdf_text(pdf, layout=False))


@pytest.fixture(scope="module")
def rows(pdf):
    # layout: a table row on one line (its wrapped cells follow on the next lines)
    return norm(pdf_text(pdf))


def test_title_header_and_page_numbers(pdf, text):
    assert MINUTES_TITLE in text
    assert "Đợt 1 năm 2026" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH" in text
    assert "HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP TỈNH QUẢNG NINH" in text
    assert "Số: 12/BB-HĐOCOP" in text
    assert "Quảng Ninh, ngày 07 tháng 3 năm 2026" in text
    assert "Căn cứ Quyết định số 125/QĐ-UBND ngày 02/03/2026" in text
    assert "Địa điểm: Hội trường tầng 3, Sở Nông nghiệp và Môi trường tỉnh Quảng Ninh" in text
    pages = int(pdf_info(pdf)["Pages"])
    assert pages >= 2
    for page in range(1, pages + 1):
        assert f"Trang {page}/{pages}" in text


def test_a4_portrait(pdf):
    width, height = (float(x) for x in pdf_info(pdf)["Page size"].split()[:3:2])
    assert (round(width), round(height)) == (595, 842)


def test_every_name_appears_exactly(text):
    names = [*samples.NAMES, *(m[2] for m in samples.MEMBERS),
             samples.PRODUCT_1, samples.PRODUCT_2, samples.PRODUCT_3,
             samples.PRODUCER_1, samples.PRODUCER_2, samples.PRODUCER_3,
             "22-07123-0015-2026", "Bộ sản phẩm số 14: Chè và các sản phẩm từ chè"]
    for name in names:
        assert unicodedata.normalize("NFC", name) in text, name


def test_attendance_counts_and_quorum(text):
    assert "Tổng số thành viên Hội đồng: 9; có mặt: 8; vắng mặt: 1 (Đỗ Khắc Lượng)." in text
    assert "Vắng mặt" in text and "Đi công tác" in text
    assert samples.CONFLICT_NOTE in text
    assert "cuộc họp đủ điều kiện tiến hành" in text
    assert "Chủ trì: Nguyễn Thị Thuỳ Dương – Chủ tịch Hội đồng" in text
    assert "Thư ký: Lê Thị Ngọc Ánh" in text


def test_means_with_two_decimals_and_a_comma(text, rows):
    assert "Điểm trung bình: 85,50 điểm (Phần A: 32,00; Phần B: 22,07; Phần C: 31,43)" in text
    assert "Điểm trung bình: 72,29 điểm" in text
    assert "Điểm trung bình: 56,44 điểm" in text
    assert "Điểm trung bình (7 thành viên chấm) 32,00 22,07 31,43 85,50" in rows
    assert "Điểm trung bình (8 thành viên chấm) 17,25 16,00 23,19 56,44" in rows
    assert "85.50" not in text


def test_member_totals_and_members_who_did_not_score(rows):
    # a member's row: number, name, role, the three parts, the total
    assert "3 Lê Thị Ngọc Ánh Ủy viên thư ký 33,50 22,50 31,50 87,50" in rows
    assert f"6 {samples.CONFLICTED} Ủy viên {NOT_SCORED}: {samples.CONFLICT_REASON}" in rows
    assert f"9 {samples.ABSENT} Ủy viên {NOT_SCORED}: {NOT_SUBMITTED}" in rows
    # absent on the three dossiers, and one sheet not sent on the second
    assert rows.count(f"{NOT_SCORED}: {NOT_SUBMITTED}") == 3 + 1


def test_spread_knockouts_minimums_star_and_proposal(text):
    assert "3,50 điểm (tối đa 10 điểm) – trong giới hạn" in text
    assert "12,50 điểm (tối đa 10 điểm) – vượt giới hạn" in text
    assert text.count("vượt giới hạn") == 1
    assert "Tiêu chí loại (không xếp hạng): – Nguyên liệu chính không rõ nguồn gốc, xuất xứ" \
        in text
    assert ("Yêu cầu tối thiểu chưa đạt: – Tiêu chí 8 – Công bố chất lượng sản phẩm: chưa "
            "đạt yêu cầu tối thiểu của hạng 4 sao") in text
    assert "Kết quả phân hạng: 4 sao (đủ điều kiện công nhận)" in text
    assert "Kết quả phân hạng: 3 sao (đủ điều kiện công nhận)" in text
    assert "Kết quả phân hạng: không xếp hạng" in text
    assert "Đề xuất của Hội đồng: Đề nghị Chủ tịch UBND tỉnh công nhận sản phẩm đạt 4 sao" \
        in text


def test_conclusion_and_both_signatures(pdf, text):
    assert "IV. KẾT LUẬN Hội đồng thống nhất đề nghị" in text
    assert "THƯ KÝ HỘI ĐỒNG" in text and "CHỦ TỊCH HỘI ĐỒNG" in text
    last = int(pdf_info(pdf)["Pages"])
    with_layout = pdf_text(pdf)  # the two blocks side by side: one line each
    lines = [norm(x) for x in with_layout.split("\f")[last - 1].splitlines()]
    assert any("THƯ KÝ HỘI ĐỒNG" in x and "CHỦ TỊCH HỘI ĐỒNG" in x for x in lines)
    assert any(samples.SECRETARY in x and samples.CHAIR in x for x in lines)


def test_stars_are_drawn(pdf, tmp_path):
    # 4 stars (dossier 1) + 3 stars (dossier 2) + none (knocked out)
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


def test_same_bytes_on_re_render(data, pdf):
    assert render_minutes(samples.minutes()) == pdf
    assert render_minutes(data) == pdf


def test_same_bytes_in_other_processes(data):
    """Hash randomisation must not leak into the bytes (set or dict order, ids)."""
    script = (
        "import hashlib, sys\n"
        "from tests.councils_reports import samples\n"
        "from ocop_rating.evaluation import pdf as r, xlsx as x\n"
        "d = samples.minutes()\n"
        "for f in (r.render_minutes, r.render_score_table_pdf, x.render_score_table_xlsx):\n"
        "    print(hashlib.sha256(f(d)).hexdigest())\n")
    root = Path(__file__).resolve().parents[2]
    digests = set()
    for seed in ("1", "4242"):
        out = subprocess.run([sys.executable, "-c", script], cwd=root, check=True, text=True,
                             capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        digests.add(out.stdout)
    assert len(digests) == 1
    here = "".join(hashlib.sha256(f(data)).hexdigest() + "\n" for f in (
        render_minutes, render_score_table_pdf, render_score_table_xlsx))
    assert digests == {here}


def test_decomposed_input_prints_composed():
    nfd = unicodedata.normalize("NFD", samples.CHAIR)
    assert nfd != samples.CHAIR
    pdf = render_minutes(samples.minutes(chair_name=nfd))
    assert f"Chủ trì: {samples.CHAIR}" in norm(pdf_text(pdf, layout=False))


def test_markup_characters_print_literally():
    data = samples.minutes()
    odd = "Công ty TNHH Trà & Thảo dược <Ba Chẽ>"
    dossier = replace(data.dossiers[0], producer_name=odd, proposal="Đề nghị <b>4 sao</b>")
    text = norm(pdf_text(render_minutes(replace(data, dossiers=(dossier,))), layout=False))
    assert odd in text
    assert "Đề nghị <b>4 sao</b>" in text


def test_a_dossier_nobody_scored():
    data = samples.minutes()
    d = data.dossiers[0]
    members = tuple(replace(m, total=None, parts=(), submitted=False) for m in d.members)
    items = tuple(replace(i, points_by_member=(None,) * len(members), mean=None,
                          disagreement=False) for i in d.items)
    empty = replace(d, members=members, items=items, mean_total=None, part_means=(),
                    spread=None, star=None, recognised=False, proposal="")
    text = norm(pdf_text(render_minutes(replace(data, dossiers=(empty,))), layout=False))
    assert "Điểm trung bình: — điểm" in text
    assert "Chênh lệch tổng điểm (cao nhất – thấp nhất): —" in text
    assert "Điểm trung bình (0 thành viên chấm) —" in norm(pdf_text(render_minutes(
        replace(data, dossiers=(empty,)))))


def test_scores_must_match_the_members():
    data = samples.minutes()
    d = data.dossiers[0]
    broken = replace(d, items=(replace(d.items[0], points_by_member=(D(1),)),) + d.items[1:])
    for render in (render_minutes, render_score_table_pdf, render_score_table_xlsx):
        with pytest.raises(ValueError, match="criterion 1.1"):
            render(replace(data, dossiers=(broken,)))
    with pytest.raises(ValueError, match="star"):
        render_minutes(replace(data, dossiers=(replace(d, star=6),)))
