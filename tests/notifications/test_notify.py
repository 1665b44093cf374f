"""Notifications are e-mailed through a real SMTP server, only after the commit."""
from datetime import timedelta

import pytest
from flask import Blueprint
from flask_login import current_user, login_required

from ocop_rating.accounts.roles import Role
from ocop_rating.db import db as _db
from ocop_rating.db import utcnow
from ocop_rating.errors import NotAllowed
from ocop_rating.notifications import services as notifications
from ocop_rating.notifications.models import Notification
from tests.conftest import committed, form_post, make_test_app
from tests.factories import DEFAULT_PASSWORD, make_user

SUBJECT = "Hồ sơ “Trà hoa vàng Ba Chẽ” đã được tiếp nhận"
BODY = "UBND xã Vân Đồn đã tiếp nhận hồ sơ đánh giá sản phẩm.\nMã hồ sơ: 12 <b>"


def send_one(user, **kw) -> Notification:
    [row] = notifications.notify([user], kind="dossier_received", subject=SUBJECT, body=BODY,
                                 link="/notifications/", **kw)
    return row


def test_email_goes_out_after_the_commit_not_before(db, smtp_server):
    user = make_user(Role.producer)
    db.session.commit()
    row = send_one(user)
    notification_id = row.id
    db.session.flush()
    assert smtp_server.messages == []  # flushed but not committed: nothing sent
    db.session.commit()
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == f"[OCOP] {SUBJECT}"
    assert message["To"] == user.email and smtp_server.recipients() == [user.email]
    text = message.get_body(("plain",)).get_content()
    assert "UBND xã Vân Đồn đã tiếp nhận hồ sơ" in text and user.full_name in text
    assert "Đăng nhập hệ thống OCOP để xem chi tiết." in text  # no site address configured
    html = message.get_body(("html",)).get_content()
    assert "Mã hồ sơ: 12 &lt;b&gt;" in html  # escaped
    committed(db)
    row = db.session.get(Notification, notification_id)
    assert row.emailed_at is not None and row.email_error is None and row.email_attempts == 1


def test_nothing_is_sent_on_rollback(db, smtp_server):
    user = make_user(Role.producer)
    db.session.commit()
    send_one(user)
    db.session.flush()
    db.session.rollback()
    make_user(Role.producer)  # a later, unrelated commit
    db.session.commit()
    assert smtp_server.messages == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 0


def test_a_rolled_back_savepoint_sends_only_what_committed(db, smtp_server):
    kept, dropped = make_user(Role.producer), make_user(Role.producer)
    db.session.commit()
    savepoint = db.session.begin_nested()
    send_one(dropped)
    savepoint.rollback()
    with db.session.begin_nested():
        send_one(kept)
    assert smtp_server.messages == []  # releasing a savepoint is not the commit
    db.session.commit()
    smtp_server.wait_for(1)
    assert smtp_server.recipients() == [kept.email]


def test_one_row_per_active_user_and_no_mail_without_an_address(db, smtp_server):
    a, b = make_user(Role.producer), make_user(Role.commune)
    inactive = make_user(Role.producer)
    inactive.is_active_account = False
    b.email = None
    rows = notifications.notify([a, a, b, inactive, None], kind="test", subject="Chào",
                                body="Nội dung")
    assert sorted(r.user_id for r in rows) == sorted([a.id, b.id])
    db.session.commit()
    smtp_server.wait_for(1)
    assert smtp_server.recipients() == [a.email]
    committed(db)
    without = db.session.scalar(db.select(Notification).filter_by(user_id=b.id))
    assert without.emailed_at is None and without.email_attempts == 0
    assert notifications.deliver_pending() == (0, 0)


@pytest.mark.parametrize("kw", [
    {"kind": "Not A Code"}, {"kind": ""}, {"link": "https://evil.example/x"},
    {"link": "//evil.example/x"}, {"link": "relative/path"},
])
def test_bad_kind_or_link_is_a_programming_error(db, kw):
    user = make_user(Role.producer)
    args = {"kind": "test", "subject": "s", "body": "b", **kw}
    with pytest.raises(ValueError):
        notifications.notify([user], **args)


def test_links_are_absolute_only_with_a_configured_site_address(app, db, smtp_server):
    user = make_user(Role.producer)
    send_one(user)
    app.config["PUBLIC_BASE_URL"] = "https://ocop.example.vn"
    try:
        db.session.commit()
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    [message] = smtp_server.wait_for(1)
    assert "Xem chi tiết: https://ocop.example.vn/notifications/" in \
        message.get_body(("plain",)).get_content()
    assert 'href="https://ocop.example.vn/notifications/"' in \
        message.get_body(("html",)).get_content()


