"""Rulebook versions: discovery, caching, dates, and a second version added as data alone."""
from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal

import pytest

from ocop_rating.rulebook import (
    DATA_DIR,
    Holdback,
    RulebookDataError,
    RulebookInvalid,
    RulebookNotFound,
    SheetNotFound,
    check_rulebook,
    get_rulebook,
    load_rulebook_dir,
    load_rulebooks,
    rulebook_for_date,
    rulebooks_in_force,
    score_sheet,
)


def test_default_discovers_every_folder_under_data():
    books = load_rulebooks()
    assert list(books) == [p.name for p in sorted(DATA_DIR.iterdir())
                           if (p / "rulebook.json").is_file()]
    assert "qd26-2026" in books


def test_loading_is_cached():
    assert load_rulebooks()["qd26-2026"] is get_rulebook("qd26-2026")


def test_unknown_code_and_set():
    with pytest.raises(RulebookNotFound, match="No rulebook 'qd999'"):
        get_rulebook("qd999")
    with pytest.raises(SheetNotFound, match="no product set 27"):
        get_rulebook("qd26-2026").sheet(27)


def test_extra_version_is_loaded_from_a_test_folder(extra_paths, rb):
    books = load_rulebooks(extra_paths)
    assert list(books) == [rb.QD1048, rb.QD26]  # oldest first
    old = books[rb.QD1048]
    assert old.instrument == "Quyết định 1048/QĐ-TTg"
    assert [(p.code, p.max_points) for p in old.parts] == [("A", 35), ("B", 25), ("C", 40)]
    assert check_rulebook(old) == []


def test_extra_version_scores_with_its_own_parts_and_half_points(extra_paths, rb):
    sheet = get_rulebook(rb.QD1048, paths=extra_paths).sheet(1)
    result = score_sheet(sheet, {"1.1": 1, "1.2": 1, "2": 3, "3.1.1": 1, "3.1.2": 1, "4": 4})
    # A: 5 + 10 + 15 = 30; B: 2.5 + 6.5 = 9; C: 40
    assert result.points_by_part == {"A": 30, "B": 9, "C": 40}
    assert result.total == Decimal("79.0") and result.star == 4
    assert result.rulebook_code == rb.QD1048 and result.set_number == 1
    top = score_sheet(sheet, {"1.1": 2, "1.2": 1, "2": 3, "3.1.1": 2, "3.1.2": 1, "4": 4})
    assert top.total == Decimal("94.0") and top.band_star == 5 and top.star == 4
    assert [h.code for h in top.minimums_for(5).holding_back] == ["3.1.2"]


def test_extra_version_two_case_section(extra_paths, rb):
    sheet = get_rulebook(rb.QD1048, paths=extra_paths).sheet(2)
    result = score_sheet(sheet, {"1": 0, "2.1": 1, "3": 1}, cases={"1": "2"})
    # case 2, option 0 (10) + 25 + 40 = 75; case 2 marks its option 1 as the 3-star minimum
    assert result.total == 75 and result.band_star == 4 and result.star == 2
    assert result.holding_back(3)[0] == Holdback(code="1", required_option=1, chosen_option=0,
                                                 case="2")
    # case 1 carries no minimum: the same section then holds nothing back
    other = score_sheet(sheet, {"1": 0, "2.1": 1, "3": 1}, cases={"1": "1"})
    assert other.total == 65 and other.star == 3


def test_rulebook_for_date(extra_paths, rb):
    assert rulebook_for_date(date(2020, 1, 1), paths=extra_paths).code == rb.QD1048
    assert rulebook_for_date(date(2026, 5, 22), paths=extra_paths).code == rb.QD26
    assert rulebook_for_date(date(2030, 1, 1)).code == rb.QD26
    with pytest.raises(RulebookNotFound, match="2024-01-01"):
        rulebook_for_date(date(2024, 1, 1), paths=extra_paths)
    assert rulebooks_in_force(date(2018, 1, 1), paths=extra_paths) == []


def test_overlapping_versions_pick_the_newest(tmp_path, rb):
    folder = tmp_path / "qd1048-extended"
    shutil.copytree(rb.TEST_DATA / rb.QD1048, folder)
    data = json.loads((folder / "rulebook.json").read_text(encoding="utf-8"))
    data.update(code="qd148-2023", effective_from="2023-02-24", effective_to="2026-07-21")
    (folder / "rulebook.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for path in folder.glob("set-*.json"):
        sheet = json.loads(path.read_text(encoding="utf-8"))
        sheet["rulebook"] = "qd148-2023"
        path.write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
    paths = (DATA_DIR, tmp_path)
    on = date(2026, 6, 1)  # both in force: 148 lapses 60 days after 26/2026
    assert [b.code for b in rulebooks_in_force(on, paths=paths)] == ["qd26-2026", "qd148-2023"]
    assert rulebook_for_date(on, paths=paths).code == "qd26-2026"
    assert rulebook_for_date(date(2025, 1, 1), paths=paths).code == "qd148-2023"


def test_same_code_twice_is_refused(tmp_path, rb):
    shutil.copytree(rb.TEST_DATA / rb.QD1048, tmp_path / "copy")
    with pytest.raises(RulebookDataError, match="found twice"):
        load_rulebooks((rb.TEST_DATA, tmp_path))


def test_invalid_rulebook_is_refused_when_strict_and_reported_otherwise(tmp_path, rb):
    folder = tmp_path / "broken"
    shutil.copytree(rb.TEST_DATA / rb.QD1048, folder)
    path = folder / "set-01.json"
    sheet = json.loads(path.read_text(encoding="utf-8"))
    sheet["parts"][0]["sections"][0]["criteria"][0]["options"][2]["points"] = 13
    path.write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RulebookInvalid, match="above the maximum") as info:
        load_rulebooks(folder)
    assert info.value.issues
    book = load_rulebooks(folder, strict=False)[rb.QD1048]
    assert any("13" in i.message for i in check_rulebook(book))


@pytest.mark.parametrize("mutate, message", [
    (lambda s: s.pop("parts"), "missing 'parts'"),
    (lambda s: s["parts"][0]["sections"][0].pop("max"), "missing 'max'"),
    (lambda s: s["parts"][0]["sections"][0]["criteria"][0].update(kind="weird"), "unknown kind"),
    (lambda s: s["parts"][0]["sections"][0]["criteria"][0]["options"][1].update(index=5),
     "is not its position"),
    (lambda s: s["parts"][0]["sections"][0]["criteria"][0]["options"][1].update(points="5"),
     "expected a number"),
    (lambda s: s.update(rulebook="other"), "belongs to rulebook"),
])
def test_malformed_data_raises_with_its_location(tmp_path, rb, mutate, message):
    folder = tmp_path / "bad"
    shutil.copytree(rb.TEST_DATA / rb.QD1048, folder)
    path = folder / "set-01.json"
    sheet = json.loads(path.read_text(encoding="utf-8"))
    mutate(sheet)
    path.write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RulebookDataError, match=message):
        load_rulebook_dir(folder)


def test_invalid_json_and_missing_folder(tmp_path):
    folder = tmp_path / "bad-json"
    folder.mkdir()
    (folder / "rulebook.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(RulebookDataError, match="invalid JSON"):
        load_rulebook_dir(folder)
    with pytest.raises(RulebookDataError, match="no such rulebook folder"):
        load_rulebooks(tmp_path / "nowhere")
