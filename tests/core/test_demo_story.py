"""The demo data tells one coherent story (issue 14 §9): dates spread over the years, codes of
the year of first evaluation, every state of a dossier and a certificate, a revocation after
its ground, and pages that read well on it. One seeding, several checks (seeding is slow)."""
from datetime import timedelta

from ocop_rating.certificates.models import Certificate, CertificateStatus
from ocop_rating.demo import DEMO_PASSWORD, seed_demo
from ocop_rating.dossiers.models import Dossier
from ocop_rating.dossiers.states import DossierStatus
from ocop_rating.legaltime import legal_date
from ocop_rating.reevaluation.models import Inspection, InspectionOutcome
from tests.conftest import committed, form_post


def _login(client, username):
    response = form_post(client, "/login", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username


def test_the_demo_tells_a_coherent_story(client, db):
    seed_demo()
    committed(db)

    dossiers = db.session.scalars(db.select(Dossier)).all()
    assert {d.status for d in dossiers} == set(DossierStatus)
    filed = [legal_date(d.submitted_at) for d in dossiers if d.submitted_at]
    assert len({(f.year, f.month) for f in filed}) >= 5, "filing dates bunched together"
    for d in dossiers:  # each step after the one before
        steps = [t for t in (d.created_at, d.submitted_at, d.forwarded_at, d.accepted_at)
                 if t is not None]
        assert steps == sorted(steps), d.product.name

    certificates = db.session.scalars(db.select(Certificate)).all()
    assert {c.issued_on.year for c in certificates} >= {2023, 2024, 2025, 2026}
    assert {c.status_on() for c in certificates} == set(CertificateStatus)
    for c in certificates:  # the product's code carries the year it was first evaluated
        first = min(o.issued_on.year for o in certificates if o.product_id == c.product_id)
        assert c.product_code and c.product_code.endswith(f"-{first}"), (c.number,
                                                                         c.product_code)

    revoked = next(c for c in certificates if c.status_on() == CertificateStatus.revoked)
    ground = db.session.scalar(db.select(Inspection).filter_by(
        certificate_id=revoked.id, outcome=InspectionOutcome.violation))
    assert ground is not None
    assert ground.concluded_on <= revoked.revoked_on <= ground.concluded_on + timedelta(days=15)

    _login(client, "qn.ocop")
    lapsed = client.get("/reevaluation/?section=lapsed").get_data(as_text=True)
    assert "Đã hết hạn" in lapsed and 'class="text-danger">-' not in lapsed

    form_post(client, "/logout", form_page="/")
    _login(client, "htx.caphedilinh")
    product = next(d.product for d in dossiers if d.product.name == "Khăn thổ cẩm K'Ho")
    page = client.get(f"/products/{product.id}").get_data(as_text=True)
    assert "Sản phẩm chưa có hồ sơ, kết quả đánh giá hay giấy chứng nhận nào" not in page
    assert "1. Chưa có." not in page


def test_an_empty_star_history_is_a_sentence(client, db, login_as):
    from tests.factories import make_producer, make_product

    producer, user = make_producer()
    product = make_product(producer, user)
    login_as(user)
    page = client.get(f"/products/{product.id}").get_data(as_text=True)
    assert "Sản phẩm chưa có hồ sơ, kết quả đánh giá hay giấy chứng nhận nào" in page
    assert '<ol class="list-group list-group-numbered mb-3" id="star-history">' not in page


def test_adding_no_dossier_to_a_round_says_so_without_success(client, db, login_as):
    from ocop_rating.councils import services as councils
    from ocop_rating.councils.models import RoundState
    from tests.factories import make_council

    council, office, _people = make_council()
    round_ = councils.create_legal_rounds(council, 2026, actor=office)[0]
    councils.move_round(round_, RoundState.open, actor=office)
    login_as(office)
    response = form_post(client, f"/councils/rounds/{round_.id}/dossiers", {},
                         form_page=f"/councils/rounds/{round_.id}", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Chưa chọn hồ sơ nào" in text
    assert "Đã đưa 0 hồ sơ vào đợt." not in text
