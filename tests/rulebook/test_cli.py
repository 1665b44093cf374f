"""The ``rulebook`` click group (attached as ``flask ocop rulebook``), without any app."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from ocop_rating.rulebook.cli import rulebook_cli


@pytest.fixture
def run():
    def invoke(*args):
        return CliRunner().invoke(rulebook_cli, [str(a) for a in args], catch_exceptions=False)
    return invoke


@pytest.fixture
def choices_file(tmp_path):
    def write(data, name="choices.json"):
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return path
    return write


def test_check_passes_on_shipped_rulebooks(run):
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "qd26-2026 (Quyết định 26/2026/QĐ-TTg, 26 sets): 0 error(s)," in \
        result.output
    assert "OK (0 error(s))" in result.output


def test_check_with_extra_data_dir(run, rb):
    result = run("--data-dir", rb.TEST_DATA, "check")
    assert result.exit_code == 0 and "qd1048-2019" in result.output


def test_check_fails_with_exit_code_1_on_errors(run, rb, tmp_path):
    folder = tmp_path / "broken"
    shutil.copytree(rb.TEST_DATA / rb.QD1048, folder)
    path = folder / "set-01.json"
    sheet = json.loads(path.read_text(encoding="utf-8"))
    sheet["parts"][0]["max"] = 36
    path.write_text(json.dumps(sheet, ensure_ascii=False), encoding="utf-8")
    result = run("--data-dir", folder, "check")
    assert result.exit_code == 1
    assert "error: set 1 A: part maximum 36 is not 35" in result.output
    assert "FAILED" in result.output


def test_score_prints_json(run, choices_file):
    path = choices_file({"1.1": 2, "2.4": 1, "4.1": 3})
    result = run("score", "--set", 1, "--choices", path)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rulebook"] == "qd26-2026" and data["set"] == 1
    assert data["parts"] == {"A": 4, "B": 5, "C": 0} and data["total"] == 9
    assert data["star"] == 1 and data["recognised"] is False
    assert data["complete"] is False and "1.2" in data["missing"]
    assert {"criterion": "2.2", "required_option": 2, "chosen_option": None, "case": None} in \
        data["minimums_failed"]["3"]
    assert data["knockouts"] == []


def test_score_with_cases_and_knockouts(run, choices_file, rulebook, rb):
    choices, cases = rb.best_choices(rulebook.sheet(26))
    path = choices_file({**choices, "cases": cases, "knockouts": ["forged_dossier"]})
    result = run("score", "--set", 26, "--choices", path, "--rulebook", "qd26-2026")
    data = json.loads(result.stdout)
    assert data["total"] == 100 and data["complete"]
    assert data["star"] is None and data["knockouts"] == ["forged_dossier"]


def test_score_on_an_extra_rulebook(run, choices_file, rb):
    path = choices_file({"1.1": 1, "1.2": 1, "2": 3, "3.1.1": 1, "3.1.2": 1, "4": 4})
    result = run("--data-dir", rb.TEST_DATA, "score", "--set", 1, "--choices", path,
                 "--rulebook", rb.QD1048)
    data = json.loads(result.stdout)
    assert data["rulebook"] == rb.QD1048 and data["total"] == 79 and data["star"] == 4
    assert data["parts"] == {"A": 30, "B": 9, "C": 40}


@pytest.mark.parametrize("content, message", [
    ("{not json", "is not valid JSON"),
    ("[1, 2]", "must hold a JSON object"),
    ('{"9.9": 0}', "no criterion '9.9'"),
    ('{"1.1": 7}', "option 7 does not exist"),
    ('{"1.1": "two"}', "must be an index"),
    ('{"6": 1}', "6 is a section; score its criteria (6.1, 6.2, 6.3, 6.4)"),
    ('{"cases": ["8"]}', '"cases" must be an object'),
    ('{"knockouts": "forged_dossier"}', '"knockouts" must be a list'),
    ('{"knockouts": ["ip_violation"]}', "does not apply to set 1"),
])
def test_score_bad_input_exits_2_with_a_message(run, choices_file, content, message):
    result = run("score", "--set", 1, "--choices", choices_file(content))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_score_case_errors(run, choices_file):
    result = run("score", "--set", 26, "--choices", choices_file('{"8": 1}'))
    assert result.exit_code == 2 and "choose a case first" in result.stderr
    bad = choices_file('{"8": 1, "cases": {"8": "9"}}', "bad.json")
    result = run("score", "--set", 26, "--choices", bad)
    assert result.exit_code == 2 and "case '9' does not exist" in result.stderr


def test_score_missing_file_unknown_set_and_rulebook(run, tmp_path, choices_file):
    result = run("score", "--set", 1, "--choices", tmp_path / "nope.json")
    assert result.exit_code == 2 and "cannot read" in result.stderr
    result = run("score", "--set", 27, "--choices", choices_file("{}"))
    assert result.exit_code == 2 and "no product set 27" in result.stderr
    result = run("score", "--set", 1, "--choices", choices_file("{}"), "--rulebook", "qd0")
    assert result.exit_code == 2 and "No rulebook 'qd0'" in result.stderr
    result = run("score", "--set", "x", "--choices", choices_file("{}"))
    assert result.exit_code == 2  # click's own usage error


def test_show_prints_the_sheet_readably(run):
    result = run("show", "--set", 11)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "qd26-2026 · Quyết định 26/2026/QĐ-TTg · bộ 11: Chè tươi, chè chế biến" in out
    assert "PHẦN A" in out and "PHẦN C" in out
    assert "1.1 " in out and "[0]" in out
    assert "6.1 Ngoại hình  (tối đa 4; chấm theo tiêu chí con)" in out
    assert "[2]   2 đ  Sạch, không phát hiện tạp chất  [min ****]" in out
    assert "(có/không)" in out
    assert "7 (mục chấm trực tiếp, mã '7')" in out


def test_show_two_case_section(run):
    out = run("show", "--set", 26).output
    assert "case '1': Trường hợp 1: Dịch vụ du lịch do cộng đồng cung cấp" in out
    assert "case '2': Trường hợp 2: Điểm dịch vụ du lịch" in out


def test_show_unknown_set(run):
    result = run("show", "--set", 99)
    assert result.exit_code == 2 and "no product set 99" in result.stderr


def test_list(run, rb):
    result = run("--data-dir", rb.TEST_DATA, "list")
    assert result.exit_code == 0
    assert "qd1048-2019  Quyết định 1048/QĐ-TTg  2019-08-21 → 2023-02-23" in result.output
    assert "qd26-2026  Quyết định 26/2026/QĐ-TTg  2026-05-22 → …" in result.output
    assert "26  VI/VI.1  Dịch vụ du lịch cộng đồng" in result.output


def test_group_is_named_rulebook_and_attaches_to_another_group():
    import click
    assert rulebook_cli.name == "rulebook"
    parent = click.Group("ocop")
    parent.add_command(rulebook_cli)
    result = CliRunner().invoke(parent, ["rulebook", "check"])
    assert result.exit_code == 0 and "OK" in result.output
