"""The evaluation record holds (issue 10): closing is final, rules are pinned, results are
sealed, automatic stops stop, stars come from the exact mean, access follows the record,
a lab test without a result blocks conclusion, and the papers agree with the app.
Also the gaps mutation testing found (issue 17): drafts never counted, knock-outs through the
services and pages."""
import subprocess
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from ocop_rating.councils import services
from ocop_rating.councils.models import Evaluation as EvaluationModel
from ocop_rating.councils.models import EvaluationStatus, RoundState
from ocop_rating.db import db as _db
from ocop_rating.errors import InvalidTransition, NotAllowed
from ocop_rating.immutability import maintenance
from ocop_rating.evaluation import services as scoring
from ocop_rating.evaluation.models import ScoreEntry, ScoreSheet, SealedResult, SheetStatus
from ocop_rating.evaluation.seal import check_sealed, sealed_for
from ocop_rating.rulebook import CouncilRules, MemberResult, aggregate, get_rulebook, score_sheet
from tests.conftest import committed, csrf_from, form_post
from tests.factories import (
    DEFAULT_PASSWORD,
    accepted_dossier,
    issued_certificate,
    make_council,
    score_all,
)


def start(members=3, set_no=1, rules=None):
    council, office, people = make_council(members=members, rules=rules)
    dossier = accepted_dossier(set_no=set_no)
    round_ = services.create_legal_rounds(council, 2026, actor=office)[0]
    services.move_round(round_, RoundState.open, actor=office)
    evaluation = services.add_to_round(round_, dossier, actor=office)
    services.move_round(round_, RoundState.scoring, actor=office)
    return council, office, people, round_, evaluation


