"""The English layer of a rulebook (data/<code>/en.json) covers every text a sheet shows:
every set name, group, subgroup, part, section, criterion, knock-out label, option label,
case label and criterion/section note of every sheet of 26/2026 has an English text, none is
empty, and a missing text is None (callers then show the Vietnamese alone)."""
import json

from ocop_rating.rulebook import get_rulebook
from ocop_rating.rulebook.english import layer, translate
from ocop_rating.rulebook.loader import DATA_DIR


def _headings(book):
    for group in book.groups:
        yield group.label
        for sub in group.subgroups:
            yield sub.label
    for knockout in book.knockouts:
        yield knockout.label
    for sheet in book.sheets:
        yield sheet.name
        for part in sheet.parts:
            yield part.label
            for section in part.sections:
                yield section.label
                for entry in section.entries:
                    yield entry.label
                    for child in getattr(entry, "children", ()):
                        yield child.label


def _notes(book):
    for sheet in book.sheets:
        for item in sheet.items:
            yield from item.notes
        for part in sheet.parts:
            for section in part.sections:
                yield from section.notes


def _option_rows(book):
    for sheet in book.sheets:
        for item in sheet.items:
            for option in item.all_options:
                yield sheet.number, item.code, option.label


def test_every_heading_of_every_sheet_has_english():
    book = get_rulebook("qd26-2026")
    missing = sorted({t for t in _headings(book) if not translate(t)})
    assert not missing, f"{len(missing)} text(s) without English in en.json: {missing[:10]}"


def test_no_english_text_is_empty_and_every_key_is_a_legal_text():
    raw = json.loads((DATA_DIR / "qd26-2026" / "en.json").read_text(encoding="utf-8"))
    assert all(v.strip() for v in raw["texts"].values())
    book = get_rulebook("qd26-2026")
    known = set(_headings(book)) | {o.label for sheet in book.sheets for item in sheet.items
                                    for o in item.all_options} | {
        c.label for sheet in book.sheets for item in sheet.items for c in item.cases} | set(_notes(book))
    stale = [k for k in raw["texts"] if k not in known]
    assert not stale, f"English for texts no sheet carries: {stale}"


def test_the_options_of_set_1_have_english():
    sheet = get_rulebook("qd26-2026").sheet(1)
    missing = [o.label for item in sheet.items for o in item.options if not translate(o.label)]
    assert not missing, missing


def test_every_option_row_of_every_set_has_english():
    rows = list(_option_rows(get_rulebook("qd26-2026")))
    missing = [row for row in rows if not translate(row[2])]
    assert len(rows) == 2579
    assert not missing, f"{len(missing)} of {len(rows)} option rows without English: {missing[:5]}"


def test_every_note_and_case_of_every_set_has_english():
    book = get_rulebook("qd26-2026")
    notes = set(_notes(book))
    cases = {c.label for sheet in book.sheets for item in sheet.items for c in item.cases}
    assert len(notes) == 36
    missing = sorted(t for t in notes | cases if not translate(t))
    assert not missing, missing
    assert translate("Ghi chú: Bị loại nếu sử dụng toàn bộ nguyên liệu nhập khẩu hoặc không rõ nguồn gốc") \
        == "Note: Excluded if all raw material is imported or of unknown origin"


def test_points_of_a_part_are_translated_and_unknown_text_is_none():
    assert translate("SẢN PHẨM VÀ SỨC MẠNH CỦA CỘNG ĐỒNG (40 Điểm)") == \
        "PRODUCT AND COMMUNITY STRENGTH (40 points)"
    assert translate("  Rau, củ, quả,   hạt tươi ") == "Fresh vegetables, tubers, fruits and nuts"
    assert translate("Một văn bản không có trong bộ tiêu chí") is None
    assert translate("Rau, củ, quả, hạt tươi", "vi") is None
    assert len(layer()) >= 684
