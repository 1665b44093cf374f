"""Issue 10, the points test_record.py leaves open: a conflicted member (declared, pending or
upheld) loses the record like an excluded one, the dossier's own pages included (§6); the
evaluation page and the minutes print the rules the round was pinned to, not the council's
later edit (§2); the councils feature never imports the evaluation feature above it (§12)."""
import ast
from pathlib import Path

import pytest

from ocop_rating.councils import services
from ocop_rating.councils.models import RoundState
from ocop_rating.db import db as _db
from ocop_rating.evaluation import services as scoring
from tests.councils.test_record import logged_in, pdf_text, start
from tests.factories import pdf_upload, score_all


def _urls(evaluation, test):
    evidence = evaluation.dossier.evidence[0]
    base = f"/councils/evaluations/{evaluation.id}"
    return [base, f"{base}/score", f"{base}/evidence/{evidence.id}",
            f"{base}/evidence/{evidence.id}?inline=1", f"/councils/lab-tests/{test.id}/file",
            f"/dossiers/{evaluation.dossier_id}",
            f"/dossiers/{evaluation.dossier_id}/self-assessment"]


@pytest.mark.parametrize("upheld", [None, True], ids=["pending", "upheld"])
def test_a_conflicted_member_loses_the_evaluation_evidence_lab_files_and_dossier(app, db,
                                                                                upheld):
    _c, office, people, _round, evaluation = start()
    test = services.request_lab_test(evaluation, description="Kiểm nghiệm vi sinh",
                                     actor=office)
    services.record_lab_result(test, result_text="Đạt", file_storage=pdf_upload(),
                               actor=office)
    conflict = services.declare_conflict(evaluation, reason="Họ hàng của chủ thể",
                                         actor=people[2].user)
    if upheld is not None:
        services.decide_conflict(conflict, upheld=upheld, actor=people[0].user)
    _db.session.commit()
    colleague = logged_in(app, people[1].user)
    assert colleague.get(_urls(evaluation, test)[3]).status_code == 200  # the others may
    barred = logged_in(app, people[2].user)
    for url in _urls(evaluation, test):
        assert barred.get(url).status_code in (403, 404), url


def test_an_excluded_member_loses_the_dossier_pages_too(app, db):
    _c, office, people, _round, evaluation = start()
    test = services.request_lab_test(evaluation, description="Kiểm nghiệm", actor=office)
    services.record_lab_result(test, result_text="Đạt", file_storage=pdf_upload(),
                               actor=office)
    services.exclude_member(evaluation, people[2], reason="Không tham dự", actor=office)
    _db.session.commit()
    barred = logged_in(app, people[2].user)
    for url in _urls(evaluation, test):
        assert barred.get(url).status_code in (403, 404), url


def test_the_page_and_the_minutes_print_the_pinned_rules(app, db, tmp_path):
    council, office, people, round_, evaluation = start()
    services.update_rules(council, {"spread_limit": 60, "mean_decimals": 1},
                          mode=council.decision_mode, actor=office)
    for member in people:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    services.move_round(round_, RoundState.closed, actor=office)
    _db.session.commit()
    client = logged_in(app, office)
    page = client.get(f"/councils/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "chênh lệch tối đa 10," in page and "chênh lệch tối đa 60" not in page
    assert "làm tròn 2 chữ số" in page
    scoring.conclude_evaluation(evaluation, proposal="Đề nghị công nhận", actor=office)
    services.conclude_round(round_, conclusion="Xong", actor=office)
    _db.session.commit()
    page = client.get(f"/councils/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "chênh lệch tối đa 10," in page and "chênh lệch tối đa 60" not in page
    text = pdf_text(client.get(f"/councils/rounds/{round_.id}/minutes.pdf").data, tmp_path)
    flat = " ".join(text.split())
    assert "chênh lệch tối đa 10 điểm" in flat and "chênh lệch tối đa 60" not in flat
    assert "làm tròn 2 chữ số" in flat


def _runtime_imports(path: Path) -> list[str]:
    """Modules imported by ``path`` outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node, typing_only=False):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                visit(child, True)
            for child in node.orelse:
                visit(child, typing_only)
            return
        if isinstance(node, ast.ImportFrom) and not typing_only:
            found.append("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import) and not typing_only:
            found.extend(a.name for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child, typing_only)

    visit(tree)
    return found


def test_the_councils_feature_never_imports_the_evaluation_feature_above_it():
    root = Path(services.__file__).parent
    offenders = {f"{path.name}: {name}" for path in root.glob("*.py")
                 for name in _runtime_imports(path)
                 if (name.startswith("..") and name.lstrip(".").startswith("evaluation"))
                 or name.startswith("ocop_rating.evaluation")}
    assert offenders == set()
    assert _runtime_imports(root / "models.py")  # the scan reads real files