def logged_in(app, user):
    client = app.test_client()
    response = form_post(client, "/login", {"username": user.username,
                                            "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


# -- 1. closing is final -----------------------------------------------------------------

def test_closing_with_a_draft_is_refused_and_a_closed_session_never_returns(db):
    _c, office, people, round_, evaluation = start()
    for member in people[:2]:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    late = scoring.open_sheet(evaluation, actor=people[2].user)  # still a draft
    with pytest.raises(services.CouncilError, match="chưa nộp"):
        services.move_round(round_, RoundState.closed, actor=office)
    assert round_.state == RoundState.scoring and round_.session_closed_at is None
    score_all(late, people[2].user)
    services.move_round(round_, RoundState.closed, actor=office)
    with pytest.raises(InvalidTransition):
        services.move_round(round_, RoundState.scoring, actor=office)
    assert round_.state == RoundState.closed
    with pytest.raises(services.CouncilError):  # a single reopen after the reveal: refused
        scoring.reopen_sheet(late, reason="sửa", actor=people[0].user)
    with pytest.raises(NotAllowed):  # only the chair names the items to re-score
        scoring.start_rescore(evaluation, items=["1.1"], member_ids=None, reason="x",
                              actor=people[2].user)


def test_both_rounds_of_scores_are_kept_and_in_the_minutes(app, db, tmp_path):
    _c, office, people, round_, evaluation = start()
    for member in people[:2]:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    low = scoring.open_sheet(evaluation, actor=people[2].user)
    score_all(low, people[2].user, choose=lambda item, options: 0)
    services.move_round(round_, RoundState.closed, actor=office)
    first_total = scoring.sheet_result(low).total
    codes = [i.code for i in scoring.sheet_definition(evaluation).items]
    scoring.start_rescore(evaluation, items=codes, member_ids=[people[2].id],
                          reason="Chênh lệch vượt 10 điểm", actor=people[0].user)
    # while the pass is open the reopened draft is not counted, and nothing concludes
    during = scoring.council_result(evaluation)
    assert during.members_scored == 2 and during.mean_total == Decimal("100.00")
    with pytest.raises(services.CouncilError, match="chấm lại"):
        scoring.conclude_evaluation(evaluation, proposal="x", actor=office)
    score_all(low, people[2].user)
    scoring.conclude_evaluation(evaluation, proposal="Đề nghị Bộ công nhận", actor=office)
    sealed = sealed_for(evaluation)
    [pass_] = sealed.snapshot["rescores"]
    assert pass_["previous"][str(people[2].id)]["total"] == str(first_total)
    services.conclude_round(round_, conclusion="Xong", actor=office)
    _db.session.commit()
    chair = logged_in(app, people[0].user)
    text = pdf_text(chair.get(f"/councils/rounds/{round_.id}/minutes.pdf").data, tmp_path)
    assert "Chênh lệch vượt 10 điểm" in text and f"{first_total:.2f}".replace(".", ",") \
        in text.replace(".", ",")


# -- 2. rules are pinned -------------------------------------------------------------------

def test_a_rules_edit_after_scoring_starts_leaves_the_round_pinned(db):
    council, office, people, round_, evaluation = start()
    assert round_.pinned_rules["spread_limit"] == "10"
    services.update_rules(council, {"spread_limit": 60}, mode=council.decision_mode,
                          actor=office)
    assert council.council_rules.spread_limit == 60
    assert round_.pinned_rules["spread_limit"] == "10"
    for member in people[:2]:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    score_all(scoring.open_sheet(evaluation, actor=people[2].user), people[2].user,
              choose=lambda item, options: 0)
    services.move_round(round_, RoundState.closed, actor=office)
    result = scoring.council_result(evaluation)
    assert result.rules.spread_limit == 10 and "spread_exceeded" in result.problems
    with pytest.raises(services.CouncilError, match="chênh lệch"):
        scoring.conclude_evaluation(evaluation, proposal="x", actor=office)


# -- 3. sealed results ---------------------------------------------------------------------

def test_row_edits_after_conclusion_leave_the_sealed_result_everywhere(app, db, cli, tmp_path):
    certificate, office = issued_certificate(star=4)
    evaluation = _db.session.get(EvaluationModel, certificate.evaluation_id)
    sealed = sealed_for(evaluation)
    assert sealed is not None and sealed.star == 4 and len(sealed.content_hash) == 64
    assert check_sealed(sealed) == []
    mean = sealed.snapshot["mean_total"]
    services.conclude_round(evaluation.round, conclusion="Hoàn thành", actor=office)
    _db.session.commit()
    # someone edits the score rows in the database behind the app's back: the database
    # refuses it; with its triggers passed (maintenance, or dropped) the seal still holds
    sheet_ids = [s.id for s in evaluation.sheets]
    tamper = _db.update(ScoreEntry).where(ScoreEntry.sheet_id.in_(sheet_ids)).values(
        option_index=0)
    with pytest.raises(IntegrityError, match="legal record"):
        _db.session.execute(tamper)
    _db.session.rollback()
    with maintenance():
        _db.session.execute(tamper)
    _db.session.commit()
    committed(db)
    office_client = logged_in(app, office)
    page = office_client.get(f"/councils/evaluations/{evaluation.id}").get_data(as_text=True)
    shown = Decimal(mean).quantize(Decimal("0.01"))
    assert f"{shown:.2f}".replace(".", ",") in page
    assert 'id="integrity-warning"' in page and "member_total" in page
    minutes = office_client.get(f"/councils/rounds/{evaluation.round_id}/minutes.pdf")
    text = pdf_text(minutes.data, tmp_path)
    assert f"{shown:.2f}".replace(".", ",") in text and "4 sao" in text
    assert "BB-HĐOCOP" in text and "DỰ THẢO" not in text  # official after conclusion
    api = app.test_client().get(f"/api/v1/certificates/{certificate.number}")
    assert api.json["result"]["mean_total"] == mean and api.json["result"]["star"] == 4
    assert api.json["result"]["content_hash"] == sealed.content_hash
    run = cli("ocop", "integrity", "check")
    assert run.exit_code == 1
    assert f"evaluation {evaluation.id}: member_total" in run.output
    assert f"evaluation {evaluation.id}: mean" in run.output


def test_integrity_check_passes_on_an_untouched_record_and_catches_a_forged_seal(db, cli):
    evaluation_cert, _office = issued_certificate(star=3)
    _db.session.commit()
    ok = cli("ocop", "integrity", "check")
    assert ok.exit_code == 0 and "disagreements: 0" in ok.output
    sealed = sealed_for(_db.session.get(EvaluationModel, evaluation_cert.evaluation_id))
    forge = _db.update(SealedResult).where(SealedResult.id == sealed.id).values(star=5)
    with pytest.raises(IntegrityError, match="legal record"):
        _db.session.execute(forge)
    _db.session.rollback()
    with maintenance():
        _db.session.execute(forge)
    _db.session.commit()
    bad = cli("ocop", "integrity", "check")
    assert bad.exit_code == 1 and "seal_columns" in bad.output


# -- 4. automatic stops stop ---------------------------------------------------------------

def test_set_16_zero_on_sensory_cannot_conclude_a_star_until_the_chair_decides(app, db):
    _c, office, people, round_, evaluation = start(set_no=16)

    def zero_sensory(item, options):
        return 0 if item.code == "6.1" else len(options) - 1

    for member in people:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user,
                  choose=zero_sensory)
    sheet = evaluation.sheet_of(people[1])
    assert "sensory_zero" in scoring.sheet_result(sheet).stops
    assert not scoring.sheet_result(sheet).projects_recognition
    services.move_round(round_, RoundState.closed, actor=office)
    result = scoring.council_result(evaluation)
    assert "stop_pending" in result.problems
    with pytest.raises(services.CouncilError, match="dừng đánh giá"):
        scoring.conclude_evaluation(evaluation, proposal="5 sao", actor=office)
    with pytest.raises(NotAllowed):  # the secretary does not decide a stop
        scoring.conclude_evaluation(evaluation, proposal="x", knockouts_dismissed=["sensory_zero"],
                                    knockout_reasons={"sensory_zero": "nhầm"},
                                    actor=people[1].user)
    with pytest.raises(services.CouncilError, match="lý do"):
        scoring.conclude_evaluation(evaluation, proposal="x", knockouts_confirmed=["sensory_zero"],
                                    actor=people[0].user)
    assert evaluation.status == EvaluationStatus.scoring
    _db.session.commit()
    chair = logged_in(app, people[0].user)
    page = chair.get(f"/councils/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "Dừng đánh giá theo lựa chọn trên phiếu" in page and "ko-r-sensory_zero" in page
    form_post(chair, f"/councils/evaluations/{evaluation.id}/conclude",
              {"proposal": "Không công nhận", "knockout_confirmed": "sensory_zero",
               "knockout_reason-sensory_zero": "Cả ba thành viên chấm 0 điểm cảm quan"},
              form_page=f"/councils/evaluations/{evaluation.id}")
    committed(db)
    evaluation = _db.session.get(type(evaluation), evaluation.id)
    assert evaluation.status == EvaluationStatus.concluded and evaluation.star is None
    sealed = sealed_for(evaluation)
    assert sealed.star is None and not sealed.recognised
    assert sealed.snapshot["decisions"]["reasons"]["sensory_zero"].startswith("Cả ba")
    page = chair.get(f"/councils/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "Hội đồng xác nhận trường hợp loại" in page and "không xếp hạng" in page


def test_a_members_knockout_flag_blocks_until_decided_and_a_confirmed_one_stays(app, db):
    _c, office, people, round_, evaluation = start()
    for i, member in enumerate(people):
        sheet = scoring.open_sheet(evaluation, actor=member.user)
        if i == 2:
            scoring.save_entries(sheet, {}, knockouts=["unacceptable_impurities"],
                                 expected_version=sheet.version, actor=member.user)
        score_all(sheet, member.user)
    services.move_round(round_, RoundState.closed, actor=office)
    result = scoring.council_result(evaluation)
    assert dict(result.knockouts_flagged) == {"unacceptable_impurities": (people[2].id,)}
    assert "knockout_pending" in result.problems
    with pytest.raises(services.CouncilError, match="trường hợp loại"):
        scoring.conclude_evaluation(evaluation, proposal="x", actor=office)
    _db.session.commit()
    chair = logged_in(app, people[0].user)
    page = chair.get(f"/councils/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "ko-y-unacceptable_impurities" in page
    form_post(chair, f"/councils/evaluations/{evaluation.id}/conclude",
              {"proposal": "Loại", "knockout_confirmed": "unacceptable_impurities",
               "knockout_reason-unacceptable_impurities": "Mẫu có tạp chất"},
              form_page=f"/councils/evaluations/{evaluation.id}")
    committed(db)
    evaluation = _db.session.get(type(evaluation), evaluation.id)
    assert evaluation.star is None and not evaluation.recognised
    assert sealed_for(evaluation).snapshot["decisions"]["confirmed"] == ["unacceptable_impurities"]
    page = chair.get(f"/councils/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "Hội đồng xác nhận trường hợp loại" in page and "Mẫu có tạp chất" in page


# -- 5. stars from the exact mean; the council minimum rule ---------------------------------

def _member(sheet, choices, mid, chair=False):
    return MemberResult(mid, score_sheet(sheet, choices), is_chair=chair)


def _choices_with_total(sheet, target):
    """Best options, then lower items one by one until the total is exactly ``target``."""
    choices = {i.code: len(i.options) - 1 for i in sheet.items if not i.is_case_choice}
    for item in sheet.items:
        total = score_sheet(sheet, choices).total
        if total == target:
            break
        for index in range(len(item.options) - 1, -1, -1):
            trial = {**choices, item.code: index}
            if score_sheet(sheet, trial).total >= target:
                choices = trial
    assert score_sheet(sheet, choices).total == target
    return choices


def test_members_at_69_and_70_with_zero_decimals_give_3_stars():
    sheet = get_rulebook("qd26-2026").sheet(1)
    a = _member(sheet, _choices_with_total(sheet, Decimal(69)), "a", chair=True)
    b = _member(sheet, _choices_with_total(sheet, Decimal(70)), "b")
    result = aggregate([a, b], CouncilRules(mean_decimals=0, minimum_rule="item_majority"),
                       members_total=2, chair_present=True)
    assert result.mean_total == Decimal(70)       # printed, rounded half up
    assert result.mean_exact == Decimal("69.5")  # read for the band
    assert result.band_star == 3 and result.star != 4  # never 4★ from the rounded 70


def test_no_council_star_above_every_members_own_sheet():
    sheet = get_rulebook("qd26-2026").sheet(1)
    best = {i.code: len(i.options) - 1 for i in sheet.items if not i.is_case_choice}
    four_star_items = [i for i in sheet.items if 4 in i.minimum_stars
                       and (i.minimum_index(4, None) or 0) >= 1][:3]
    members = []
    for n, item in enumerate(four_star_items):  # each misses a *different* 4★ minimum
        required = item.minimum_index(4, None)
        members.append(_member(sheet, {**best, item.code: required - 1}, n, chair=n == 0))
    assert all(m.result.star == 3 for m in members)
    old = aggregate(members, CouncilRules(minimum_rule="item_majority"), members_total=3,
                    chair_present=True)
    assert old.star in (4, 5)  # the earlier, item-by-item reading
    new = aggregate(members, members_total=3, chair_present=True)
    assert new.rules.minimum_rule == "sheet_majority" and new.star == 3
    assert not new.met_minimums_by_star[4]


# -- 6. access follows the record; no GET creates a record -----------------------------------

def test_an_excluded_member_loses_the_evaluation_evidence_and_lab_files(app, db):
    from tests.factories import pdf_upload

    _c, office, people, round_, evaluation = start()
    test = services.request_lab_test(evaluation, description="Kiểm nghiệm vi sinh",
                                     actor=office)
    services.record_lab_result(test, result_text="Đạt", file_storage=pdf_upload(),
                               actor=office)
    services.exclude_member(evaluation, people[2], reason="Có quan hệ với chủ thể",
                            actor=office)
    _db.session.commit()
    evidence = evaluation.dossier.evidence[0]
    base = f"/councils/evaluations/{evaluation.id}"
    member = logged_in(app, people[1].user)
    assert member.get(f"{base}/evidence/{evidence.id}?inline=1").status_code == 200
    assert member.get(f"/councils/lab-tests/{test.id}/file").status_code == 200
    barred = logged_in(app, people[2].user)
    for url in (base, f"{base}/score", f"{base}/evidence/{evidence.id}",
                f"{base}/evidence/{evidence.id}?inline=1", f"/councils/lab-tests/{test.id}/file"):
        assert barred.get(url).status_code == 403, url


def test_opening_the_scoring_page_creates_no_sheet(app, db):
    _c, _office, people, _round, evaluation = start()
    _db.session.commit()
    client = logged_in(app, people[1].user)
    page = client.get(f"/councils/evaluations/{evaluation.id}/score")
    assert page.status_code == 200 and "Bắt đầu chấm" in page.get_data(as_text=True)
    committed(db)
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(ScoreSheet)) == 0
    token = csrf_from(client, f"/councils/evaluations/{evaluation.id}/score")
    client.post(f"/councils/evaluations/{evaluation.id}/score/open", data={"csrf_token": token})
    committed(db)
    [sheet] = _db.session.get(type(evaluation), evaluation.id).sheets
    assert sheet.status == SheetStatus.draft


# -- 7. gates ------------------------------------------------------------------------------

def test_a_requested_lab_test_without_a_result_blocks_conclusion(db):
    _c, office, people, round_, evaluation = start()
    test = services.request_lab_test(evaluation, description="Kiểm nghiệm kim loại nặng",
                                     actor=office)
    for member in people:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    services.move_round(round_, RoundState.closed, actor=office)
    with pytest.raises(services.CouncilError, match="kiểm nghiệm"):
        scoring.conclude_evaluation(evaluation, proposal="x", actor=office)
    services.record_lab_result(test, result_text="Đạt", actor=office)
    scoring.conclude_evaluation(evaluation, proposal="Đề nghị", actor=office)
    assert evaluation.status == EvaluationStatus.concluded


def test_a_decision_drafted_from_a_round_says_why_each_result_is_left_out(db):
    from datetime import date

    from ocop_rating.certificates import services as certificates

    _c, office, people, round_, evaluation = start()
    for member in people:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    services.move_round(round_, RoundState.closed, actor=office)
    scoring.conclude_evaluation(evaluation, proposal="5 sao", actor=office)
    decision = certificates.draft_from_round(round_, number="9/QĐ-UBND",
                                             decided_on=date(2026, 7, 1), signer_name="A",
                                             signer_title="Chủ tịch", actor=office)
    assert decision.items == []
    assert evaluation.dossier.product.name in decision.note
    assert "Hội đồng trung ương" in decision.note


# -- issue 17: drafts are never counted -----------------------------------------------------

def test_a_members_draft_sheet_is_never_counted_in_the_council_result(db):
    _c, office, people, round_, evaluation = start(members=4)
    for member in people[:3]:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    draft = scoring.open_sheet(evaluation, actor=people[3].user)
    score_all(draft, people[3].user, choose=lambda item, options: 0, submit=False)
    result = scoring.council_result(evaluation)
    assert result.members_scored == 3 and result.mean_total == Decimal("100.00")
    assert people[3].id not in dict(result.member_totals)


def _reopened_draft(members=4):
    """Every member submits the best sheet; after the reveal the chair reopens the last
    member's sheet and that member saves the worst options, without submitting."""
    _c, office, people, round_, evaluation = start(members=members)
    for member in people:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    services.move_round(round_, RoundState.closed, actor=office)
    codes = [i.code for i in scoring.sheet_definition(evaluation).items]
    scoring.start_rescore(evaluation, items=codes, member_ids=[people[-1].id],
                          reason="Thảo luận lại toàn bộ phiếu", actor=people[0].user)
    draft = evaluation.sheet_of(people[-1])
    score_all(draft, people[-1].user, choose=lambda item, options: 0, submit=False)
    assert draft.status == SheetStatus.draft and scoring.sheet_result(draft).total < 50
    return office, people, round_, evaluation


def test_a_draft_is_left_out_of_the_evaluation_page_and_the_draft_minutes(app, db, tmp_path):
    office, people, round_, evaluation = _reopened_draft()
    _db.session.commit()
    chair = logged_in(app, people[0].user)
    page = chair.get(f"/councils/evaluations/{evaluation.id}").get_data(as_text=True)
    assert "Số thành viên chấm: 3/4" in page
    assert '<strong id="mean-total">100,00</strong>' in page
    text = " ".join(pdf_text(chair.get(f"/councils/rounds/{round_.id}/minutes.pdf").data,
                             tmp_path).split())
    assert "Điểm trung bình (3 thành viên chấm)" in text
    assert "Số thành viên chấm điểm: 3/4" in text and "4/4" not in text
    assert "Điểm trung bình: 100,00 điểm" in text
    committed(db)
    result = scoring.council_result(_db.session.get(EvaluationModel, evaluation.id))
    assert (result.members_scored, result.members_total) == (3, 4)
    assert result.mean_total == Decimal("100.00") and result.spread == 0


def test_a_members_knockout_flagged_on_the_page_reaches_the_result_pages_and_minutes(
        app, db, tmp_path):
    _c, office, people, round_, evaluation = start()
    code = "unacceptable_impurities"
    text_of = {k.code: k.text for k in scoring.sheet_definition(evaluation).knockouts}
    for member in people[:2]:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user)
    flagger = people[2].user
    score_all(scoring.open_sheet(evaluation, actor=flagger), flagger, submit=False)
    _db.session.commit()
    client = logged_in(app, flagger)
    eid = evaluation.id
    version = _db.session.scalar(_db.select(ScoreSheet.version).filter_by(
        evaluation_id=eid, member_id=people[2].id))
    token = csrf_from(client, f"/councils/evaluations/{eid}/score")
    saved = client.post(f"/councils/evaluations/{eid}/score/save",
                        data={"csrf_token": token, "version": str(version),
                              "knockouts-present": "1", "knockout": code},
                        headers={"Accept": "application/json"})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    assert [s["code"] for s in saved.json["sheet"]["stops"]] == [code]
    submitted = client.post(f"/councils/evaluations/{eid}/score/submit",
                            data={"csrf_token": token,
                                  "version": str(saved.json["sheet"]["version"])})
    assert submitted.status_code == 302
    committed(db)
    evaluation = _db.session.get(EvaluationModel, eid)
    sheet = evaluation.sheet_of(evaluation.council.member_for(flagger))
    assert sheet.status == SheetStatus.submitted and sheet.knockouts == [code]
    services.move_round(evaluation.round, RoundState.closed, actor=office)
    _db.session.commit()
    chair = logged_in(app, people[0].user)
    page = chair.get(f"/councils/evaluations/{eid}").get_data(as_text=True)
    assert f"{text_of[code]} (1 thành viên)" in page
    assert "có trường hợp loại chưa được hội đồng quyết định" in page
    assert "★" not in page.split('id="result"')[1].split("</section>")[0]  # no star yet
    minutes = pdf_text(chair.get(f"/councils/rounds/{evaluation.round_id}/minutes.pdf").data,
                       tmp_path)
    minutes = " ".join(minutes.split())
    assert "(1 thành viên) – chưa được Chủ tịch Hội đồng quyết định" in minutes
    assert "Kết quả phân hạng: chưa kết luận" in minutes
    form_post(chair, f"/councils/evaluations/{eid}/conclude",
              {"proposal": "Không công nhận", "knockout_confirmed": code,
               f"knockout_reason-{code}": "Mẫu có tạp chất lạ"},
              form_page=f"/councils/evaluations/{eid}")
    committed(db)
    evaluation = _db.session.get(EvaluationModel, eid)
    assert evaluation.status == EvaluationStatus.concluded
    assert evaluation.star is None and not evaluation.recognised
    assert evaluation.result["knockouts_confirmed"] == [code]
    page = chair.get(f"/councils/evaluations/{eid}").get_data(as_text=True)
    sealed_section = page.split('id="result"')[1].split("</section>")[0]
    assert f"Hội đồng xác nhận trường hợp loại / dừng đánh giá: {text_of[code]} — " \
           "Mẫu có tạp chất lạ" in sealed_section
    assert '<span id="sealed-star">không xếp hạng</span>' in sealed_section
    assert "không được công nhận" in sealed_section
    assert sealed_section.count("dừng/loại") == 1  # the flagging member's row
    minutes = pdf_text(chair.get(f"/councils/rounds/{evaluation.round_id}/minutes.pdf").data,
                       tmp_path)
    minutes = " ".join(minutes.split())
    assert "Trường hợp loại: Ghi chú: Không xem xét" in minutes
    assert "– Mẫu có tạp chất lạ" in minutes
