"""Shared steps of the surveillance tests: a real JPEG, the report form read like a browser
does (CSRF and the signed start time), and a client logged in as someone."""
from __future__ import annotations

import io
import re

from PIL import Image

from tests.conftest import form_post
from tests.factories import DEFAULT_PASSWORD

STARTED_RE = re.compile(r'name="started"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="started"')
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def jpeg_bytes(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, format="JPEG")
    return out.getvalue()


def report_form_values(client, url: str) -> dict:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    started = STARTED_RE.search(html)
    assert started, "no start stamp in the report form"
    return {"csrf_token": CSRF_RE.search(html).group(1),
            "started": started.group(1) or started.group(2)}


def file_report(client, *, token: str | None = None, photos=(), **fields):
    """Fill and send the public report form; returns the response."""
    url = "/report" + (f"?certificate={token}" if token else "")
    data = report_form_values(client, url)
    data.update({"kind": "counterfeit", "description": "Hàng bày bán ghi OCOP 4 sao nhưng "
                 "bao bì khác hẳn mẫu đã công nhận.", "place": "Chợ Cái Rồng, Vân Đồn",
                 "seen_on": "", "contact": "0912 345 678", "website": ""})
    if token:
        data["certificate"] = token
    data.update(fields)
    if photos:
        data["photos"] = [(io.BytesIO(content), name) for name, content in photos]
    return client.post(url, data=data, content_type="multipart/form-data")


def logged_in(app, db, user, password: str = DEFAULT_PASSWORD):
    """A separate browser-like client logged in as ``user``."""
    db.session.commit()
    client = app.test_client()
    response = form_post(client, "/login", {"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client
