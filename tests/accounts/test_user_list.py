"""The users list: paged, filtered and searched in SQL, within the viewer's jurisdiction."""
import re

import pytest
from werkzeug.security import generate_password_hash

from ocop_rating.accounts.models import User
from ocop_rating.accounts.roles import Role
from ocop_rating.accounts.views import USERS_PER_PAGE
from ocop_rating.text import fold, vn_sort_string
from tests.factories import DI_LINH, HA_LONG, LAM_DONG, QUANG_NINH, VAN_DON, make_user

ROW = re.compile(r"<tr>\s*<td>([^<]*)</td><td><code>([^<]*)</code>")


def _rows(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [name for name, _username in ROW.findall(response.get_data(as_text=True))]


def _officers(db, n: int, *, commune_code: str = VAN_DON, province_code: str = QUANG_NINH,
              prefix: str = "Cán bộ") -> list[User]:
    """``n`` commune officers written straight to the table (one password hash for all:
    hashing 50 passwords would only slow the test)."""
    password_hash = generate_password_hash("officer-password-1")
    users = [User(username=f"{prefix.split()[0].lower()}{commune_code}.{i:03d}",
                  full_name=f"{prefix} {i:03d}", role=Role.commune,
                  province_code=province_code, commune_code=commune_code,
                  password_hash=password_hash) for i in range(n)]
    db.session.add_all(users)
    db.session.flush()
    return users


def test_the_list_is_paged_in_vietnamese_order(client, db, login_as):
    _officers(db, USERS_PER_PAGE + 5)
    admin = login_as(make_user(Role.admin, full_name="Ông Quản Trị"))
    first = _rows(client, "/users")
    second = _rows(client, "/users?page=2")
    assert len(first) == USERS_PER_PAGE
    everyone = db.session.scalars(db.select(User)).all()
    assert len(first) + len(second) == len(everyone)
    assert not set(first) & set(second)
    names = first + second
    assert names == sorted(names, key=vn_sort_string)
    assert admin.full_name in names
    page = client.get("/users").get_data(as_text=True)
    assert f"Tổng số: {len(everyone)} tài khoản" in page
    assert 'href="/users?page=2"' in page
    assert _rows(client, "/users?page=99") == []  # past the end: an empty page, not an error


def test_vietnamese_order_puts_plain_letters_before_marked_ones(client, db, login_as):
    for name in ("Đỗ Văn Bình", "Ánh Trần", "Anh Trần", "Dương Thị Lan", "Anh Nguyễn"):
        make_user(Role.commune, commune_code=VAN_DON, full_name=name)
    login_as(make_user(Role.province, province_code=QUANG_NINH, full_name="Văn phòng"))
    # Letters first (d before đ), then the tones: Anh before Ánh.
    assert _rows(client, "/users?role=commune") == [
        "Anh Nguyễn", "Anh Trần", "Ánh Trần", "Dương Thị Lan", "Đỗ Văn Bình"]


def test_filters_by_role_status_and_province_and_keeps_them_in_the_page_links(
        client, db, login_as):
    _officers(db, USERS_PER_PAGE + 1)
    locked = make_user(Role.commune, commune_code=HA_LONG, full_name="Người Bị Khóa")
    locked.is_active_account = False
    lam_dong = make_user(Role.commune, commune_code=DI_LINH, full_name="Người Lâm Đồng")
    office = make_user(Role.province, province_code=QUANG_NINH, full_name="Văn phòng tỉnh")
    login_as(make_user(Role.ministry, full_name="Văn phòng Bộ"))
    assert _rows(client, "/users?role=province") == [office.full_name]
    assert _rows(client, "/users?active=0") == [locked.full_name]
    assert locked.full_name not in _rows(client, "/users?active=1&role=commune&page=2")
    assert _rows(client, f"/users?province={LAM_DONG}") == [lam_dong.full_name]
    commune = _rows(client, "/users?role=commune") + _rows(client, "/users?role=commune&page=2")
    assert len(commune) == USERS_PER_PAGE + 3
    assert {lam_dong.full_name, locked.full_name} <= set(commune)
    page = client.get(f"/users?role=commune&active=1&province={QUANG_NINH}").get_data(
        as_text=True)
    assert f'href="/users?page=2&amp;role=commune&amp;province={QUANG_NINH}&amp;active=1"' \
        in page
    # An unknown value filters nothing (and is not an error).
    assert len(_rows(client, "/users?role=nobody&active=x&province=99")) == USERS_PER_PAGE


def test_search_matches_words_without_accents_whole_words_first_and_usernames(
        client, db, login_as):
    make_user(Role.commune, commune_code=VAN_DON, full_name="Lê Thị Anh")
    make_user(Role.commune, commune_code=VAN_DON, full_name="Trần Văn An")
    make_user(Role.commune, commune_code=VAN_DON, full_name="Phạm Minh Tuấn",
              username="tuan.vandon")
    login_as(make_user(Role.admin, full_name="Hệ thống"))
    assert _rows(client, "/users?q=an") == ["Trần Văn An", "Lê Thị Anh", "Phạm Minh Tuấn"]
    # every word in the name or the login (search_text): Tuấn's login "tuan.vandon" holds
    # both, but the whole words of the name come first
    assert _rows(client, "/users?q=VĂN an") == ["Trần Văn An", "Phạm Minh Tuấn"]
    assert _rows(client, "/users?q=thi anh") == ["Lê Thị Anh"]
    assert _rows(client, "/users?q=tuan.van") == ["Phạm Minh Tuấn"]
    assert _rows(client, "/users?q=50%25") == []  # % is taken literally


@pytest.mark.parametrize("url", ["/users", "/users?page=2", f"/users?province={LAM_DONG}",
                                 "/users?q=can bo", "/users?role=commune&active=1"])
def test_a_province_office_sees_only_its_provinces_users(client, db, login_as, url):
    _officers(db, USERS_PER_PAGE + 2)  # Quảng Ninh: two pages
    _officers(db, 3, commune_code=DI_LINH, province_code=LAM_DONG)
    login_as(make_user(Role.province, province_code=QUANG_NINH, full_name="Văn phòng"))
    in_province = {u.full_name for u in db.session.scalars(
        db.select(User).filter_by(province_code=QUANG_NINH))}
    rows = _rows(client, url)
    assert set(rows) <= in_province
    if url != f"/users?province={LAM_DONG}":
        assert rows
    else:  # the province filter is for national roles: the office's own list, unchanged
        assert rows == _rows(client, "/users")
    page = client.get(url).get_data(as_text=True)
    assert 'name="province"' not in page  # no province filter offered


def test_a_commune_officer_sees_only_its_communes_users(client, db, login_as):
    _officers(db, 2, commune_code=HA_LONG)
    mine = _officers(db, 2, commune_code=VAN_DON, prefix="Xã Vân Đồn")
    officer = login_as(make_user(Role.commune, commune_code=VAN_DON, full_name="Tôi"))
    assert set(_rows(client, "/users")) == {officer.full_name, *(u.full_name for u in mine)}


def test_the_name_keys_follow_the_name(db):
    user = make_user(Role.commune, commune_code=VAN_DON, full_name="Đặng Thu Thảo")
    assert (user.search_text, user.name_sort) == (f"dang thu thao {user.username}",
                                                  vn_sort_string("Đặng Thu Thảo"))
    user.full_name = "Ngô Bảo Châu"
    assert user.search_text == fold(f"Ngô Bảo Châu {user.username}")
    assert user.name_sort == vn_sort_string("Ngô Bảo Châu")
