"""From paper to page: the QR code printed on a real certificate PDF, decoded by a real
decoder (zbar), leads to the public page showing the certificate's live status."""
from ocop_rating.certificates import services
from ocop_rating.certificates.models import CertificateStatus, RevocationGround
from tests.factories import issued_certificate

from .helpers import path_of, pdf_text, qr_payloads, quick_certificate, revoke


def _words(text: str) -> str:
    return " ".join(text.split())


def _scan(db, certificate) -> str:
    """Print the certificate, scan its QR code, return the path it points to."""
    pdf = services.render_pdf(certificate)
    text = _words(pdf_text(pdf))
    assert certificate.product_name in text and certificate.producer_name in text
    assert certificate.number in text
    [url] = qr_payloads(pdf)
    assert url == services.verify_url(certificate)
    return path_of(url)


def test_scanned_qr_shows_valid_then_revoked(client, db):
    certificate, office = issued_certificate(star=4)
    path = _scan(db, certificate)
    assert path == f"/verify/{certificate.token}"
    db.session.commit()

    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-status="valid"' in html and "Còn hiệu lực" in html
    assert certificate.product_name in html and certificate.producer_name in html

    decision = revoke(certificate, office, RevocationGround.false_dossier, number="47/QĐ-UBND")
    db.session.commit()
    html = client.get(path).get_data(as_text=True)
    assert 'data-status="revoked"' in html and "Đã bị thu hồi" in html
    assert "Hồ sơ không trung thực, giả mạo" in html
    assert "47/QĐ-UBND" in html and decision.decided_on.strftime("%d/%m/%Y") in html
    assert "Còn hiệu lực" not in html
    # a reprint of a revoked certificate says so across the page
    assert "ĐÃ THU HỒI" in pdf_text(services.render_pdf(certificate))


def test_scanned_qr_of_a_superseded_certificate_links_to_the_new_one(client, db):
    old, _ = issued_certificate(star=3)
    path = _scan(db, old)
    db.session.commit()
    assert 'data-status="valid"' in client.get(path).get_data(as_text=True)

    new, _ = quick_certificate(product=old.product, star=4)  # re-evaluated: now 4 stars
    db.session.commit()
    assert old.status == CertificateStatus.superseded
    html = client.get(path).get_data(as_text=True)
    assert 'data-status="superseded"' in html and "Đã được thay thế" in html
    new_path = f"/verify/{new.token}"
    assert f'href="{new_path}"' in html and new.number in html

    html = client.get(new_path).get_data(as_text=True)
    assert 'data-status="valid"' in html and "4 sao" in html
    # the product's star history lists both certificates, oldest first
    history = html.split('id="history"')[1]
    assert history.index(old.number) < history.index(new.number)
