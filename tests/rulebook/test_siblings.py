"""``rulebook check`` compares each criterion with the same criterion of the sibling sheets
and warns on likely transcription losses (issue 10, point 11). The checks are general: the
tests also break a sheet that is clean today and find the warning appear."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from ocop_rating.rulebook import DATA_DIR, Severity, check_rulebook, load_rulebooks
from ocop_rating.rulebook.cli import rulebook_cli

QD26 = "qd26-2026"


@pytest.fixture(scope="module")
def output() -> str:
    result = CliRunner().invoke(rulebook_cli, ["check"], catch_exceptions=False)
    assert result.exit_code == 0, result.output  # warnings never fail the check
    return result.output


def warnings_of(output: str, where: str) -> list[str]:
    return [line.strip() for line in output.splitlines()
            if line.strip().startswith(f"warning: {where}:")]


def test_the_summary_counts_the_likely_losses(output):
    assert "qd26-2026 (Quyết định 26/2026/QĐ-TTg, 26 sets): 0 error(s)," in output
    assert "likely transcription losses, found by comparing sibling sheets" in output


def test_set_10_criterion_3_5_lacks_the_4_star_marker_all_others_have(output):
    [line] = warnings_of(output, "set 10 3.5")
    assert "no 4-star marker, where 25 of 25 sibling sheets" in line
    assert "(on the option worth 2)" in line and "likely transcription loss" in line


@pytest.mark.parametrize("where", ["set 8 2.1", "set 7 6.4"])
def test_a_missing_0_point_option_is_flagged(output, where):
    lines = warnings_of(output, where)
    assert any("no 0-point option, where" in line and "sibling sheets" in line
               for line in lines), lines


@pytest.mark.parametrize("set_no", [23, 24, 25])
def test_sets_23_to_25_section_8_put_the_3_star_marker_on_the_top_option(output, set_no):
    [line] = warnings_of(output, f"set {set_no} 8")
    assert "the 3-star marker is on the top option" in line and "(set 21)" in line


@pytest.mark.parametrize("set_no", [5, 6])
def test_sets_5_and_6_criterion_6_3_carry_no_markers_where_siblings_do(output, set_no):
    lines = warnings_of(output, f"set {set_no} 6.3")
    assert any("no 4-star marker" in line for line in lines), lines
    assert any("no 5-star marker" in line for line in lines), lines


def test_a_sheet_without_anomaly_is_not_flagged(output):
    assert warnings_of(output, "set 9 3.5") == []
    assert warnings_of(output, "set 9 8") == []


def _broken_copy(tmp_path, set_no: int, change) -> list:
    folder = tmp_path / QD26
    shutil.copytree(DATA_DIR / QD26, folder)
    path = folder / f"set-{set_no:02d}.json"
    sheet = json.loads(path.read_text(encoding="utf-8"))
    change(sheet)
    path.write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
    book = load_rulebooks([folder], strict=False)[QD26]
    return [i for i in check_rulebook(book) if i.set == set_no]


def _criterion(sheet: dict, code: str) -> dict:
    for part in sheet["parts"]:
        for section in part["sections"]:
            if section["code"] == code:
                return section
            for entry in section.get("criteria", []):
                if entry["code"] == code:
                    return entry
    raise KeyError(code)


def test_a_removed_marker_is_found_by_comparison_not_by_a_list(tmp_path):
    def drop_marker(sheet):
        for option in _criterion(sheet, "3.5")["options"]:
            if option["min_for_star"] == 3:
                option["min_for_star"] = None

    issues = _broken_copy(tmp_path, 9, drop_marker)
    [issue] = [i for i in issues if i.code == "3.5"]
    assert issue.severity is Severity.WARNING
    assert issue.message.startswith("no 3-star marker, where 25 of 25 sibling sheets")


def test_a_removed_zero_option_is_found(tmp_path):
    def drop_zero(sheet):
        criterion = _criterion(sheet, "2.1")
        criterion["options"] = [o for o in criterion["options"] if o["points"] != 0]
        for i, option in enumerate(criterion["options"]):
            option["index"] = i

    issues = _broken_copy(tmp_path, 9, drop_zero)
    assert any(i.code == "2.1" and i.message.startswith("no 0-point option, where")
               for i in issues), issues


def test_a_minimum_moved_to_the_top_option_is_found(tmp_path):
    def move_to_top(sheet):
        options = _criterion(sheet, "8")["options"]
        for option in options:
            option["min_for_star"] = None
        options[-1]["min_for_star"] = 3

    issues = _broken_copy(tmp_path, 9, move_to_top)
    assert any(i.code == "8" and "the 3-star marker is on the top option" in i.message
               for i in issues), issues
