"""Revocation by the law (issue 10, point 9): its legal date is its decision's date; the 15
days to decide run from the authority's conclusion (or the commune's confirmation that
production stopped), recorded on the proposal, with an alert on the province's pages when
the limit nears or passes; an expired certificate is not revocable, it is listed as lapsed."""
from datetime import UTC, date, datetime

import pytest
import time_machine

from ocop_rating.accounts.roles import Role
from ocop_rating.certificates import services
from ocop_rating.certificates.models import Certificate, RevocationGround
from ocop_rating.certificates.services import CertificateError
from ocop_rating.reevaluation import services as reevaluation
from ocop_rating.reevaluation.models import InspectionKind, InspectionOutcome
from ocop_rating.reevaluation.services import ReevaluationError
from tests.conftest import committed, form_post
from tests.factories import DEFAULT_PASSWORD, LAM_DONG, make_user
from tests.public.helpers import quick_certificate

ISSUED = date(2026, 7, 15)  # expires 15/07/2029


def at(day: date, hour: int = 3):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC),
                               tick=False)


def logged_in(app, user):
    client = app.test_client()
    assert form_post(client, "/login", {"username": user.username,
                                        "password": DEFAULT_PASSWORD}).status_code == 302
    return client


def revoke(certificates, office, decided_on, number="45/QĐ-UBND"):
    return services.revoke(certificates, ground=RevocationGround.violations, number=number,
                           decided_on=decided_on, signer_name="Nguyễn Văn Công",
                           signer_title="CHỦ TỊCH", actor=office)


def test_the_revocation_is_dated_by_its_decision_not_by_its_recording(db, client):
    certificate, office = quick_certificate(decided_on=ISSUED)
    with at(date(2026, 10, 20)):  # recorded on 20/10 from a decision signed on 10/10
        revoke([certificate], office, date(2026, 10, 10))
        db.session.commit()
        committed(db)
        found = db.session.get(Certificate, certificate.id)
        assert found.revoked_on == date(2026, 10, 10)
        [event] = [e for e in services.star_history(found.product) if e["kind"] == "revoked"]
        assert event["on"] == date(2026, 10, 10)
        body = client.get(f"/api/v1/certificates/{found.number}").get_json()
        assert body["revocation"]["revoked_on"] == "2026-10-10"
        page = client.get(f"/verify/{found.token}").get_data(as_text=True)
        decision = page[page.index('id="revocation-decision"'):]
        assert decision[:decision.index("</p>")].count("ngày 10/10/2026") == 1


def test_a_revocation_cannot_be_dated_in_the_future_or_before_the_issue(db):
    certificate, office = quick_certificate(decided_on=ISSUED)
    with at(date(2026, 10, 20)):
        with pytest.raises(CertificateError) as future:
            revoke([certificate], office, date(2026, 10, 21))
        assert future.value.code == "decided_in_future"
        with pytest.raises(CertificateError) as before:
            revoke([certificate], office, date(2026, 7, 1), number="46/QĐ-UBND")
        assert before.value.code == "decided_before_issue"


def test_an_expired_certificate_is_not_revocable_but_listed_as_lapsed(db, client, login_as):
    lapsed, office = quick_certificate(decided_on=date(2023, 1, 10))  # expired 10/01/2026
    live, _office = quick_certificate(decided_on=ISSUED)
    db.session.commit()
    with pytest.raises(CertificateError) as refused:
        revoke([lapsed], office, date(2026, 11, 1))
    assert refused.value.code == "expired"
    assert "đã hết hiệu lực từ ngày 10/01/2026" in refused.value.message
    db.session.rollback()
    assert not services.revocable(lapsed) and services.revocable(live)
    login_as(office)
    page = client.get("/certificates/").get_data(as_text=True)
    assert f'name="certificate_id" value="{live.id}"' in page
    assert f'name="certificate_id" value="{lapsed.id}"' not in page
    response = form_post(client, "/certificates/revoke", {
        "certificate_id": str(lapsed.id), "revoke-ground": "violations",
        "revoke-number": "47/QĐ-UBND", "revoke-decided_on": "01/11/2026",
        "revoke-signer_name": "A", "revoke-signer_title": "B"},
        form_page="/certificates/", follow_redirects=True)
    assert "không thu hồi được" in response.get_data(as_text=True)
    committed(db)
    assert db.session.get(Certificate, lapsed.id).revoked_at is None
    from ocop_rating.reevaluation import services as reevaluation_services

    lapsed_list = reevaluation_services.pipeline(province_code=lapsed.province_code).lapsed
    assert lapsed.id in [c.id for c in lapsed_list]


