"""The verification page behind each QR code: a big, clear live status and the public facts
of the certificate; an unknown code says plainly that the product is not certified."""
from datetime import date, timedelta

from ocop_rating.certificates.models import RevocationGround
from tests.factories import issued_certificate

from .helpers import quick_certificate, revoke, years_ago


def page(client, certificate):
    response = client.get(f"/verify/{certificate.token}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def status_block(html: str) -> str:
    return html.split('id="status"')[1].split("</section>")[0]


def dmy(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def test_valid_certificate_shows_its_public_facts(client, db):
    certificate, _ = issued_certificate(star=4)
    db.session.commit()
    html = page(client, certificate)
    block = status_block(html)
    assert 'data-status="valid"' in block and "Còn hiệu lực" in block
    assert dmy(certificate.expires_on) in block
    decision = certificate.decision
    for text in (certificate.number, certificate.product_name, certificate.product_code,
                 certificate.producer_name, certificate.producer_address, "4 sao", "★★★★☆",
                 "Quyết định 26/2026/QĐ-TTg", "1. Rau, củ, quả, hạt tươi", decision.number,
                 dmy(decision.decided_on), decision.authority_name, dmy(certificate.issued_on),
                 "Vân Đồn", "Quảng Ninh"):
        assert text in html, text


def test_star_history_shows_no_scores(client, db):
    certificate, _ = issued_certificate(star=4)
    evaluation = certificate.decision.items[0].evaluation
    db.session.commit()
    html = page(client, certificate)
    history = html.split('id="history"')[1].split("</table>")[0]
    assert certificate.number in history and "Cấp giấy chứng nhận" in history
    total = f"{evaluation.mean_total:.2f}"
    assert total not in html and total.replace(".", ",") not in html
    assert "điểm" not in html.lower() and "hội đồng" not in html.lower()


def test_expiring_shows_days_left(client, db):
    certificate, _ = quick_certificate(decided_on=years_ago(3, -45))
    db.session.commit()
    block = status_block(page(client, certificate))
    assert 'data-status="expiring"' in block and "Sắp hết hiệu lực" in block
    assert f"còn {certificate.days_to_expiry()} ngày" in block
    assert 40 <= certificate.days_to_expiry() <= 46


def test_extended_by_the_transition_rule(client, db):
    certificate, _ = quick_certificate(decided_on=years_ago(3, 20))
    certificate.extended_until = date.today() + timedelta(days=100)
    db.session.commit()
    block = status_block(page(client, certificate))
    assert 'data-status="extended"' in block
    assert "Còn hiệu lực trong thời gian đánh giá lại" in block
    assert dmy(certificate.extended_until) in block and dmy(certificate.expires_on) in block


def test_expired(client, db):
    certificate, _ = quick_certificate(decided_on=years_ago(3, 1))
    db.session.commit()
    block = status_block(page(client, certificate))
    assert 'data-status="expired"' in block and "Hết hiệu lực" in block
    assert "Còn hiệu lực" not in block


def test_revoked_names_the_ground_and_decision(client, db):
    certificate, office = quick_certificate()
    # after the issue (30 days ago), whatever today is
    decided_on = date.today() - timedelta(days=1)
    revoke(certificate, office, RevocationGround.production_stopped, number="12/QĐ-UBND",
           decided_on=decided_on)
    db.session.commit()
    block = status_block(page(client, certificate))
    assert 'data-status="revoked"' in block and "Đã bị thu hồi" in block
    assert "Chủ thể ngừng sản xuất" in block and "12/QĐ-UBND" in block
    assert decided_on.strftime("%d/%m/%Y") in block and "Ủy ban nhân dân tỉnh Quảng Ninh" in block


def test_superseded_twice_links_to_the_next_and_the_latest(client, db):
    first, _ = quick_certificate(star=3, decided_on=date.today() - timedelta(days=900))
    second, _ = quick_certificate(product=first.product, star=4,
                                  decided_on=date.today() - timedelta(days=400))
    third, _ = quick_certificate(product=first.product, star=4,
                                 decided_on=date.today() - timedelta(days=10))
    db.session.commit()
    block = status_block(page(client, first))
    assert 'data-status="superseded"' in block
    assert f'href="/verify/{second.token}"' in block and second.number in block
    assert f'href="/verify/{third.token}"' in block  # the one in force today
    block = status_block(page(client, second))
    assert f'href="/verify/{third.token}"' in block and 'id="current"' not in block
    history = page(client, third).split('id="history"')[1]
    positions = [history.index(c.number) for c in (first, second, third)]
    assert positions == sorted(positions)


def test_unknown_token_is_a_clear_not_certified_404(client, db):
    for token in ("x" * 32, "nope", "a" * 300, "%3Cscript%3E", "abc%00def", "%C3%A9"):
        response = client.get(f"/verify/{token}")
        html = response.get_data(as_text=True)
        assert response.status_code == 404, token
        assert "Không có trong sổ đăng ký" in html
        assert "không được chứng nhận OCOP" in html
        assert 'href="/lookup"' in html and 'href="/registry"' in html
        assert "<script>" not in html


def test_public_pages_are_read_only(client, db):
    certificate, _ = quick_certificate()
    db.session.commit()
    for url in (f"/verify/{certificate.token}", "/registry", "/lookup"):
        assert client.post(url).status_code in (400, 405)  # CSRF refuses, or no such method
        assert client.get(url).status_code == 200
