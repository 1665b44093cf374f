"""Open data: the registry as CSV, JSON and a sqlite-utils SQLite file with full-text search,
built by ``ocop export-open-data`` (and the daily job), holding exactly the registry's
certificates, downloadable from the public pages."""
import csv
import hashlib
import io
import json
from datetime import date, timedelta

import pytest
import sqlite_utils

from ocop_rating.certificates.models import Certificate
from ocop_rating.opendata import build
from tests.factories import HA_LONG
from tests.public.helpers import quick_certificate, revoke


@pytest.fixture()
def out(app, tmp_path):
    folder = tmp_path / "open-data"
    app.config["OPEN_DATA_DIR"] = str(folder)
    yield folder
    app.config["OPEN_DATA_DIR"] = None


@pytest.fixture()
def certificates(db):
    coffee, _ = quick_certificate(star=4, name="Cà phê Robusta rang xay",
                                  producer_name="Hợp tác xã Cà phê Di Linh")
    sauce, office = quick_certificate(star=3, name="Nước mắm Cái Rồng",
                                      decided_on=date.today() - timedelta(days=400))
    revoke(sauce, office)
    trick, _ = quick_certificate(star=3, commune_code=HA_LONG,
                                 name='=HYPERLINK("http://evil.example/?x","bấm")')
    db.session.commit()
    return {"coffee": coffee, "sauce": sauce, "trick": trick}


def _export(app):
    result = app.test_cli_runner().invoke(args=["ocop", "export-open-data"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_sqlite_file_holds_exactly_the_registry(app, db, out, certificates):
    output = _export(app)
    issued = set(db.session.scalars(db.select(Certificate.number)))
    assert f"Open data: {len(issued)} certificates" in output
    data = sqlite_utils.Database(out / build.SQLITE_NAME)
    rows = list(data["certificates"].rows)
    assert {r["number"] for r in rows} == issued and len(rows) == len(issued)
    by_number = {r["number"]: r for r in rows}
    sauce = by_number[certificates["sauce"].number]
    assert sauce["status"] == "revoked" and sauce["revoked_on"] is not None
    assert sauce["revocation_decision"] == certificates["sauce"].revocation_decision.number
    coffee = by_number[certificates["coffee"].number]
    assert coffee["status"] == "valid" and coffee["star"] == 4
    assert coffee["decision_number"] == certificates["coffee"].decision.number
    assert coffee["verify_url"].endswith("/verify/" + certificates["coffee"].token)
    # full-text search on names, accents optional
    found = [r["number"] for r in data["certificates"].search("ca phe")]
    assert found == [certificates["coffee"].number]
    assert [r["number"] for r in data["certificates"].search("nước mắm")] == \
        [certificates["sauce"].number]
    assert {r["name"] for r in data["columns"].rows} == set(build.COLUMN_NAMES)


def test_csv_and_json_agree_and_the_csv_is_safe_to_open(app, db, out, certificates):
    _export(app)
    text = (out / build.CSV_NAME).read_text(encoding="utf-8-sig")
    reader = list(csv.reader(io.StringIO(text)))
    assert tuple(reader[0]) == build.COLUMN_NAMES
    names = [row[build.COLUMN_NAMES.index("product_name")] for row in reader[1:]]
    assert "Cà phê Robusta rang xay" in names
    assert "'=HYPERLINK(\"http://evil.example/?x\",\"bấm\")" in names   # text, not a formula
    assert not any(n.startswith("=") for n in names)
    document = json.loads((out / build.JSON_NAME).read_text(encoding="utf-8"))
    assert document["count"] == len(reader) - 1 == 3
    assert document["licence"] == "CC BY 4.0"
    assert {c["number"] for c in document["certificates"]} == \
        {row[0] for row in reader[1:]}
    # the JSON keeps the value as it is
    assert any(c["product_name"].startswith("=HYPERLINK") for c in document["certificates"])


def test_the_public_page_offers_the_files_with_their_hashes(app, client, db, out, certificates):
    page = client.get("/open-data/")
    assert page.status_code == 200
    assert "chưa được xuất bản" in page.get_data(as_text=True)
    assert client.get(f"/open-data/{build.CSV_NAME}").status_code == 404
    _export(app)
    html = client.get("/open-data/").get_data(as_text=True)
    assert "3 giấy chứng nhận" in html and "CC BY 4.0" in html
    for name in build.FILES:
        response = client.get(f"/open-data/{name}")
        assert response.status_code == 200, name
        digest = hashlib.sha256(response.data).hexdigest()
        assert digest == response.headers["X-Content-SHA256"]
        assert digest in html
        assert "attachment" in response.headers["Content-Disposition"]
    assert client.get("/open-data/manifest.json").status_code == 404
    assert client.get("/open-data/..%2Fsecret_key").status_code == 404
    # the registry links to it
    assert 'href="/open-data/"' in client.get("/registry").get_data(as_text=True)


def test_a_rebuild_replaces_the_files_and_the_daily_job_refreshes_them(app, db, out,
                                                                          certificates):
    _export(app)
    first = build.published()
    assert first.count == 3
    quick_certificate(star=3, name="Mật ong rừng")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["ocop", "daily"])
    assert result.exit_code == 0, result.output
    assert "Open data: 4 certificates published" in result.output
    again = build.published()
    assert again.count == 4
    assert sqlite_utils.Database(out / build.SQLITE_NAME)["certificates"].count == 4
    assert not any(p.name.startswith(".open-data") for p in out.parent.iterdir())
