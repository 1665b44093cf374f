"""The compiled score table as a workbook, re-opened with openpyxl."""
from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import replace
from datetime import datetime
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from ocop_rating.evaluation.xlsx import (
    DISAGREEMENT_HEX,
    HEADER_ROW,
    NO_STAR,
    NOT_SCORED,
    NUMBER_FORMAT,
    SHEET_NAME_MAX,
    SUMMARY_SHEET,
    XLSX_ZIP_TIMESTAMP,
    render_score_table_xlsx,
    sheet_title,
)

from . import samples

FORBIDDEN = set("[]:*?/\\")


@pytest.fixture(scope="module")
def data():
    return samples.minutes()


@pytest.fixture(scope="module")
def xlsx(data):
    return render_score_table_xlsx(data)


@pytest.fixture(scope="module")
def wb(xlsx):
    return load_workbook(io.BytesIO(xlsx))


def _dec(value):
    assert isinstance(value, int | float), value
    return D(str(value))


def test_sheets(wb):
    assert wb.sheetnames == [SUMMARY_SHEET, samples.PRODUCT_1,
                             samples.PRODUCT_2[:SHEET_NAME_MAX],
                             "Rượu ba kích Đầm Hà (loại đặc b"]
    for name in wb.sheetnames:
        assert len(name) <= SHEET_NAME_MAX and not FORBIDDEN & set(name)


def test_summary_row_per_dossier(data, wb):
    ws = wb[SUMMARY_SHEET]
    head = [c.value for c in ws[HEADER_ROW]]
    assert head[:5] == ["STT", "Tên sản phẩm", "Mã sản phẩm", "Chủ thể", "Bộ sản phẩm"]
    assert head[5:14] == list(samples.NAMES)
    assert head[14:] == ["Điểm trung bình", "Chênh lệch", "Hạng sao", "Đề xuất"]
    for i, dossier in enumerate(data.dossiers):
        row = [c for c in ws[HEADER_ROW + 1 + i]]
        values = [c.value for c in row]
        assert values[:5] == [i + 1, dossier.product_name, dossier.product_code,
                              dossier.producer_name, dossier.product_set_label]
        for member, cell in zip(dossier.members, row[5:14], strict=True):
            if member.counted:
                assert _dec(cell.value) == member.total
                assert cell.number_format == NUMBER_FORMAT
            else:
                assert cell.value == NOT_SCORED
        assert _dec(values[14]) == dossier.mean_total
        assert row[14].number_format == NUMBER_FORMAT
        assert _dec(values[15]) == dossier.spread
        assert values[16] == (dossier.star if dossier.star is not None else NO_STAR)
        assert values[17] == dossier.proposal
    assert ws.freeze_panes == f"C{HEADER_ROW + 1}"
    assert ws.column_dimensions["B"].width >= 30


def test_summary_links_to_each_sheet(wb):
    ws = wb[SUMMARY_SHEET]
    targets = [ws.cell(row=HEADER_ROW + 1 + i, column=2).hyperlink.target for i in range(3)]
    assert targets == [f"#'{name}'!A1" for name in wb.sheetnames[1:]]


def test_dossier_sheet_numbers_equal_the_inputs(data, wb):
    for dossier, name in zip(data.dossiers, wb.sheetnames[1:], strict=True):
        ws = wb[name]
        assert ws["A1"].value == dossier.product_name
        n = len(dossier.members)
        head = [c.value for c in ws[HEADER_ROW]]
        assert head[:3] == ["Mã", "Tiêu chí", "Tối đa"]
        assert head[-2:] == ["Trung bình", "Chênh lệch lớn"]
        assert len(head) == 3 + n + 2
        for k, item in enumerate(dossier.items):
            row = ws[HEADER_ROW + 1 + k]
            assert row[0].value == item.code and row[1].value == item.label
            assert _dec(row[2].value) == item.max_points
            for member_cell, value in zip(row[3:3 + n], item.points_by_member, strict=True):
                if value is None:
                    assert member_cell.value is None
                else:
                    assert _dec(member_cell.value) == value
                    assert member_cell.number_format == NUMBER_FORMAT
            assert _dec(row[3 + n].value) == item.mean
            assert row[3 + n].number_format == NUMBER_FORMAT
            assert row[4 + n].value == ("Có" if item.disagreement else None)
            fill = row[0].fill.fgColor.rgb if row[0].fill.fill_type == "solid" else None
            assert (fill is not None and fill.endswith(DISAGREEMENT_HEX)) == item.disagreement
        # part subtotals, then the totals row
        base = HEADER_ROW + 1 + len(dossier.items)
        for j, (code, mean) in enumerate(dossier.part_means):
            row = ws[base + j]
            assert row[1].value == f"Cộng phần {code}"
            assert _dec(row[3 + n].value) == mean
            for member, cell in zip(dossier.members, row[3:3 + n], strict=True):
                if member.counted:
                    assert _dec(cell.value) == dict(member.parts)[code]
        total = ws[base + len(dossier.part_means)]
        assert total[1].value == "TỔNG ĐIỂM"
        assert _dec(total[3 + n].value) == dossier.mean_total
        for member, cell in zip(dossier.members, total[3:3 + n], strict=True):
            assert (_dec(cell.value) == member.total) if member.counted \
                else cell.value == NOT_SCORED
        assert ws.freeze_panes == f"D{HEADER_ROW + 1}"
        assert ws.column_dimensions["B"].width >= 40
        assert ws.column_dimensions["D"].width > 0


