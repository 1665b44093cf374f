"""A real SMTP server for tests (aiosmtpd on 127.0.0.1), no mock of smtplib.

``smtp_server`` starts a server on a free port and points the session ``app`` at it for
one test. It keeps each message received, parsed as ``email.message.EmailMessage``::

    def test_x(smtp_server):
        ...
        [message] = smtp_server.wait_for(1)
        assert message["Subject"] == "…"
"""
from __future__ import annotations

import contextlib
import email
import email.policy
import socket
import threading
import time
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """What the test sees: the address, the messages and their envelopes."""

    host = "127.0.0.1"

    def __init__(self, app):
        self.app = app
        self.messages: list[EmailMessage] = []
        self.envelopes = []
        self._changed = threading.Condition()
        self._controller: Controller | None = None
        self.port = 0

    # aiosmtpd handler hook, run on the server's thread
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
        with self._changed:
            self.messages.append(message)
            self.envelopes.append(envelope)
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def start(self) -> None:
        error = None
        for _ in range(5):  # a free port can be taken between probing and binding
            port = free_port()
            controller = Controller(self, hostname=self.host, port=port)
            try:
                controller.start()
            except Exception as e:  # noqa: BLE001
                error = e
            else:
                self._controller, self.port = controller, port
                return
        raise RuntimeError(f"could not start the test SMTP server: {error}")

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 5.0) -> list[EmailMessage]:
        """The messages once at least ``count`` arrived; fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} e-mail(s), received "
                                         f"{len(self.messages)}")
                self._changed.wait(left)
            return list(self.messages)

    def recipients(self) -> list[str]:
        return [rcpt for envelope in self.envelopes for rcpt in envelope.rcpt_tos]

    @contextlib.contextmanager
    def unreachable(self, app=None):
        """Point the app at a port where nothing listens (the mail server is down)."""
        target = app or self.app
        saved = target.config["MAIL_PORT"]
        target.config["MAIL_PORT"] = free_port()
        try:
            yield
        finally:
            target.config["MAIL_PORT"] = saved

    def configure(self, app) -> None:
        """Point another application (built in a test) at this server too."""
        app.config.update(MAIL_SERVER=self.host, MAIL_PORT=self.port)


@pytest.fixture()
def smtp_server(app):
    server = SMTPServer(app)
    server.start()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    server.configure(app)
    try:
        yield server
    finally:
        app.config.update(saved)
        server.stop()
