"""A certificate's life with the clock moved: notices through a real SMTP server, the
re-evaluation dossier, written opinions, supersession; and the path where nothing is filed."""
from datetime import date, datetime, timezone

import pytest
import time_machine

from ocop_rating.accounts.models import User
from ocop_rating.accounts.roles import Role
from ocop_rating.certificates import services as certificates
from ocop_rating.certificates.models import (
    AuthorityLevel,
    Certificate,
    CertificateStatus,
    DecisionKind,
)
from ocop_rating.councils import services as councils
from ocop_rating.councils.models import DecisionMode, RoundState
from ocop_rating.dossiers import services as dossiers
from ocop_rating.dossiers.checklist import LOCAL_ITEMS, checklist_for
from ocop_rating.dossiers.models import DossierKind
from ocop_rating.evaluation import services as scoring
from ocop_rating.reevaluation import services as reevaluation
from ocop_rating.reevaluation.models import NoticeKind, ReevaluationNotice
from tests.conftest import committed
from tests.factories import below_star, issued_certificate, make_user, score_all

ISSUED = date(2026, 7, 15)   # expires 15/07/2029


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 3, 0,
                                        tzinfo=timezone.utc), tick=False)


def notices(db, certificate):
    committed(db)
    return [n.kind for n in db.session.scalars(db.select(ReevaluationNotice).filter_by(
        certificate_id=certificate.id).order_by(ReevaluationNotice.id))]


def hand_over_samples(dossier, owner):
    dossiers.update_registration(
        dossier, actor=owner, production_address=dossier.production_address,
        annual_capacity=dossier.annual_capacity, main_markets=dossier.main_markets,
        product_story=dossier.product_story, samples_count=5,
        samples_handed_on=date.today(), samples_received_by="Cán bộ xã")


@pytest.fixture()
def certified(db):
    certificate, office = issued_certificate(star=4, decided_on=ISSUED)
    owner = db.session.scalar(db.select(User).filter_by(producer_id=certificate.producer_id))
    db.session.commit()
    return certificate, office, owner


def test_window_notice_dossier_written_opinions_and_supersession(db, certified, smtp_server):
    certificate, office, owner = certified
    assert certificate.expires_on == date(2029, 7, 15)
    with at(date(2029, 1, 16)):  # 180 days before expiry: the window opens
        report = reevaluation.run_daily()
        assert report.notices_sent == 1
        [mail] = smtp_server.wait_for(1)
        body = mail.get_body(preferencelist=("plain",)).get_content()
        assert mail["To"] == owner.email and certificate.number in body
        assert reevaluation.run_daily().notices_sent == 0  # twice: nothing more
    assert notices(db, certificate) == [NoticeKind.window_open]

    with at(date(2029, 1, 20)):  # the producer files the re-evaluation dossier
        dossier = dossiers.create_dossier(certificate.product, kind=DossierKind.reevaluation,
                                          actor=owner)
        assert dossier.previous_certificate_id == certificate.id
        assert len(dossier.claims) > 20 and dossier.evidence  # kept from the last dossier
        problems = [p.message for p in dossiers.submission_problems(dossier)]
        assert any("thay đổi" in m for m in problems)
        dossiers.update_changes(dossier, text="Mở rộng vùng nguyên liệu lên 12 ha.",
                                actor=owner)
        hand_over_samples(dossier, owner)
        dossiers.submit(dossier, actor=owner)
        officer = make_user(Role.commune, commune_code=dossier.commune_code)
        dossiers.save_commune_check(
            dossier, actor=officer,
            checklist={i.code: True for i in checklist_for(dossier.set_no)},
            assessments={f: "Đạt" for f, _ in LOCAL_ITEMS}, proposal="Đề nghị đánh giá lại")
        dossiers.forward_to_province(dossier, actor=officer)
        dossiers.accept_at_province(dossier, actor=office)
        db.session.commit()

    with at(date(2029, 2, 15)):  # 150 days: no reminder, a dossier is filed
        assert reevaluation.run_daily().notices_sent == 0

    with at(date(2029, 3, 1)):  # written opinions of the council
        evaluation = certificate.decision.items[0].evaluation
        council = evaluation.council
        council.decision_mode = DecisionMode.written
        round_ = councils.create_round(council, name="Đánh giá lại đợt 1/2029",
                                       proposals_by=date(2029, 2, 28),
                                       finish_by=date(2029, 4, 15), is_extra=True, actor=office)
        councils.move_round(round_, RoundState.open, actor=office)
        again = councils.add_to_round(round_, dossier, actor=office)
        assert councils.written_deadline(again) == date(2029, 3, 6)  # 45 days from 20/01
        councils.move_round(round_, RoundState.scoring, actor=office)
        for member in council.active_members:
            score_all(scoring.open_sheet(again, actor=member.user), member.user,
                      choose=below_star(5))
        councils.move_round(round_, RoundState.closed, actor=office)
        scoring.conclude_evaluation(again, proposal="Giữ hạng 4 sao", actor=office)
        decision = certificates.create_decision(
            kind=DecisionKind.recognition, level=AuthorityLevel.province,
            province_code=certificate.province_code, number="901/QĐ-UBND",
            decided_on=date(2029, 3, 20), signer_name="A", signer_title="B", actor=office)
        certificates.add_item(decision, again, actor=office)
        [new] = certificates.issue_decision(decision, actor=office)
        db.session.commit()
        committed(db)
        old = db.session.get(Certificate, certificate.id)
        assert old.status == CertificateStatus.superseded and old.superseded_by_id == new.id
        assert new.expires_on == date(2032, 3, 20)


