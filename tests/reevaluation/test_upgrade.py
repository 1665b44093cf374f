"""An upgrade (nâng hạng) goes through the normal rounds with a dossier that starts from the
last evaluation, and its certificate supersedes the old one."""
from datetime import date

from ocop_rating.accounts.models import User
from ocop_rating.accounts.roles import Role
from ocop_rating.certificates import services as certificates
from ocop_rating.certificates.models import AuthorityLevel, CertificateStatus, DecisionKind
from ocop_rating.councils import services as councils
from ocop_rating.councils.models import RoundState
from ocop_rating.dossiers import services as dossiers
from ocop_rating.dossiers.checklist import LOCAL_ITEMS, checklist_for
from ocop_rating.dossiers.models import DossierKind
from ocop_rating.evaluation import services as scoring
from tests.factories import below_star, issued_certificate, make_user, score_all


def test_upgrade_from_three_to_four_stars(db):
    old, office = issued_certificate(star=3)
    owner = db.session.scalar(db.select(User).filter_by(producer_id=old.producer_id))
    previous = old.decision.items[0].evaluation.dossier
    upgrade = dossiers.create_dossier(old.product, kind=DossierKind.upgrade, actor=owner)
    assert upgrade.previous_certificate_id == old.id
    assert {c.item_code: c.option_index for c in upgrade.claims} == {
        c.item_code: c.option_index for c in previous.claims}
    assert {e.file_id for e in upgrade.evidence} == {e.file_id for e in previous.evidence}
    # the producer improves its claims to what a 4-star product shows, then files
    sheet = dossiers.sheet_of(upgrade)
    choose = below_star(5)
    dossiers.save_claims(upgrade, {i.code: (choose(i, i.options), None) for i in sheet.items
                                   if not i.is_case_choice}, actor=owner)
    for choice in dossiers.projection(upgrade).choices:
        if choice.points > 0 and not upgrade.evidence_by_code().get(choice.code) \
                and choice.code not in dossiers.DERIVED_ITEMS:
            from tests.factories import pdf_upload

            dossiers.add_evidence(upgrade, pdf_upload(), item_code=choice.code, label="",
                                  actor=owner)
    dossiers.update_registration(
        upgrade, actor=owner, production_address=upgrade.production_address,
        annual_capacity=upgrade.annual_capacity, main_markets="", product_story="",
        samples_count=5, samples_handed_on=date(2026, 9, 1), samples_received_by="Xã")
    dossiers.submit(upgrade, actor=owner)
    officer = make_user(Role.commune, commune_code=upgrade.commune_code)
    dossiers.save_commune_check(
        upgrade, actor=officer, checklist={i.code: True for i in checklist_for(upgrade.set_no)},
        assessments={f: "Đạt" for f, _ in LOCAL_ITEMS}, proposal="Đề nghị nâng hạng")
    dossiers.forward_to_province(upgrade, actor=officer)
    dossiers.accept_at_province(upgrade, actor=office)
    # the normal round of the same council
    council = old.decision.items[0].evaluation.council
    round_ = councils.create_round(council, name="Đợt 2 năm 2026", proposals_by=date(2026, 10, 30),
                                   finish_by=date(2026, 12, 30), is_extra=False, actor=office)
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, upgrade, actor=office)
    councils.move_round(round_, RoundState.scoring, actor=office)
    for member in council.active_members:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user,
                  choose=choose)
    councils.move_round(round_, RoundState.closed, actor=office)
    scoring.conclude_evaluation(evaluation, proposal="Đề nghị công nhận 4 sao", actor=office)
    assert evaluation.star == 4
    decision = certificates.create_decision(
        kind=DecisionKind.recognition, level=AuthorityLevel.province,
        province_code=old.province_code, number="4321/QĐ-UBND", decided_on=date(2026, 12, 20),
        signer_name="A", signer_title="B", actor=office)
    certificates.add_item(decision, evaluation, actor=office)
    [new] = certificates.issue_decision(decision, actor=office)
    assert new.star == 4 and old.superseded_by_id == new.id
    assert old.status == CertificateStatus.superseded
    history = certificates.star_history(old.product)
    assert [e["certificate"].star for e in history if e["kind"] == "certificate"] == [3, 4]
