"""The foundation in a real browser: logging in and out, the language switch, creating and
deactivating accounts, the navigation on a tablet, and assets served by the app itself."""
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from ocop_rating.accounts.roles import Role
from ocop_rating.accounts.services import find_user
from ocop_rating.geo.services import communes_of
from tests.browser.conftest import expect_http_error, login
from tests.conftest import committed
from tests.factories import DEFAULT_PASSWORD, HA_LONG, QUANG_NINH, VAN_DON, make_user

pytestmark = pytest.mark.browser


def nav_link(page, name):
    return page.get_by_role("navigation").get_by_role("link", name=name, exact=True)


def nav_open(page, group):
    """Open a group of the top menu (a dropdown button)."""
    page.get_by_role("navigation").get_by_role("button", name=group, exact=True).click()


def test_login_page_speaks_vietnamese_by_default(page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page).to_have_title(re.compile(r"^Đăng nhập"))
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    expect(page.get_by_label("Mật khẩu", exact=True)).to_be_visible()
    # Anonymous visitors switch language by a link (no form: public pages stay cacheable).
    current = page.get_by_role("link", name="Tiếng Việt")
    expect(current).to_have_class(re.compile(r"btn-light"))
    expect(current).to_have_attribute("aria-current", "true")


def test_wrong_password_is_explained_beside_the_field_and_the_username_kept(page, db):
    user = make_user(Role.province)
    db.session.commit()
    expect_http_error(page, 422, "/login")
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu", exact=True).fill("wrong-password")
    page.get_by_role("button", name="Đăng nhập").click()

    password = page.get_by_label("Mật khẩu", exact=True)
    expect(page.locator("#password ~ .invalid-feedback")).to_have_text(
        "Tên đăng nhập hoặc mật khẩu không đúng. Nếu đã nhập sai nhiều lần, vui lòng đợi ít "
        "phút rồi thử lại.")
    expect(password).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(password).to_have_value("")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value(user.username)


def test_correct_login_lands_on_the_dashboard_and_the_user_menu_logs_out(page, db):
    user = make_user(Role.province, full_name="Nguyễn Thị Hoa")
    login(page, user)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("alert")).to_contain_text("Xin chào Nguyễn Thị Hoa!")
    expect(page.get_by_text("Văn phòng OCOP tỉnh — Quảng Ninh")).to_be_visible()
    expect(page.get_by_role("button", name="Mở menu")).to_be_hidden()  # desktop: no toggler

    menu = page.get_by_role("button", name="Nguyễn Thị Hoa")
    log_out = page.get_by_role("button", name="Đăng xuất")
    expect(log_out).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    log_out.click()

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("alert")).to_contain_text("Bạn đã đăng xuất.")
    page.goto("/users")  # the session really ended
    expect(page).to_have_url(re.compile(r"/login\?next=/users$"))
    expect(page.get_by_role("alert")).to_contain_text("Vui lòng đăng nhập để tiếp tục.")


def test_english_sticks_across_pages_and_vietnamese_comes_back(page, db):
    user = make_user(Role.province, full_name="Trần Văn Nam")
    db.session.commit()
    page.goto("/login")
    page.get_by_role("link", name="English").click()

    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello, Trần Văn Nam")).to_be_visible()
    nav_open(page, "Admin")
    nav_link(page, "Users").click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=user.username)).to_contain_text(
        "Provincial OCOP office")

    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page).to_have_url(re.compile(r"/users$"))  # back on the same page
    expect(page.get_by_role("heading", name="Người dùng")).to_be_visible()
    nav_link(page, "Trang chính").click()
    expect(page.get_by_role("heading", name="Xin chào, Trần Văn Nam")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_province_office_creates_a_commune_officer_through_the_cascading_select(page, db):
    office = make_user(Role.province, province_code=QUANG_NINH)
    communes_of_quang_ninh = len(communes_of(QUANG_NINH))
    login(page, office)
    nav_open(page, "Quản trị")
    nav_link(page, "Người dùng").click()
    page.get_by_role("link", name="Tạo tài khoản").click()
    page.wait_for_url("**/users/new")  # loaded, scripts included: the cascade is wired

    page.get_by_label("Tên đăng nhập").fill("xa.vandon2")
    page.get_by_label("Họ và tên").fill("Lê Thị Vân")
    page.get_by_label("Vai trò").select_option(label="Cán bộ cấp xã")
    province, commune = page.get_by_label("Tỉnh/thành phố"), page.get_by_label("Xã/phường")
    province.select_option("")
    expect(commune.locator("option")).to_have_count(1)  # only "— Chọn xã/phường —"
    with page.expect_response(f"**/geo/provinces/{QUANG_NINH}/communes.json") as fetched:
        province.select_option(label="Quảng Ninh")
    assert fetched.value.ok
    expect(commune.locator("option")).to_have_count(1 + communes_of_quang_ninh)
    commune.select_option(label="Đặc khu Vân Đồn")
    expect(commune).to_have_value(VAN_DON)
    page.get_by_label("Mật khẩu tạm thời").fill("tam-thoi-2026")
    page.get_by_role("button", name="Tạo tài khoản").click()

    expect(page).to_have_url(re.compile(r"/users$"))
    expect(page.get_by_role("alert")).to_contain_text("Đã tạo tài khoản xa.vandon2.")
    row = page.get_by_role("row").filter(has_text="xa.vandon2")
    for text in ("Lê Thị Vân", "Cán bộ cấp xã", "Đặc khu Vân Đồn, Quảng Ninh", "Hoạt động"):
        expect(row).to_contain_text(text)
    committed(db)
    created = find_user("xa.vandon2")
    assert (created.role, created.province_code, created.commune_code) == (
        Role.commune, QUANG_NINH, VAN_DON)
    assert created.must_change_password


def test_too_short_password_keeps_what_was_typed_and_explains_beside_the_field(page, db):
    login(page, make_user(Role.province, province_code=QUANG_NINH))
    page.goto("/users/new")
    page.get_by_label("Tên đăng nhập").fill("xa.halong2")
    page.get_by_label("Họ và tên").fill("Phạm Văn Long")
    page.get_by_label("E-mail").fill("long@example.vn")
    page.get_by_label("Vai trò").select_option(label="Cán bộ cấp xã")
    page.get_by_label("Xã/phường").select_option(label="Phường Hạ Long")
    password = page.get_by_label("Mật khẩu tạm thời")
    password.fill("ngan")
    expect_http_error(page, 422, "/users/new")
    page.get_by_role("button", name="Tạo tài khoản").click()

    expect(page.locator("#password ~ .invalid-feedback")).to_have_text(
        "Mật khẩu phải có ít nhất 10 ký tự.")
    expect(password).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_role("alert")).to_contain_text("Mật khẩu tạm thời: Mật khẩu phải có ít nhất 10")
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("xa.halong2")
    expect(page.get_by_label("Họ và tên")).to_have_value("Phạm Văn Long")
    expect(page.get_by_label("E-mail")).to_have_value("long@example.vn")
    expect(page.get_by_label("Vai trò")).to_have_value("commune")
    expect(page.get_by_label("Tỉnh/thành phố")).to_have_value(QUANG_NINH)
    expect(page.get_by_label("Xã/phường")).to_have_value(HA_LONG)
    expect(password).to_have_value("")  # a password is never sent back

    password.fill("du-dai-2026")
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_role("row").filter(has_text="xa.halong2")).to_contain_text(
        "Phường Hạ Long, Quảng Ninh")