def propose(certificate, office, *, concluded_on: date, done_on: date):
    inspection = reevaluation.schedule_inspection(
        certificate, kind=InspectionKind.adhoc, on=done_on, inspector="Đoàn liên ngành",
        actor=office)
    reevaluation.record_findings(
        inspection, done_on=done_on, findings="Dùng biểu trưng sai hạng sao.",
        outcome=InspectionOutcome.violation, proposed_ground="mark_misuse",
        concluded_on=concluded_on, concluded_by="Sở Công Thương, kết luận số 12/KL-SCT",
        actor=office)
    return inspection


def test_a_violation_records_the_conclusion_the_15_days_run_from(db):
    certificate, office = quick_certificate(decided_on=ISSUED)
    inspection = reevaluation.schedule_inspection(
        certificate, kind=InspectionKind.adhoc, on=date(2026, 11, 1), inspector="Đoàn",
        actor=office)
    with pytest.raises(ReevaluationError) as missing:
        reevaluation.record_findings(
            inspection, done_on=date(2026, 11, 1), findings="Vi phạm nhãn.",
            outcome=InspectionOutcome.violation, proposed_ground="violations", actor=office)
    assert missing.value.code == "concluded_on_required"
    inspection = propose(certificate, office, concluded_on=date(2026, 11, 5),
                         done_on=date(2026, 11, 1))
    assert reevaluation.proposal_deadline(inspection) == date(2026, 11, 20)


def test_the_15_day_alert_shows_on_the_provinces_pages_when_near_and_when_passed(
        app, db, client, login_as):
    certificate, office = quick_certificate(decided_on=ISSUED)
    with at(date(2027, 3, 1)):
        propose(certificate, office, concluded_on=date(2027, 3, 1), done_on=date(2027, 2, 25))
    db.session.commit()
    pages = ["/reevaluation/inspections/proposed", "/reevaluation/", "/certificates/"]
    with at(date(2027, 3, 5)):  # 11 days left: no alert yet
        client = logged_in(app, office)
        for url in pages:
            assert 'id="revocation-alert"' not in client.get(url).get_data(as_text=True)
    with at(date(2027, 3, 12)):  # 4 days left
        client = logged_in(app, office)
        for url in pages:
            text = client.get(url).get_data(as_text=True)
            assert 'id="revocation-alert"' in text, url
            assert "hạn 16/03/2027, còn 4 ngày" in text and certificate.number in text
    with at(date(2027, 3, 18)):  # passed by 2 days
        client = logged_in(app, office)
        text = client.get("/reevaluation/inspections/proposed").get_data(as_text=True)
        assert "hạn 16/03/2027, đã quá 2 ngày" in text
        assert "Quá hạn" in text
    with at(date(2027, 3, 18)):  # revoked: the proposal and its alert are gone
        revoke([certificate], office, date(2027, 3, 18))
        db.session.commit()
        text = client.get("/reevaluation/inspections/proposed").get_data(as_text=True)
        assert 'id="revocation-alert"' not in text and certificate.number not in text


def test_another_province_sees_no_alert(app, db, client, login_as):
    certificate, office = quick_certificate(decided_on=ISSUED)
    stranger = make_user(Role.province, province_code=LAM_DONG)
    with at(date(2027, 3, 1)):
        propose(certificate, office, concluded_on=date(2027, 3, 1), done_on=date(2027, 2, 25))
    db.session.commit()
    with at(date(2027, 3, 14)):
        client = logged_in(app, stranger)
        for url in ("/reevaluation/inspections/proposed", "/reevaluation/", "/certificates/"):
            assert 'id="revocation-alert"' not in client.get(url).get_data(as_text=True)