def test_disagreement_rows_present(data, wb):
    ws = wb[wb.sheetnames[1]]
    flagged = [ws.cell(row=r, column=1).value for r in range(HEADER_ROW + 1, ws.max_row + 1)
               if ws.cell(row=r, column=1).fill.fill_type == "solid"
               and ws.cell(row=r, column=1).fill.fgColor.rgb.endswith(DISAGREEMENT_HEX)]
    assert flagged == [i.code for i in data.dossiers[0].items if i.disagreement] == ["2.2", "6.4"]


def test_fixed_times_and_same_bytes(data, xlsx, wb):
    assert wb.properties.created == wb.properties.modified == datetime(2026, 3, 7)
    assert wb.properties.creator == "ocop-rating"
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        assert {info.date_time for info in zf.infolist()} == {XLSX_ZIP_TIMESTAMP}
        assert zf.testzip() is None
    assert render_score_table_xlsx(samples.minutes()) == xlsx


def test_duplicate_product_names_get_unique_sheets(data):
    d1 = data.dossiers[0]
    same = replace(data, dossiers=(d1, replace(d1, product_code="22-07123-0016-2026"),
                                   replace(d1, product_name=d1.product_name.upper())))
    wb = load_workbook(io.BytesIO(render_score_table_xlsx(same)))
    # the name has 31 characters already: the suffix takes the place of its last word
    assert wb.sheetnames == [SUMMARY_SHEET, samples.PRODUCT_1, "Trà hoa vàng Ba Chẽ thượng (2)",
                             "TRÀ HOA VÀNG BA CHẼ THƯỢNG (3)"]


class TestSheetTitle:
    def test_forbidden_characters(self):
        assert sheet_title("Mắm [đặc biệt]: 500ml/chai\\hộp*?") == \
            "Mắm (đặc biệt) - 500ml-chai-hộp"
        for bad in ("a[b", "a]b", "a:b", "a*b", "a?b", "a/b", "a\\b", "a\x07b"):
            name = sheet_title(bad)
            assert not (FORBIDDEN | {"\x07"}) & set(name) and name.startswith("a"), name

    def test_long_names_are_cut_to_31(self):
        name = sheet_title("Trà hoa vàng Ba Chẽ thượng hạng sấy lạnh nguyên bông")
        assert name == "Trà hoa vàng Ba Chẽ thượng hạng"
        assert len(name) == SHEET_NAME_MAX

    def test_duplicates_case_insensitively_within_31(self):
        long = "Trà hoa vàng Ba Chẽ thượng hạng sấy lạnh"
        taken = [SUMMARY_SHEET]
        for _ in range(11):
            taken.append(sheet_title(long, taken))
        assert taken[1] == "Trà hoa vàng Ba Chẽ thượng hạng"
        assert taken[2] == "Trà hoa vàng Ba Chẽ thượng (2)"
        assert taken[11] == "Trà hoa vàng Ba Chẽ thượng (11)"
        assert all(len(t) <= SHEET_NAME_MAX for t in taken)
        assert len({t.casefold() for t in taken}) == len(taken)
        assert sheet_title("tổng HỢP", taken) == "tổng HỢP (2)"

    def test_apostrophes_blank_reserved_and_decomposed(self):
        assert sheet_title("'Mắm tôm'") == "Mắm tôm"
        assert sheet_title("  *?  ") == "Trang tính"
        assert sheet_title("History") == "History (2)"
        # decomposed input is longer than 31 code points, the NFC name is not
        decomposed = unicodedata.normalize("NFD", samples.PRODUCT_1)
        assert len(decomposed) > SHEET_NAME_MAX
        assert sheet_title(decomposed) == samples.PRODUCT_1
        # a cut that would end on an apostrophe or a space drops it
        assert sheet_title("a" * 29 + " 'b") == "a" * 29
