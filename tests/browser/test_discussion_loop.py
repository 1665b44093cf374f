"""The discussion loop after the reveal (issue 10, point 1): the chair names the items to
re-score and the reason; the member's sheet is editable at once, with Save and Submit, for
those items only; the member re-scores and submits; the evaluation page keeps both rounds of
scores (the totals before the pass and the new ones)."""
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from ocop_rating.councils import services
from ocop_rating.councils.models import RoundState
from ocop_rating.evaluation import services as sheets
from ocop_rating.evaluation.models import Rescore, ScoreSheet, SheetStatus
from tests.browser.conftest import login
from tests.conftest import committed
from tests.factories import accepted_dossier, make_council, score_all

pytestmark = pytest.mark.browser

REASON = "Chênh lệch ở mục 1.1, hội đồng đã thảo luận"


@pytest.fixture()
def revealed(db):
    """Three members have submitted, the session is closed (scores revealed); the third
    member gave the lowest option on 1.1, the others the best everywhere."""
    council, office, people = make_council(members=3)
    dossier = accepted_dossier()
    round_ = services.create_legal_rounds(council, 2026, actor=office)[0]
    services.move_round(round_, RoundState.open, actor=office)
    evaluation = services.add_to_round(round_, dossier, actor=office)
    services.move_round(round_, RoundState.scoring, actor=office)
    low = people[2]
    for member in people:
        sheet = sheets.open_sheet(evaluation, actor=member.user)
        if member is low:
            score_all(sheet, member.user, choose=lambda item, options: (
                0 if item.code == "1.1" else len(options) - 1))
        else:
            score_all(sheet, member.user)
    services.move_round(round_, RoundState.closed, actor=office)
    first_total = sheets.sheet_result(evaluation.sheet_of(low)).total
    db.session.commit()
    return SimpleNamespace(
        chair=people[0], secretary=people[1], member=low, evaluation_id=evaluation.id,
        first_total=first_total, url=f"/councils/evaluations/{evaluation.id}",
        score_url=f"/councils/evaluations/{evaluation.id}/score")


def points(value) -> str:
    return f"{value:.2f}".replace(".", ",")


def test_the_chair_reopens_a_sheet_and_the_member_rescores_the_named_item(new_page, db,
                                                                             revealed):
    assert revealed.first_total < 100  # the lowest option on 1.1 cost points
    chair = new_page()
    login(chair, revealed.chair.user)
    chair.goto(revealed.url)
    box = chair.locator("#rescore-box")
    expect(box).to_be_visible()
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    chair.locator("#rescore-items").fill("1.1")
    for other in (revealed.chair, revealed.secretary):  # only the third member re-scores
        chair.locator(f"#rescore-m-{other.id}").uncheck()
    chair.locator("#rescore-reason").fill(REASON)
    chair.get_by_role("button", name="Mở lại phiếu để chấm lại").click()
    expect(chair.get_by_role("alert").filter(
        has_text="Đã mở lại phiếu để chấm lại các mục đã nêu.")).to_be_visible()
    expect(chair.locator(".rescore-pass")).to_contain_text(REASON)
    expect(chair.locator(".rescore-pass")).to_contain_text("đang chấm lại")
    expect(chair.locator("#conclude-form")).to_have_count(0)  # nothing concludes meanwhile

    # The member's sheet is editable at once: the named item, Save and Submit.
    member = new_page()
    login(member, revealed.member.user)
    member.goto(revealed.score_url)
    reopened = member.locator("#reopened")
    expect(reopened).to_contain_text(REASON)
    expect(reopened).to_contain_text("Chấm lại các mục: 1.1")
    expect(member.locator("#sheet-status")).to_have_text("Đang chấm")
    card = member.locator('.sheet-item[data-code="1.1"]')
    other = member.locator('.sheet-item[data-code="1.2"]')
    best = card.get_by_role("radio").last
    expect(card.get_by_role("radio").first).to_be_checked()
    expect(best).to_be_enabled()
    expect(other.get_by_role("radio").first).to_be_disabled()  # not named: unchanged
    save = member.get_by_role("button", name="Lưu", exact=True)
    submit = member.get_by_role("button", name="Nộp phiếu")
    expect(save).to_be_enabled()
    expect(submit).to_be_enabled()

    best.click()
    expect(card.locator(".save-state")).to_have_text("✓ Đã lưu")
    save.click()  # the plain form's save button works too
    expect(member.get_by_role("alert").filter(has_text="Đã lưu phiếu chấm.")).to_be_visible()
    expect(member.locator('.sheet-item[data-code="1.1"]').get_by_role("radio").last) \
        .to_be_checked()
    expect(member.locator("#total")).to_have_text("100,0")
    member.once("dialog", lambda d: d.accept())
    member.get_by_role("button", name="Nộp phiếu").click()
    member.wait_for_url("**/councils/my")
    expect(member.get_by_role("alert")).to_contain_text("Đã nộp phiếu chấm.")

    committed(db)
    sheet = db.session.scalar(db.select(ScoreSheet).filter_by(
        evaluation_id=revealed.evaluation_id, member_id=revealed.member.id))
    assert sheet.status == SheetStatus.submitted
    assert sheets.sheet_result(sheet).total == 100
    [pass_] = db.session.scalars(db.select(Rescore).filter_by(
        evaluation_id=revealed.evaluation_id)).all()
    assert pass_.items == ["1.1"] and pass_.member_ids == [revealed.member.id]
    assert pass_.closed_at is not None
    assert pass_.previous[str(revealed.member.id)]["total"] == str(revealed.first_total)

    # Both rounds of scores on the evaluation page: the totals before the pass, and the new.
    chair.goto(revealed.url)
    line = chair.locator(".rescore-pass")
    expect(line).to_contain_text(REASON)
    expect(line).not_to_contain_text("đang chấm lại")
    before = line.locator(f'.rescore-before[data-member="{revealed.member.id}"]')
    expect(before).to_have_text(f"{revealed.member.user.full_name} "
                                f"{points(revealed.first_total)}")
    expect(chair.locator("#result").get_by_role("row").filter(
        has_text=revealed.member.user.full_name)).to_contain_text("100,0")
    expect(chair.locator("#mean-total")).to_have_text("100,00")

    # And after conclusion the sealed result keeps both rounds.
    chair.get_by_label("Kết luận, đề xuất của hội đồng").fill("Đề nghị công nhận.")
    chair.get_by_role("button", name="Kết luận hồ sơ").click()
    expect(chair.locator("#seal-hash")).to_be_visible()
    sealed_line = chair.locator(".rescore-pass")
    expect(sealed_line).to_contain_text(REASON)
    expect(sealed_line.locator(f'.rescore-before[data-member="{revealed.member.id}"]')) \
        .to_contain_text(points(revealed.first_total))
    expect(chair.locator("#sealed-members").get_by_role("row").filter(
        has_text=revealed.member.user.full_name)).to_contain_text("100,00")
