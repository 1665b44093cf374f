"""Error pages in the person's language, JSON for the API, and the language switch."""
import pytest

from ocop_rating.accounts.roles import Role
from tests.conftest import form_post
from tests.factories import make_user


def test_404_in_vietnamese_then_english(client):
    response = client.get("/khong-co")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)
    form_post(client, "/language", {"lang": "en", "next": "/login"}, form_page="/login")
    response = client.get("/khong-co")
    assert "Page not found" in response.get_data(as_text=True)
    assert 'lang="en"' in client.get("/login").get_data(as_text=True)


def test_403_page(client, db, login_as):
    login_as(make_user(Role.producer, commune_code="06994"))
    response = client.get("/users")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.get_data(as_text=True)


def test_500_shows_no_trace(database_url, tmp_path):
    from tests.conftest import make_test_app

    app = make_test_app(database_url, tmp_path, TESTING=False)

    @app.get("/__boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/__boom")
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Lỗi hệ thống" in text and "secret internals" not in text and "Traceback" not in text


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.is_json and response.json["error"]["status"] == 404


def test_static_assets_are_served_locally(client):
    page = client.get("/login").get_data(as_text=True)
    assert "cdn." not in page and "jsdelivr" not in page
    assert client.get("/bootstrap/static/css/bootstrap.min.css").status_code == 200


@pytest.mark.parametrize("value,expected", [
    ("2026-03-07", "07/03/2026"),
])
def test_dates_are_dd_mm_yyyy(app, value, expected):
    from datetime import date, datetime, timezone

    from ocop_rating.i18n import format_date, format_datetime

    with app.test_request_context():
        assert format_date(date.fromisoformat(value)) == expected
        # 20:30 UTC is 03:30 the next morning in Vietnam (UTC+7)
        assert format_datetime(datetime(2026, 3, 6, 20, 30, tzinfo=timezone.utc)) == \
            "07/03/2026 03:30"
