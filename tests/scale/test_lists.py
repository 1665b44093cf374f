"""The fixes the query counts called for (issue 13 §3): the producers list sorted in SQL by a
stored Vietnamese sort key and paged with its filters; search ranked with whole-word matches
first, accent-insensitive, with ``%`` and ``_`` literal; the office certificate list paged
and filtered by status in SQL."""
from __future__ import annotations

import random
import re

from sqlalchemy import select

from ocop_rating.accounts.roles import Role
from ocop_rating.producers.models import Producer
from ocop_rating.text import vn_sort_key, vn_sort_string
from tests.factories import make_producer, make_user
from tests.public.helpers import quick_certificate


def test_the_sort_string_orders_as_the_sort_key():
    rng = random.Random(5)
    letters = list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĐÊƠ 0123-") + ["à", "ả", "ã", "á", "ạ",
                                                                  "ầ", "ế", "ữ", "ợ"]
    names = ["".join(rng.choice(letters) for _ in range(rng.randint(0, 9)))
             for _ in range(1500)] + ["An", "An Bình", "Ăn", "Ân", "Đà", "Da", "Dà", "Z", "Ê"]
    assert [vn_sort_key(n) for n in sorted(names, key=vn_sort_string)] == \
        sorted(vn_sort_key(n) for n in names)
    assert vn_sort_string("Đà Lạt") > vn_sort_string("Dùng") > vn_sort_string("Da")
    assert vn_sort_string("Ê") > vn_sort_string("Ez") and vn_sort_string("A") < \
        vn_sort_string("A B")


def test_name_sort_is_kept_on_write(db):
    producer, _user = make_producer(name="Ánh Dương")
    db.session.flush()
    assert producer.name_sort == vn_sort_string("Ánh Dương")
    producer.name = "Đồng Xanh"
    db.session.flush()
    assert db.session.scalar(select(Producer.name_sort).filter_by(id=producer.id)) == \
        vn_sort_string("Đồng Xanh")


def _names(html: str) -> list[str]:
    return re.findall(r'href="/producers/\d+">([^<]+)</a>', html)


def test_producers_list_sorted_in_vietnamese_order_and_paged(client, db, login_as):
    from ocop_rating.producers import views

    names = ["Đồng Xanh", "Dương Minh", "An Phát", "Ánh Dương", "Ăn Ngon", "Zen", "Bình An"]
    for name in names:
        make_producer(name=f"HTX {name}")
    make_producer(name="HTX Chờ Duyệt", approved=False)
    login_as(make_user(Role.ministry))
    views_per_page, views.PER_PAGE = views.PER_PAGE, 3
    try:
        seen, page = [], 1
        while True:
            html = client.get(f"/producers/?page={page}&status=").get_data(as_text=True)
            got = _names(html)
            if not got:
                break
            seen += got
            page += 1
        assert seen == ["HTX Chờ Duyệt"] + sorted(
            (f"HTX {n}" for n in names), key=vn_sort_key)  # pending first
        # the filters stay in the page links
        html = client.get("/producers/?status=approved").get_data(as_text=True)
        links = re.findall(r'href="(/producers/\?[^"]*page=2[^"]*)"', html)
        assert links and all("status=approved" in link for link in links), links
        assert "HTX Chờ Duyệt" not in html
    finally:
        views.PER_PAGE = views_per_page


def test_search_puts_whole_words_first(client, db):
    quick_certificate(name="Gạo thơm Mường", producer_name="Trang trại Bình Minh")
    quick_certificate(name="Trà xanh Tân Cương", producer_name="Hợp tác xã Tân Cương")
    quick_certificate(name="Mật ong Tràng An", producer_name="Trang trại Hoa Sen")
    quick_certificate(name="Trà shan tuyết", producer_name="Hợp tác xã Suối Giàng")
    db.session.commit()
    html = client.get("/registry?q=tra").get_data(as_text=True)
    order = [n for n in ("Trà xanh Tân Cương", "Trà shan tuyết", "Gạo thơm Mường",
                         "Mật ong Tràng An") if n in html]
    assert len(order) == 4
    positions = sorted(order, key=html.index)
    assert set(positions[:2]) == {"Trà xanh Tân Cương", "Trà shan tuyết"}, positions
    # accent-insensitive both ways, and "%" / "_" are literal
    assert "Trà shan tuyết" in client.get("/registry?q=TRA SHAN").get_data(as_text=True)
    for q in ("%", "tr_", "t%a"):
        html = client.get(f"/registry?q={q}").get_data(as_text=True)
        assert "Trà xanh Tân Cương" not in html, q


def test_office_certificates_paged_and_filtered_in_sql(client, db, login_as):
    from ocop_rating.certificates import views

    for i in range(5):
        quick_certificate(name=f"Miến dong số {i}")
    login_as(make_user(Role.ministry))
    saved, views.PER_PAGE = views.PER_PAGE, 2
    try:
        first = client.get("/certificates/?q=mien&status=valid").get_data(as_text=True)
        third = client.get("/certificates/?q=mien&status=valid&page=3").get_data(as_text=True)
        assert first.count("Miến dong số") == 2 and third.count("Miến dong số") == 1
        assert "status=valid" in first and "page=2" in first
        assert client.get("/certificates/?status=revoked").get_data(as_text=True).count(
            "Miến dong số") == 0
    finally:
        views.PER_PAGE = saved