def test_email_wrapping_speaks_the_users_language(db, smtp_server):
    user = make_user(Role.producer)
    user.locale = "en"
    send_one(user)
    db.session.commit()
    [message] = smtp_server.wait_for(1)
    text = message.get_body(("plain",)).get_content()
    assert f"Dear {user.full_name}," in text and "sent automatically" in text


@pytest.fixture()
def notify_app(database_url, tmp_path, ctx):
    """An application with a test-only route whose request notifies its own user."""
    application = make_test_app(database_url, tmp_path)
    bp = Blueprint("t_notify", __name__)

    @bp.post("/t/notify")
    @login_required
    def notify_me():
        notifications.notify([current_user], kind="test", subject=SUBJECT, body=BODY)
        _db.session.commit()
        return "saved"

    application.register_blueprint(bp)
    yield application
    with application.app_context():
        _db.engine.dispose()


def test_smtp_down_never_breaks_the_request_and_the_cli_delivers_later(
        db, smtp_server, notify_app, cli):
    user = make_user(Role.producer)
    db.session.commit()
    client = notify_app.test_client()
    form_post(client, "/login", {"username": user.username, "password": DEFAULT_PASSWORD})
    smtp_server.configure(notify_app)
    with smtp_server.unreachable(notify_app):
        response = form_post(client, "/t/notify", form_page="/")
    assert response.status_code == 200 and response.get_data(as_text=True) == "saved"
    assert smtp_server.messages == []
    committed(db)
    row = db.session.scalar(db.select(Notification).filter_by(user_id=user.id))
    assert row is not None and row.emailed_at is None
    assert row.email_attempts == 1 and "cannot connect" in row.email_error

    with smtp_server.unreachable():
        down = cli("ocop", "deliver-notifications")
    assert down.exit_code == 0 and "0 sent, 1 failed" in down.output
    result = cli("ocop", "deliver-notifications")
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed" in result.output
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == f"[OCOP] {SUBJECT}"
    committed(db)
    row = db.session.get(Notification, row.id)
    assert row.emailed_at is not None and row.email_error is None and row.email_attempts == 3
    assert "0 sent, 0 failed" in cli("ocop", "deliver-notifications").output  # idempotent


def test_deliver_pending_gives_up_after_five_attempts_and_skips_read_ones(db, smtp_server):
    user = make_user(Role.producer)
    db.session.commit()
    with smtp_server.unreachable():
        tired, read = send_one(user), send_one(user)
        db.session.commit()
    tired.email_attempts = notifications.MAX_EMAIL_ATTEMPTS
    read.read_at = utcnow()
    db.session.commit()
    assert notifications.deliver_pending() == (0, 0)
    assert smtp_server.messages == []


def test_deliver_pending_leaves_fresh_untried_rows_to_the_after_commit_sender(app, db,
                                                                              smtp_server):
    user = make_user(Role.producer)
    db.session.commit()
    saved = app.config["MAIL_SERVER"]
    app.config["MAIL_SERVER"] = ""  # mail not configured: nothing tried, rows stay pending
    try:
        row = send_one(user)
        db.session.commit()
    finally:
        app.config["MAIL_SERVER"] = saved
    assert row.email_attempts == 0
    assert notifications.deliver_pending() == (0, 0)  # too fresh: may be in flight
    row.created_at = utcnow() - notifications.IN_FLIGHT_GRACE - timedelta(seconds=1)
    db.session.commit()
    assert notifications.deliver_pending() == (1, 0)
    smtp_server.wait_for(1)


def test_unread_count_and_marking(db):
    me, other = make_user(Role.producer), make_user(Role.producer)
    first, second = send_one(me), send_one(me)
    send_one(other)
    assert notifications.unread_count(me) == 2
    notifications.mark_read(first, actor=me)
    notifications.mark_read(first, actor=me)
    assert notifications.unread_count(me) == 1
    with pytest.raises(NotAllowed):
        notifications.mark_read(second, actor=other)
    with pytest.raises(NotAllowed):
        notifications.mark_all_read(me, actor=other)
    assert notifications.mark_all_read(me, actor=me) == 1
    assert notifications.unread_count(me) == 0 and notifications.unread_count(other) == 1


def test_deleting_a_user_deletes_their_notifications(db):
    user = make_user(Role.producer)
    send_one(user)
    db.session.commit()
    db.session.execute(db.delete(type(user)).where(type(user).id == user.id))
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 0
