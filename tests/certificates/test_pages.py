from datetime import date

from ocop_rating.accounts.models import User
from ocop_rating.accounts.roles import Role
from ocop_rating.certificates.models import Certificate, CertificateStatus, Decision
from tests.conftest import committed, form_post
from tests.factories import (
    DEFAULT_PASSWORD,
    LAM_DONG,
    concluded_evaluation,
    issued_certificate,
    make_user,
)


def logged_in(app, user):
    client = app.test_client()
    assert form_post(client, "/login", {"username": user.username,
                                        "password": DEFAULT_PASSWORD}).status_code == 302
    return client


def test_office_drafts_adds_and_issues_a_decision_through_the_pages(app, db):
    evaluation, office = concluded_evaluation(star=4)
    db.session.commit()
    client = logged_in(app, office)
    response = form_post(client, "/certificates/decisions/new", {
        "number": "3125/QĐ-UBND", "decided_on": "10/07/2026", "signer_name": "Nguyễn Văn Công",
        "signer_title": "KT. CHỦ TỊCH - PHÓ CHỦ TỊCH", "round_id": str(evaluation.round_id)})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    committed(db)
    decision = db.session.scalar(db.select(Decision).filter_by(number="3125/QĐ-UBND"))
    assert [i.evaluation_id for i in decision.items] == [evaluation.id]
    page = f"/certificates/decisions/{decision.id}"
    assert form_post(client, f"{page}/issue", form_page=page).status_code == 302
    committed(db)
    certificate = db.session.scalar(db.select(Certificate).filter_by(decision_id=decision.id))
    assert certificate.star == 4 and certificate.issued_on == date(2026, 7, 10)
    zipped = client.get(f"{page}/certificates.zip")
    assert zipped.status_code == 200 and zipped.data[:2] == b"PK"
    duplicate = form_post(client, "/certificates/decisions/new", {
        "number": "3125/QĐ-UBND", "decided_on": "10/07/2026", "signer_name": "A",
        "signer_title": "B", "round_id": ""})
    assert duplicate.status_code == 422 and "đã được dùng" in duplicate.get_data(as_text=True)


def test_producer_sees_and_downloads_only_its_certificates(app, db):
    certificate, _office = issued_certificate(star=3)
    other, _ = issued_certificate(star=4)
    owner = db.session.scalar(db.select(User).filter_by(producer_id=certificate.producer_id))
    db.session.commit()
    client = logged_in(app, owner)
    text = client.get("/certificates/mine").get_data(as_text=True)
    assert certificate.number in text and other.number not in text
    assert "Còn" in text and "ngày đến hạn" in text
    pdf = client.get(f"/certificates/{certificate.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/certificates/{other.id}.pdf").status_code == 403
    assert client.get("/certificates/").status_code == 403


def test_revocation_through_the_office_page(app, db):
    a, office = issued_certificate(star=3)
    b, _ = issued_certificate(star=4)
    db.session.commit()
    client = logged_in(app, office)
    response = form_post(client, "/certificates/revoke", {
        "certificate_id": [str(a.id), str(b.id)], "revoke-ground": "production_stopped",
        "revoke-number": "2790/QĐ-UBND", "revoke-decided_on": "05/10/2026",
        "revoke-signer_name": "Nguyễn Văn Công", "revoke-signer_title": "PHÓ CHỦ TỊCH"},
        form_page="/certificates/")
    assert response.status_code == 302
    committed(db)
    assert {c.status for c in db.session.scalars(db.select(Certificate))} == {
        CertificateStatus.revoked}
    other_office = make_user(Role.province, province_code=LAM_DONG)
    c, _ = issued_certificate(star=3)
    db.session.commit()
    stranger = logged_in(app, other_office)
    assert c.number not in stranger.get("/certificates/").get_data(as_text=True)
    response = form_post(stranger, "/certificates/revoke", {
        "certificate_id": str(c.id), "revoke-ground": "other", "revoke-number": "1/QĐ",
        "revoke-decided_on": "05/10/2026", "revoke-signer_name": "X",
        "revoke-signer_title": "Y"}, form_page="/certificates/")
    committed(db)
    assert db.session.get(Certificate, c.id).revoked_at is None


def test_cli_renders_a_decision_with_a_progress_bar(cli, db, tmp_path):
    certificate, _ = issued_certificate(star=4)
    db.session.commit()
    result = cli("ocop", "certificates", "render", "--decision", certificate.decision.number,
                 "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "1 certificate(s)" in result.output
    [pdf] = list((tmp_path / "out").iterdir())
    assert pdf.read_bytes().startswith(b"%PDF")
    missing = cli("ocop", "certificates", "render", "--decision", "nope", "--out",
                  str(tmp_path / "x"))
    assert missing.exit_code != 0 and "No decision" in missing.output
