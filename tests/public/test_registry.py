"""The public registry: complete (every issued certificate, whatever its status, and nothing
else), accent-insensitive, filtered, paginated without losing the filters, and never a 500."""
import re
from datetime import date, timedelta

import pytest

from ocop_rating.certificates.models import Certificate
from tests.factories import DI_LINH, HA_LONG, LAM_DONG, VAN_DON

from .helpers import quick_certificate, revoke, years_ago

ROW = re.compile(r'<tr>\s*<td><a href="/verify/[^"]+"><code>([^<]+)</code>')


def numbers(html: str) -> list[str]:
    """Certificate numbers listed in the registry table, in page order."""
    return ROW.findall(html.split('id="registry"')[1])


@pytest.fixture()
def registry(db):
    """Seven certificates: every status, three communes in two provinces, stars 3 and 4."""
    made = {}
    made["coffee"], _ = quick_certificate(
        star=4, commune_code=DI_LINH, name="Cà phê Robusta rang xay",
        producer_name="Hợp tác xã Cà phê Di Linh", decided_on=date.today() - timedelta(days=5))
    made["tea"], _ = quick_certificate(                               # expiring in 60 days
        star=3, name="Trà hoa vàng Ba Chẽ", set_no=2, decided_on=years_ago(3, -60))
    made["sauce"], office = quick_certificate(star=4, name="Nước mắm Cái Rồng",
                                              decided_on=date.today() - timedelta(days=400))
    revoke(made["sauce"], office)
    made["squid_old"], _ = quick_certificate(star=3, commune_code=HA_LONG,
                                             name="Chả mực Hạ Long",
                                             decided_on=date.today() - timedelta(days=700))
    made["squid"], _ = quick_certificate(product=made["squid_old"].product, star=4,
                                         decided_on=date.today() - timedelta(days=20))
    made["honey"], _ = quick_certificate(star=3, commune_code=HA_LONG, name="Mật ong rừng",
                                         decided_on=years_ago(3, 10))          # expired
    made["wine"], _ = quick_certificate(star=3, name="Rượu ba kích Đảo Trần",
                                        decided_on=years_ago(3, 30))           # extended
    made["wine"].extended_until = date.today() + timedelta(days=40)
    db.session.commit()
    return made


def test_lists_every_issued_certificate_and_nothing_else(client, db, registry):
    html = client.get("/registry").get_data(as_text=True)
    listed = numbers(html)
    issued = set(db.session.scalars(db.select(Certificate.number)))
    assert len(issued) == 7 and set(listed) == issued and len(listed) == 7
    assert "Tìm thấy 7 giấy chứng nhận." in html
    # every status has its badge, revoked and superseded included
    for label in ("Còn hiệu lực", "Sắp hết hiệu lực", "Đã bị thu hồi", "Đã được thay thế",
                  "Hết hiệu lực", "Còn hiệu lực trong thời gian đánh giá lại"):
        assert label in html, label
    # newest first
    issued_on = {c.number: c.issued_on for c in registry.values()}
    assert [issued_on[n] for n in listed] == sorted(issued_on.values(), reverse=True)
    coffee = registry["coffee"]
    row = html.split(coffee.number)[1].split("</tr>")[0]
    assert "Cà phê Robusta rang xay" in row and "Hợp tác xã Cà phê Di Linh" in row
    assert "Lâm Đồng" in row and "★★★★☆" in row
    assert coffee.issued_on.strftime("%d/%m/%Y") in row
    assert coffee.expires_on.strftime("%d/%m/%Y") in row
    # a number that was never issued is not found anywhere
    fake = "0937/2026/GCN-OCOP-22"
    assert fake not in issued
    assert numbers(client.get(f"/registry?q={fake}").get_data(as_text=True)) == []
    assert client.get(f"/lookup?number={fake}").status_code == 404


def test_search_is_accent_insensitive(client, db, registry):
    for q in ("ca phe", "CÀ PHÊ", "cà phê robusta", "di linh", "Ca Phe  Rang", "CA PHÊ"):
        html = client.get("/registry", query_string={"q": q}).get_data(as_text=True)
        assert numbers(html) == [registry["coffee"].number], q
    html = client.get("/registry", query_string={"q": "ruou dao tran"}).get_data(as_text=True)
    assert numbers(html) == [registry["wine"].number]