def test_admin_deactivates_a_user_through_the_confirm_dialog(page, new_page, db):
    admin = make_user(Role.admin)
    target = make_user(Role.commune, full_name="Đỗ Minh Khoa")
    elsewhere = new_page()  # the target is logged in on another machine meanwhile
    login(elsewhere, target)
    login(page, admin)
    nav_open(page, "Quản trị")
    nav_link(page, "Người dùng").click()
    page.wait_for_url("**/users")  # loaded, scripts included: the confirm() is wired

    dialogs, posts = [], []
    page.on("request", lambda r: r.method == "POST" and posts.append(urlsplit(r.url).path))
    row = page.get_by_role("row").filter(has_text=target.username)
    deactivate = row.get_by_role("button", name="Khóa", exact=True)
    page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    deactivate.click()  # cancelled: nothing is sent
    expect(row).to_contain_text("Hoạt động")
    page.once("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    deactivate.click()

    expect(page.get_by_role("alert")).to_contain_text(f"Đã khóa tài khoản {target.username}.")
    expect(row).to_contain_text("Đã khóa")
    expect(row.get_by_role("button", name="Mở khóa")).to_be_visible()
    assert dialogs == ["Khóa tài khoản này?"] * 2
    assert posts == [f"/users/{target.id}/deactivate"]

    elsewhere.goto("/users")  # the open session has ended …
    expect(elsewhere).to_have_url(re.compile(r"/login\?next="))
    expect_http_error(elsewhere, 422, "/login")  # … and logging in again is refused
    elsewhere.get_by_label("Tên đăng nhập").fill(target.username)
    elsewhere.get_by_label("Mật khẩu", exact=True).fill(DEFAULT_PASSWORD)
    elsewhere.get_by_role("button", name="Đăng nhập").click()
    expect(elsewhere.locator("#password ~ .invalid-feedback")).to_contain_text("đã bị khóa")


def test_tablet_navbar_collapses_behind_the_toggler(tablet_page, db):
    member = make_user(Role.council_member, full_name="Hoàng Thu Trang")
    login(tablet_page, member)
    toggler = tablet_page.get_by_role("button", name="Mở menu")
    menu = tablet_page.get_by_role("button", name="Hoàng Thu Trang")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    expect(tablet_page.get_by_role("button", name="English")).to_be_hidden()

    toggler.tap()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(nav_link(tablet_page, "Trang chính")).to_be_visible()
    expect(tablet_page.get_by_role("button", name="English")).to_be_visible()
    menu.tap()
    tablet_page.get_by_role("button", name="Đăng xuất").tap()
    expect(tablet_page).to_have_url(re.compile(r"/login$"))


def test_css_and_javascript_are_served_by_the_app_itself(page, db, live_server):
    requests, assets = [], []

    def on_response(response):
        if response.request.resource_type in ("stylesheet", "script"):
            assets.append((urlsplit(response.url).path, response.status))

    page.on("request", lambda request: requests.append(request.url))
    page.on("response", on_response)
    login(page, make_user(Role.province))  # the login page, then the dashboard
    nav_open(page, "Quản trị")
    nav_link(page, "Người dùng").click()
    page.wait_for_url("**/users")

    assert {urlsplit(url).netloc for url in requests} == {urlsplit(live_server).netloc}
    assert {path for path, _ in assets} >= {
        "/static/app.css", "/bootstrap/static/css/bootstrap.min.css",
        "/bootstrap/static/js/bootstrap.min.js"}
    assert all(status in (200, 304) for _, status in assets)
    # … and they work: Bootstrap's script ran and both style sheets apply.
    assert page.evaluate("typeof window.bootstrap.Dropdown") == "function"
    expect(page.get_by_role("navigation")).to_have_css("background-color", "rgb(11, 93, 59)")
    expect(page.get_by_role("link", name="Tạo tài khoản")).to_have_css(
        "background-color", "rgb(13, 110, 253)")