def test_no_dossier_reminders_expiry_and_lapsed(db, certified, smtp_server):
    certificate, office, owner = certified
    days = [(date(2029, 1, 16), NoticeKind.window_open),
            (date(2029, 2, 15), NoticeKind.reminder_150),
            (date(2029, 3, 12), NoticeKind.reminder_125),
            (date(2029, 6, 15), NoticeKind.reminder_30),
            (date(2029, 7, 16), NoticeKind.expired)]
    for count, (day, kind) in enumerate(days, start=1):
        with at(day):
            reevaluation.run_daily()
            reevaluation.run_daily()
        assert notices(db, certificate) == [k for _, k in days[:count]]
    assert len(smtp_server.wait_for(len(days))) == len(days)
    with at(date(2029, 8, 1)):
        committed(db)
        old = db.session.get(Certificate, certificate.id)
        assert old.status == CertificateStatus.expired
        pipeline = reevaluation.pipeline(province_code=certificate.province_code)
        assert [c.id for c in pipeline.lapsed] == [certificate.id]


def test_late_is_listed_after_the_120_day_mark(db, certified):
    certificate, _office, _owner = certified
    with at(date(2029, 3, 1)):  # 136 days before expiry: in the window, not late
        p = reevaluation.pipeline(province_code=certificate.province_code)
        assert [c.id for c in p.in_window] == [certificate.id] and p.late == []
    with at(date(2029, 3, 20)):  # 117 days: late
        p = reevaluation.pipeline(province_code=certificate.province_code)
        assert [c.id for c in p.late] == [certificate.id]


def test_transition_rule_keeps_the_old_certificate_valid_until_the_decision(db, certified):
    certificate, office, owner = certified
    with at(date(2029, 3, 10)):  # filed in the window (by the 120-day mark, 17/03/2029);
        # the decision will come after expiry
        dossier = dossiers.create_dossier(certificate.product, kind=DossierKind.reevaluation,
                                          actor=owner)
        dossiers.update_changes(dossier, text="Không thay đổi.", actor=owner)
        hand_over_samples(dossier, owner)
        dossiers.submit(dossier, actor=owner)
        db.session.commit()
    with at(date(2029, 7, 20)):
        assert reevaluation.run_daily().extended == 1
        committed(db)
        old = db.session.get(Certificate, certificate.id)
        assert old.extended_until == date(2030, 1, 11)  # at most 180 days past expiry
        assert old.status == CertificateStatus.extended
    with at(date(2030, 1, 12)):
        committed(db)
        assert db.session.get(Certificate, certificate.id).status == CertificateStatus.expired
