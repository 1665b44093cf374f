"""Working links (issue 14, point 6): a certificate's QR code and the "Trang kiểm tra công
khai" link use PUBLIC_BASE_URL when set and otherwise the address the app is served on; a
production installation without a public address refuses to issue certificates."""
from datetime import date

from ocop_rating.accounts.models import User
from ocop_rating.certificates import services
from ocop_rating.certificates.models import (
    AuthorityLevel,
    Certificate,
    Decision,
    DecisionKind,
    DecisionStatus,
)
from ocop_rating.notifications.services import _site_url
from tests.conftest import committed, form_post
from tests.factories import DEFAULT_PASSWORD, concluded_evaluation, issued_certificate
from tests.public.helpers import qr_payloads

SERVED = "http://127.0.0.1:5101"


def _client_on(app, base_url: str, user):
    """A logged-in client whose every request reaches the app at ``base_url``."""
    client = app.test_client()
    plain_open = client.open

    def open_on_base(*args, **kwargs):
        kwargs.setdefault("base_url", base_url)
        return plain_open(*args, **kwargs)

    client.open = open_on_base
    assert form_post(client, "/login", {"username": user.username,
                                        "password": DEFAULT_PASSWORD}).status_code == 302
    return client


def _owner(certificate):
    from ocop_rating.db import db

    return db.session.scalar(db.select(User).filter_by(producer_id=certificate.producer_id))


def test_qr_and_public_link_use_the_serving_host_and_port_when_no_base_is_set(app, db):
    certificate, _office = issued_certificate(star=4)
    owner = _owner(certificate)
    db.session.commit()
    client = _client_on(app, SERVED, owner)
    pdf = client.get(f"/certificates/{certificate.id}.pdf")
    assert pdf.status_code == 200
    assert qr_payloads(pdf.data) == [f"{SERVED}/verify/{certificate.token}"]
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert f'href="{SERVED}/verify/{certificate.token}"' in page
    assert "127.0.0.1:5000" not in page


def test_qr_uses_the_public_base_url_when_set(app, db):
    certificate, _office = issued_certificate(star=3)
    owner = _owner(certificate)
    db.session.commit()
    client = _client_on(app, SERVED, owner)
    app.config["PUBLIC_BASE_URL"] = "https://ocop.example.vn/"
    try:
        pdf = client.get(f"/certificates/{certificate.id}.pdf")
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    assert qr_payloads(pdf.data) == [f"https://ocop.example.vn/verify/{certificate.token}"]


def test_without_a_request_or_configuration_the_link_is_a_bare_path(app, db):
    certificate, _office = issued_certificate(star=3)
    assert services.verify_url(certificate) == f"/verify/{certificate.token}"
    app.config["SERVER_NAME"] = "ocop.lamdong.gov.vn"
    try:
        assert services.verify_url(certificate) == \
            f"http://ocop.lamdong.gov.vn/verify/{certificate.token}"
    finally:
        app.config["SERVER_NAME"] = None


def test_email_links_follow_the_serving_address_except_in_production(app):
    with app.test_request_context("/", base_url=SERVED):
        assert _site_url() == SERVED + "/"
        app.config["PRODUCTION"] = True
        try:
            assert _site_url() is None  # a forged Host header must not reach an e-mail
            app.config["PUBLIC_BASE_URL"] = "https://ocop.example.vn"
            assert _site_url() == "https://ocop.example.vn/"
        finally:
            app.config["PRODUCTION"] = False
            app.config["PUBLIC_BASE_URL"] = ""
    with app.app_context():
        assert _site_url() is None  # the daily job without configuration: no link at all


def _issue_through_the_page(app, db):
    evaluation, office = concluded_evaluation(star=4)
    decision = services.create_decision(
        kind=DecisionKind.recognition, level=AuthorityLevel.province,
        province_code=evaluation.council.province_code, number="4125/QĐ-UBND",
        decided_on=date(2026, 7, 10), signer_name="Nguyễn Văn Công",
        signer_title="CHỦ TỊCH", actor=office)
    services.add_item(decision, evaluation, actor=office)
    db.session.commit()
    client = _client_on(app, SERVED, office)
    page = f"/certificates/decisions/{decision.id}"
    response = form_post(client, f"{page}/issue", form_page=page, follow_redirects=True)
    assert response.status_code == 200 and response.request.path == page
    committed(db)
    return db.session.get(Decision, decision.id), response.get_data(as_text=True)


def test_production_without_a_public_base_url_refuses_to_issue(app, db):
    app.config["PRODUCTION"] = True
    try:
        decision, html = _issue_through_the_page(app, db)
    finally:
        app.config["PRODUCTION"] = False
    assert decision.status == DecisionStatus.draft
    assert db.session.scalar(db.select(Certificate).filter_by(decision_id=decision.id)) is None
    assert "alert-danger" in html and "OCOP_PUBLIC_BASE_URL" in html
    assert "Không cấp giấy chứng nhận nào" in html


def test_production_with_a_public_base_url_issues(app, db):
    app.config.update(PRODUCTION=True, PUBLIC_BASE_URL="https://ocop.example.vn")
    try:
        decision, html = _issue_through_the_page(app, db)
    finally:
        app.config.update(PRODUCTION=False, PUBLIC_BASE_URL="")
    assert decision.status == DecisionStatus.issued
    assert db.session.scalar(db.select(Certificate).filter_by(decision_id=decision.id))
    assert "OCOP_PUBLIC_BASE_URL" not in html and "Đã ban hành quyết định 4125/QĐ-UBND" in html
