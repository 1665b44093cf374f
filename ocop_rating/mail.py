"""Sending e-mail through an SMTP server (config ``MAIL_*``).

Features never call this inside their transaction: notifications are e-mailed after the
commit (``notifications.services``), so a slow or broken mail server never changes or blocks
what was saved.
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

from flask import current_app

# 7-bit transfer encodings (quoted-printable/base64) for UTF-8 bodies and RFC 2047 subjects:
# Vietnamese arrives intact through any server, with or without 8BITMIME/SMTPUTF8.
POLICY = SMTP.clone(cte_type="7bit")


class MailError(RuntimeError):
    """The message could not be handed to the SMTP server.

    Not an ``OcopError``: it is an infrastructure failure, never shown to a person as a rule
    of the domain. ``unreachable`` is true when no conversation with the server took place
    (connection refused, timeout, TLS or login failure), so later messages would fail too.
    """

    def __init__(self, message: str, *, unreachable: bool = False):
        super().__init__(message)
        self.unreachable = unreachable


def build_message(to: list[str], subject: str, text: str, html: str | None = None,
                  *, sender: str | None = None) -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    sender = sender or current_app.config["MAIL_DEFAULT_SENDER"]
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2].strip(">") or None
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(text, charset="utf-8")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def send_email(to: list[str], subject: str, text: str, html: str | None = None) -> None:
    """Send one message (plain text, plus an HTML alternative when given) to ``to``.

    Uses MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS (STARTTLS), MAIL_USERNAME/MAIL_PASSWORD and
    MAIL_DEFAULT_SENDER; MAIL_TIMEOUT (seconds, default 10) bounds every network wait.
    Raises ``MailError`` on any failure. An empty ``to`` sends nothing.
    """
    recipients = [address.strip() for address in to if address and address.strip()]
    if not recipients:
        return
    config = current_app.config
    message = build_message(recipients, subject, text, html)
    timeout = float(config.get("MAIL_TIMEOUT", 10))
    try:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=timeout)
    except (OSError, smtplib.SMTPException) as e:
        raise MailError(f"cannot connect to {config['MAIL_SERVER']}:{config['MAIL_PORT']}: {e}",
                        unreachable=True) from e
    try:
        with smtp:
            try:
                if config.get("MAIL_USE_TLS"):
                    smtp.starttls(context=ssl.create_default_context())
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            except (OSError, smtplib.SMTPException) as e:
                raise MailError(f"SMTP session setup failed: {e}", unreachable=True) from e
            refused = smtp.send_message(message, to_addrs=recipients)
    except MailError:
        raise
    except (OSError, smtplib.SMTPException) as e:
        raise MailError(f"SMTP delivery failed: {e}") from e
    if refused:
        raise MailError(f"recipients refused: {', '.join(sorted(refused))}")