def test_search_by_product_code_and_by_number(client, db, registry):
    tea = registry["tea"]
    html = client.get("/registry", query_string={"q": tea.product_code}).get_data(as_text=True)
    assert numbers(html) == [tea.number]
    # a certificate number typed into the search box points at its page
    html = client.get("/registry", query_string={"q": tea.number}).get_data(as_text=True)
    assert f'href="/verify/{tea.token}"' in html.split('id="registry"')[0]
    # LIKE wildcards are plain characters, not "match everything"
    assert numbers(client.get("/registry").get_data(as_text=True))
    assert numbers(client.get("/registry?q=%25").get_data(as_text=True)) == []
    assert numbers(client.get("/registry?q=_").get_data(as_text=True)) == []
    assert numbers(client.get("/registry?q=%25%25zz%25").get_data(as_text=True)) == []


def test_filters(client, db, registry):
    def listed(**params):
        return set(numbers(client.get("/registry", query_string=params).get_data(as_text=True)))

    n = {k: c.number for k, c in registry.items()}
    assert listed(province=LAM_DONG) == {n["coffee"]}
    assert listed(commune=HA_LONG) == {n["squid_old"], n["squid"], n["honey"]}
    assert listed(province="22", commune=VAN_DON) == {n["tea"], n["sauce"], n["wine"]}
    assert listed(star=4) == {n["coffee"], n["sauce"], n["squid"]}
    assert listed(set=2) == {n["tea"]}
    assert listed(status="valid") == {n["coffee"], n["squid"]}
    assert listed(status="expiring") == {n["tea"]}
    assert listed(status="extended") == {n["wine"]}
    assert listed(status="expired") == {n["honey"]}
    assert listed(status="revoked") == {n["sauce"]}
    assert listed(status="superseded") == {n["squid_old"]}
    assert listed(status="in_force") == {n["coffee"], n["squid"], n["tea"], n["wine"]}
    assert listed(q="cha muc", status="in_force") == {n["squid"]}
    assert listed(q="cha muc", commune=HA_LONG, star=3) == {n["squid_old"]}
    # the commune select is filled for the chosen province (cascading select)
    html = client.get("/registry", query_string={"commune": HA_LONG}).get_data(as_text=True)
    assert f'<option value="{HA_LONG}" selected>' in html
    assert '<option value="22" selected>' in html
    assert 'id="province_code" name="province"' in html and 'id="commune_code"' in html


def test_pagination_keeps_the_filters(client, db, registry):
    html = client.get("/registry?status=in_force&per_page=3&q=").get_data(as_text=True)
    assert len(numbers(html)) == 3 and "Tìm thấy 4 giấy chứng nhận." in html
    links = re.findall(r'href="(/registry\?[^"]*page=2[^"]*)"', html)
    assert links, "no link to page 2"
    link = links[0].replace("&amp;", "&")
    assert "status=in_force" in link and "per_page=3" in link
    page2 = client.get(link).get_data(as_text=True)
    assert len(numbers(page2)) == 1
    assert set(numbers(html)) | set(numbers(page2)) == {
        registry[k].number for k in ("coffee", "squid", "tea", "wine")}
    # beyond the last page: an empty page that says so, not an error
    page9 = client.get("/registry?status=in_force&per_page=3&page=9")
    assert page9.status_code == 200 and numbers(page9.get_data(as_text=True)) == []
    assert "Trang này không có kết quả." in page9.get_data(as_text=True)


# Unreadable values: the page answers, drops them and says so.
BAD = [
    "page=abc", "page=0", "page=-1", "page=99999999999999999999", "page=1.5", "star=9",
    "star=abc", "set=1000", "set=x", "status=bogus", "province=abc", "commune=1",
    "per_page=1000", "per_page=0", "province=%00",
    "star=%D9%A3",  # Arabic-Indic three: a digit to str.isdecimal, not to us
]
# Odd but harmless: empty values, unknown names, odd text in the search box.
ODD = ["status=", "star=", "page=", "set=%20", "foo=bar", "q=%00%ff", "q=" + "x" * 500,
       "province=22&province=xx"]


def test_bad_parameters_never_fail(client, db, registry):
    everything = set(numbers(client.get("/registry").get_data(as_text=True)))
    for params in BAD + ODD:
        response = client.get(f"/registry?{params}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, (params, html[:500])
        if params in BAD:
            assert 'id="ignored-filters"' in html, params
            assert set(numbers(html)) == everything, params


def test_a_bad_parameter_is_ignored_and_the_others_kept(client, db, registry):
    html = client.get("/registry?star=9&commune=" + HA_LONG).get_data(as_text=True)
    assert "Hạng sao phải là 3, 4 hoặc 5." in html
    assert set(numbers(html)) == {registry[k].number for k in ("squid_old", "squid", "honey")}


def test_registry_is_public_and_in_the_navigation(client, db, registry):
    html = client.get("/registry").get_data(as_text=True)
    assert 'href="/lookup"' in html
    assert "Tra cứu OCOP" in client.get("/login").get_data(as_text=True)
