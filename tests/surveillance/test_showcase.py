"""The public showcase (issue 16, point 4): only products with a certificate in force are
listed, accent-insensitive search and filters, the product page with its points of sale and
QR code, producers keeping points of sale up to date, and the province hiding an entry."""
from __future__ import annotations

from ocop_rating.accounts.roles import Role
from ocop_rating.audit import AuditEvent
from ocop_rating.certificates.models import Certificate
from ocop_rating.surveillance.models import SalesPoint
from tests.conftest import committed, csrf_from
from tests.factories import DI_LINH, LAM_DONG, make_user
from tests.public.helpers import quick_certificate, revoke, years_ago
from tests.surveillance.helpers import logged_in


def listed_ids(client, query: str = "") -> set[int]:
    import re

    html = client.get(f"/showcase{query}").get_data(as_text=True)
    return {int(n) for n in re.findall(r'data-product="(\d+)"', html)}


def test_only_products_with_a_live_certificate_are_listed(client, db):
    live, office = quick_certificate(star=4, name="Chả mực Hạ Long")
    revoked, _ = quick_certificate(star=3, name="Nước mắm Cái Rồng")
    revoke(revoked, office)
    expired, _ = quick_certificate(star=3, name="Rượu ba kích", decided_on=years_ago(3, 10))
    old, _ = quick_certificate(star=3, name="Trà hoa vàng")
    newer, _ = quick_certificate(star=4, product=old.product)  # supersedes the old one
    other, _ = quick_certificate(star=5, commune_code=DI_LINH, name="Cà phê Di Linh")
    db.session.commit()
    assert listed_ids(client) == {live.product_id, newer.product_id, other.product_id}
    # Each product once, from its certificate in force.
    html = client.get("/showcase").get_data(as_text=True)
    assert html.count(f'data-product="{newer.product_id}"') == 1
    # Accent-insensitive search, filters by province and star.
    assert listed_ids(client, "?q=cha+muc") == {live.product_id}
    assert listed_ids(client, f"?province={LAM_DONG}") == {other.product_id}
    assert listed_ids(client, "?star=4") == {live.product_id, newer.product_id}
    assert listed_ids(client, "?group=I") >= {live.product_id}
    # The product page of a listed product; none for the others.
    assert client.get(f"/showcase/{live.product_id}").status_code == 200
    for gone in (revoked, expired):
        assert client.get(f"/showcase/{gone.product_id}").status_code == 404
    # Cacheable for anonymous visitors.
    response = client.get("/showcase")
    assert "public" in response.headers["Cache-Control"]
    qr = client.get(f"/showcase/{live.product_id}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert b"<svg" in qr.data


def test_bad_filters_are_reported_not_500(client, db):
    response = client.get("/showcase?star=9&group=ZZ&page=x&province=abc")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Hạng sao phải là 3, 4 hoặc 5" in html and "Ngành sản phẩm không hợp lệ" in html


def test_producer_keeps_points_of_sale(app, db, client):
    certificate, _office = quick_certificate(star=4, name="Sá sùng Quan Lạn")
    owner = db.session.scalar(db.select(Certificate).filter_by(id=certificate.id)).product
    from ocop_rating.accounts.models import User

    user = db.session.scalar(db.select(User).filter_by(producer_id=owner.producer_id))
    stranger = make_user(Role.producer)
    c = logged_in(app, db, user)
    url = f"/showcase/{owner.id}/sales-points"
    response = c.post(url, data={"csrf_token": csrf_from(c, url), "kind": "online",
                                 "name": "Gian hàng Sá sùng", "url": "javascript:alert(1)"})
    assert response.status_code == 422  # only web links
    response = c.post(url, data={"csrf_token": csrf_from(c, url), "kind": "shop",
                                 "name": "Cửa hàng đặc sản Vân Đồn",
                                 "address": "12 Lê Lợi, Cái Rồng"})
    assert response.status_code == 302
    page = client.get(f"/showcase/{owner.id}").get_data(as_text=True)
    assert "Cửa hàng đặc sản Vân Đồn" in page
    committed(db)
    [point] = db.session.scalars(db.select(SalesPoint)).all()
    other = logged_in(app, db, stranger)
    assert other.get(url).status_code == 403
    response = c.post(f"{url}/{point.id}/remove", data={"csrf_token": csrf_from(c, url)})
    assert response.status_code == 302
    committed(db)
    assert db.session.scalars(db.select(SalesPoint)).all() == []
    actions = db.session.scalars(db.select(AuditEvent.action).filter_by(
        object_type="products", object_id=str(owner.id))).all()
    assert "sales_point_added" in actions and "sales_point_removed" in actions


def test_province_hides_a_misleading_entry(app, db, client):
    certificate, office = quick_certificate(star=4, name="Bánh gai Tiên Yên")
    office_b = make_user(Role.province, province_code=LAM_DONG)
    db.session.commit()
    product_id = certificate.product_id
    b = logged_in(app, db, office_b)
    token = csrf_from(b, "/surveillance/")
    assert b.post(f"/showcase/{product_id}/hide",
                  data={"csrf_token": token, "reason": "x"}).status_code == 403
    a = logged_in(app, db, office)
    response = a.post(f"/showcase/{product_id}/hide", data={
        "csrf_token": csrf_from(a, f"/showcase/{product_id}"),
        "reason": "Ảnh sản phẩm không đúng mẫu đã công nhận."})
    assert response.status_code == 302
    assert product_id not in listed_ids(client)
    assert client.get(f"/showcase/{product_id}").status_code == 404
    # The certificate itself is untouched: still valid in the registry.
    assert client.get(f"/verify/{certificate.token}").status_code == 200
    committed(db)
    actions = db.session.scalars(db.select(AuditEvent.action).filter_by(
        object_type="products", object_id=str(product_id))).all()
    assert "showcase_hidden" in actions
    response = a.post(f"/showcase/{product_id}/unhide",
                      data={"csrf_token": csrf_from(a, "/surveillance/hidden")})
    assert response.status_code == 302
    assert product_id in listed_ids(client)
