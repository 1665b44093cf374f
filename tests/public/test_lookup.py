"""Lookup by the number printed on paper: found → the certificate's page; not found → the
registry is complete, so the product is not certified."""
from urllib.parse import quote

from .helpers import quick_certificate


def test_found_redirects_to_the_certificate_page(client, db):
    certificate, _ = quick_certificate()
    db.session.commit()
    serial, year, rest = certificate.number.split("/", 2)
    typed = [certificate.number, f"  {certificate.number} ", certificate.number.lower(),
             f"{int(serial)}/{year}/{rest}", f"{serial} / {year} / {rest.lower()}"]
    for number in typed:
        response = client.get("/lookup", query_string={"number": number})
        assert response.status_code == 302, number
        assert response.headers["Location"].endswith(f"/verify/{certificate.token}")


def test_not_found_says_not_certified(client, db):
    quick_certificate()
    db.session.commit()
    response = client.get("/lookup?number=" + quote("9999/2026/GCN-OCOP-22"))
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert ("Không tìm thấy giấy chứng nhận số 9999/2026/GCN-OCOP-22 trong sổ đăng ký: sản "
            "phẩm này không được chứng nhận OCOP (hoặc số không đúng)") in html
    assert 'value="9999/2026/GCN-OCOP-22"' in html  # kept in the box to correct it


def test_typed_text_is_escaped(client, db):
    html = client.get("/lookup", query_string={"number": "<script>alert(1)</script>"}
                      ).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_empty_shows_the_form(client, db):
    response = client.get("/lookup")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="number"' in html and 'id="status"' not in html
    assert client.get("/lookup?number=%20%20").status_code == 200
    assert client.get("/lookup?number=" + "9" * 5000).status_code == 404
    assert client.get("/lookup?number=12%00/2026").status_code == 404  # NUL: PostgreSQL-safe
