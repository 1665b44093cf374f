"""Notifications: a list in the application and an e-mail to each addressee.

``notify`` adds rows to the caller's transaction. The e-mails go out only AFTER that
transaction commits (never before, never after a rollback): a session listener collects the
ids of new notifications at each flush, forgets them on rollback, and after the commit sends
each e-mail and records the outcome (``emailed_at`` or ``email_error`` and
``email_attempts``) in its own short transaction. A broken or slow mail server is logged and
recorded, never raised into the request that caused the notification.
``deliver_pending`` (``flask ocop deliver-notifications``, run from cron) retries what failed.

Links in e-mails are absolute only when the site's address is known from configuration
(``PUBLIC_BASE_URL``, or ``SERVER_NAME``) or from the request that caused the e-mail — in
production only when ``TRUSTED_HOSTS`` is set: a forged Host header must never put a foreign
link in a message to someone else. A cron job without configuration sends no link.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from flask import current_app
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..db import db, utcnow
from ..errors import NotAllowed
from ..i18n import user_language
from ..mail import MailError, send_email
from ..urls import is_production, safe_next, site_base_url
from .models import Notification

MAX_EMAIL_ATTEMPTS = 5
# deliver_pending leaves a fresh, never-tried notification to the sender running right after
# its commit, so a cron run at the same moment does not e-mail it twice.
IN_FLIGHT_GRACE = timedelta(minutes=2)
_KIND = re.compile(r"^[a-z][a-z0-9_.-]{0,39}$")
_PENDING = "ocop_notifications_to_email"  # key in Session.info
Text = str | LazyString  # a message for one addressee: rendered in their language


# --- creating and reading ---------------------------------------------------------------

def notify(users: Iterable[User], *, kind: str, subject: Text, body: Text,
           link: str | None = None, actor: User | None = None) -> list[Notification]:
    """Add one notification per distinct active user in ``users``; flush; return them.

    ``kind`` is a short code ("dossier_returned"); ``subject`` and ``body`` are the text the
    person reads: give them as lazy messages (``_l("…", x=…)``, numbers through
    ``i18n.lazy_points``) and each addressee's copy is rendered in that person's language
    (``User.locale``, Vietnamese by default), whoever caused it; a plain ``str`` is stored
    as it is for everyone. ``link`` a same-site path such as "/dossiers/12", or None.
    ``actor`` (who caused it) is accepted for the uniform service signature: the audited
    change that triggers a notification already records who did it. The e-mails are sent
    after the caller's commit. A bad ``kind`` or ``link`` is a programming error
    (``ValueError``), not a person's.
    """
    if not _KIND.match(kind or ""):
        raise ValueError(f"notification kind must be a short code, got {kind!r}")
    if link is not None and (safe_next(link) != link or len(link) > 500):
        raise ValueError(f"notification link must be a same-site path, got {link!r}")
    rows: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.id in seen or not user.is_active_account:
            continue
        seen.add(user.id)
        with force_locale(user_language(user)):
            text_subject, text_body = _subject_line(str(subject or "")), str(body or "")
        rows.append(Notification(user_id=user.id, kind=kind, subject=text_subject,
                                 body=text_body, link=link, email_attempts=0))
    db.session.add_all(rows)
    db.session.flush()
    return rows


def _subject_line(subject: str) -> str:
    subject = " ".join(subject.split())
    return subject[:254] + "…" if len(subject) > 255 else subject


def notifications_of(user: User):
    """The user's notifications, newest first (a SELECT to paginate)."""
    return (db.select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc()))


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(
        db.select(db.func.count()).select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_read(notification: Notification, *, actor: User) -> None:
    """Mark one's own notification read (reading it twice keeps the first time)."""
    if not notification.can_view(actor):
        raise NotAllowed(_("Bạn không thể thao tác trên thông báo của người khác."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()


def mark_all_read(user: User, *, actor: User) -> int:
    """Mark every unread notification of ``user`` read; only the user may. Returns how many."""
    if getattr(actor, "id", None) != user.id:
        raise NotAllowed(_("Bạn không thể thao tác trên thông báo của người khác."))
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()))
    return result.rowcount or 0


# --- e-mail -----------------------------------------------------------------------------

def _site_url() -> str | None:
    config = current_app.config
    return site_base_url(trust_request=not is_production(config)
                         or bool(config.get("TRUSTED_HOSTS")))


def render_email(notification: Notification, user: User) -> tuple[str, str, str]:
    """(subject, text, html) of the e-mail for ``notification``, in the user's language."""
    locale = user_language(user)
    with force_locale(locale):
        site = _site_url()
        url = site + notification.link.lstrip("/") if site and notification.link else None
        greeting = _("Kính gửi %(name)s,", name=user.full_name)
        if url:
            action = _("Xem chi tiết: %(url)s", url=url)
        else:
            action = _("Đăng nhập hệ thống OCOP để xem chi tiết.")
        footer = _("Thư này được gửi tự động từ Hệ thống đánh giá, phân hạng OCOP. "
                   "Vui lòng không trả lời thư này.")
        text = "\n\n".join([greeting, notification.body.strip(), action, "-- \n" + footer])
        html = current_app.jinja_env.get_template("notifications/email.html").render(
            notification=notification, greeting=greeting, url=url, footer=footer,
            lang=locale)
    return f"[OCOP] {notification.subject}", text, html


def _email_notifications(ids: list[int]) -> tuple[int, int]:
    """E-mail each notification in ``ids`` that still needs it, one short transaction each
    (on PostgreSQL the row is locked while sending, so two senders never send it twice).
    Stops trying once the server is unreachable: the rest wait for ``deliver_pending``."""
    if not ids:
        return 0, 0
    if not current_app.config.get("MAIL_SERVER"):
        current_app.logger.info("MAIL_SERVER not set: %d notification e-mail(s) left pending",
                                len(ids))
        return 0, 0
    sent = failed = 0
    with Session(db.engine, expire_on_commit=False) as session:
        for notification_id in ids:
            with session.begin():
                row = session.execute(
                    select(Notification, User).join(User, User.id == Notification.user_id)
                    .where(Notification.id == notification_id,
                           Notification.emailed_at.is_(None),
                           Notification.email_attempts < MAX_EMAIL_ATTEMPTS)
                    .with_for_update(of=Notification, skip_locked=True)).first()
                if row is None:
                    continue  # rolled back, already sent, given up, or being sent elsewhere
                notification, user = row
                if not (user.email and user.is_active_account):
                    continue
                notification.email_attempts += 1
                try:
                    subject, text, html = render_email(notification, user)
                    send_email([user.email], subject, text, html)
                except Exception as e:  # a template or mail failure must not break the caller
                    failed += 1
                    notification.email_error = f"{type(e).__name__}: {e}"[:2000]
                    current_app.logger.warning("E-mail of notification %s to user %s failed "
                                               "(attempt %d): %s", notification.id, user.id,
                                               notification.email_attempts, e)
                    if isinstance(e, MailError) and e.unreachable:
                        break
                else:
                    sent += 1
                    notification.emailed_at = utcnow()
                    notification.email_error = None
    return sent, failed


def deliver_pending(limit: int = 200) -> tuple[int, int]:
    """Retry the e-mails of notifications never e-mailed: unread, to an active user with an
    address, fewer than ``MAX_EMAIL_ATTEMPTS`` tries, and not created in the last two
    minutes unless already tried once. Returns (sent, failed). Commits each outcome itself
    (an e-mail sent cannot be unsent, so its record must not wait for anyone's commit).
    Run one at a time (cron); on PostgreSQL concurrent runs are safe anyway."""
    cutoff = utcnow() - IN_FLIGHT_GRACE
    with Session(db.engine) as session:
        ids = list(session.scalars(
            select(Notification.id).join(User, User.id == Notification.user_id)
            .where(Notification.emailed_at.is_(None), Notification.read_at.is_(None),
                   Notification.email_attempts < MAX_EMAIL_ATTEMPTS,
                   User.email.is_not(None), User.email != "", User.is_active_account.is_(True),
                   or_(Notification.email_attempts > 0, Notification.created_at <= cutoff))
            .order_by(Notification.id).limit(limit)))
    return _email_notifications(ids)


# --- the after-commit hook --------------------------------------------------------------

def _collect_new(session, flush_context) -> None:
    # after_flush: session.new still lists what was just inserted, now with ids.
    ids = [obj.id for obj in session.new if isinstance(obj, Notification)]
    if ids:
        session.info.setdefault(_PENDING, set()).update(ids)


def _forget_on_rollback(session, previous_transaction) -> None:
    # A rolled-back savepoint may leave ids of rows that never committed: those are skipped
    # when sending (the row is not there). A rollback of the whole transaction forgets all.
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


def _send_after_commit(session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint was released; the real commit is still to come
    ids = session.info.pop(_PENDING, None)
    if not ids:
        return
    try:
        _email_notifications(sorted(ids))
    except Exception:  # the commit succeeded: the request must not fail now
        current_app.logger.exception("Sending notification e-mails after commit failed; "
                                     "deliver-notifications will retry")


_LISTENERS = (("after_flush", _collect_new), ("after_soft_rollback", _forget_on_rollback),
              ("after_commit", _send_after_commit))


def install_listeners() -> None:
    """Attach the hooks to Flask-SQLAlchemy's session class, once per process."""
    for name, listener in _LISTENERS:
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
