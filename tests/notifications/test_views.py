"""The notifications page: one's own only, newest first, marking read, the unread badge."""
import re
from datetime import timedelta

from ocop_rating.accounts.roles import Role
from ocop_rating.db import utcnow
from ocop_rating.notifications import services as notifications
from ocop_rating.notifications.models import Notification
from tests.conftest import committed, form_post
from tests.factories import make_user

BADGE = re.compile(r'id="unread-count">(\d+)<')


def note(user, subject, link=None, *, minutes_ago=0):
    [row] = notifications.notify([user], kind="test", subject=subject, body=f"Nội dung {subject}",
                                 link=link)
    row.created_at = utcnow() - timedelta(minutes=minutes_ago)
    return row


def badge(client) -> int:
    match = BADGE.search(client.get("/").get_data(as_text=True))
    return int(match.group(1)) if match else 0


def test_the_page_lists_only_my_notifications_newest_first(client, db, login_as):
    me, other = make_user(Role.producer), make_user(Role.producer)
    note(me, "Cũ hơn", minutes_ago=30)
    note(me, "Mới nhất", minutes_ago=1)
    note(other, "Của người khác")
    login_as(me)
    page = client.get("/notifications/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Mới nhất" in text and "Cũ hơn" in text and "Của người khác" not in text
    assert text.index("Mới nhất") < text.index("Cũ hơn")
    assert text.count("list-group-item-primary unread") == 2
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", text)  # the datetime filter


def test_mark_read_follows_a_safe_link_and_the_badge_counts_down(client, db, login_as):
    me = make_user(Role.producer)
    first = note(me, "Hồ sơ bị trả lại", link="/notifications/?page=1")
    note(me, "Thông báo khác")
    login_as(me)
    assert badge(client) == 2
    response = form_post(client, f"/notifications/{first.id}/read", form_page="/notifications/")
    assert response.status_code == 302 and response.location == "/notifications/?page=1"
    assert badge(client) == 1
    committed(db)
    assert db.session.get(Notification, first.id).read_at is not None
    text = client.get("/notifications/").get_data(as_text=True)
    assert text.count("list-group-item-primary unread") == 1


def test_an_unsafe_stored_link_is_never_followed(client, db, login_as):
    me = make_user(Role.producer)
    row = note(me, "Lạ")
    row.link = "https://evil.example/phish"  # written around the service, on purpose
    login_as(me)
    response = form_post(client, f"/notifications/{row.id}/read", form_page="/notifications/")
    assert response.status_code == 302 and response.location == "/notifications/"


def test_someone_elses_notification_cannot_be_touched(client, db, login_as):
    me, other = make_user(Role.producer), make_user(Role.producer)
    theirs = note(other, "Riêng tư")
    login_as(me)
    response = form_post(client, f"/notifications/{theirs.id}/read", form_page="/notifications/")
    assert response.status_code == 404
    assert form_post(client, "/notifications/999999/read",
                     form_page="/notifications/").status_code == 404
    committed(db)
    assert db.session.get(Notification, theirs.id).read_at is None


def test_mark_all_read_touches_only_mine(client, db, login_as):
    me, other = make_user(Role.producer), make_user(Role.producer)
    note(me, "Một")
    note(me, "Hai")
    theirs = note(other, "Ba")
    login_as(me)
    response = form_post(client, "/notifications/read-all", form_page="/notifications/")
    assert response.status_code == 302
    assert "Đã đánh dấu 2 thông báo là đã đọc." in client.get(
        response.location).get_data(as_text=True)
    assert badge(client) == 0
    committed(db)
    assert db.session.get(Notification, theirs.id).read_at is None
    assert notifications.unread_count(me) == 0


def test_state_changes_need_csrf_and_a_login(client, db, login_as):
    me = make_user(Role.producer)
    row = note(me, "Một")
    db.session.commit()
    assert client.get("/notifications/").status_code == 302  # to the login page
    login_as(me)
    assert client.post(f"/notifications/{row.id}/read").status_code == 400
    assert client.post("/notifications/read-all").status_code == 400


def test_nav_entry_and_empty_page_in_english(client, db, login_as):
    login_as(make_user(Role.commune))
    form_post(client, "/language", {"lang": "en", "next": "/notifications/"},
              form_page="/notifications/")
    text = client.get("/notifications/").get_data(as_text=True)
    assert 'href="/notifications/"' in text and ">Notifications<" in text
    assert "You have no notifications yet." in text
    assert badge(client) == 0
