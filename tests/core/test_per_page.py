"""Rows per page on every paged office list (ocop_rating/paging.py).

Each list keeps its default page size; ``?per_page=N`` shows at most N rows (bounded by
``MAX_PER_PAGE``), its pager links and its "Số dòng mỗi trang" select keep N, and a value that
is not a whole number of at least 1 falls back to the default without an error. The lists are
fetched on a generated dataset (``suite``: 150 producers) with, added to it, enough market
reports, notifications and re-evaluation plans for a second page."""
from __future__ import annotations

import html as html_lib
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from ocop_rating.db import db
from ocop_rating.paging import CHOICES, MAX_PER_PAGE, Paging, per_page_of, read_paging
from tests.conftest import drop_database, form_post, fresh_database_url, make_test_app

PASSWORD = "ocop-generated-13"
EXTRA = 7  # reports, notifications and plans added: more than one page of 5


# -- the reading itself ------------------------------------------------------------------------

@pytest.mark.parametrize("raw,expected", [
    (None, 50), ("", 50), ("  ", 50), ("abc", 50), ("0", 50), ("-3", 50), ("+5", 50),
    ("5.0", 50), ("1e3", 50), ("٥", 50), ("12345678901234567890", 50),
    ("1", 1), ("5", 5), (" 25 ", 25), ("100", 100), ("101", 100), ("1000", 100),
])
def test_per_page_is_bounded_or_the_default(raw, expected):
    assert per_page_of(raw, 50) == expected


def test_the_registry_and_the_api_share_the_bound():
    from ocop_rating.api import v1
    from ocop_rating.public import query

    assert query.MAX_PER_PAGE is MAX_PER_PAGE and v1.MAX_PER_PAGE is MAX_PER_PAGE
    assert max(CHOICES) == MAX_PER_PAGE


def test_paging_keeps_only_a_size_that_is_not_the_default(app):
    with app.test_request_context("/?page=3&per_page=25"):
        paging = read_paging(50)
    assert paging == Paging(page=3, per_page=25, default=50)
    assert paging.keep({"q": "tra"}) == {"q": "tra", "per_page": 25}
    default = read_paging(50, MultiDict({"page": "x", "per_page": "50"}))
    assert default == Paging(page=1, per_page=50, default=50)
    assert default.keep({"q": "tra"}) == {"q": "tra"}
    # the select offers the usual sizes, the list's default and the size in force
    assert Paging(1, 7, 11).choices == [7, 11, 25, 50, 100]


# -- every paged list --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from ocop_rating.accounts.models import User
    from ocop_rating.certificates.models import Certificate
    from ocop_rating.generate import generate
    from ocop_rating.geo.services import import_units
    from ocop_rating.legaltime import legal_today
    from ocop_rating.oversight import services as oversight
    from ocop_rating.oversight.models import OversightSheet
    from ocop_rating.reevaluation.services import create_plan
    from ocop_rating.surveillance.models import ReportKind
    from ocop_rating.surveillance.services import file_report

    url = fresh_database_url(tmp_path_factory, "per_page")
    app = make_test_app(url, tmp_path_factory.mktemp("instance_per_page"))
    try:
        with app.app_context():
            upgrade()
            import_units()
            db.session.commit()
            generate("suite", seed=13)
            db.session.commit()
            province = db.session.execute(
                select(Certificate.province_code, func.count())
                .group_by(Certificate.province_code)
                .order_by(func.count().desc(), Certificate.province_code).limit(1)).one()[0]
            office = db.session.scalar(select(User).filter_by(username=f"gen.{province}.office"))
            today = legal_today()
            for n in range(EXTRA):
                # one to the ministry and one to the province each time: open reports for
                # both offices, and a notification for each of their officers
                for where in (None, province):
                    file_report(kind=ReportKind.counterfeit, certificate=None,
                                province_code=where, product_text=f"Sản phẩm {n}",
                                description="Hàng giả nhãn OCOP", place="Chợ", seen_on=today)
                create_plan(province_code=province, name=f"Kế hoạch {n}",
                            period_from=date(2027, 1, 1) + timedelta(days=40 * n),
                            period_to=date(2027, 1, 31) + timedelta(days=40 * n), actor=office)
            db.session.commit()
            oversight.sync()
            db.session.commit()
            member = db.session.execute(
                select(OversightSheet.member_id, func.count()).group_by(OversightSheet.member_id)
                .order_by(func.count().desc(), OversightSheet.member_id).limit(1)).one()[0]
        clients = {}
        for who, username in (("ministry", "gen.tw.office"),
                              ("province", f"gen.{province}.office")):
            client = app.test_client()
            response = form_post(client, "/login", {"username": username, "password": PASSWORD})
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
            clients[who] = client
        yield {"clients": clients, "member": member}
    finally:
        with app.app_context():
            db.engine.dispose()
        drop_database(url)


TBODY = re.compile(r"<tbody[^>]*>(.*?)</tbody>", re.DOTALL)


def rows_per_table(page: str, path: str) -> list[int]:
    """The data rows of each table (not the "nothing here" row); notifications are a list."""
    if path.startswith("/notifications/"):
        return [page.count('id="notification-')]
    return [len(re.findall(r"<tr[\s>]", body)) - len(re.findall(r"<tr>\s*<td colspan", body))
            for body in TBODY.findall(page)]


def links(page: str, path: str) -> list[dict]:
    """The query arguments of every link of ``page`` to ``path``."""
    out = []
    for href in re.findall(r'href="([^"]+)"', page):
        parts = urlsplit(html_lib.unescape(href))
        if parts.path == path and parts.query:
            out.append({k: v[0] for k, v in parse_qs(parts.query).items()})
    return out


# (who, list, default page size); the oversight member's page is filled in from the fixture.
LISTS = [
    ("ministry", "/certificates/", 100), ("province", "/certificates/", 100),
    ("ministry", "/certificates/decisions/", 50), ("ministry", "/dossiers/", 50),
    ("province", "/dossiers/", 50), ("ministry", "/producers/", 50),
    ("ministry", "/surveillance/", 100), ("province", "/surveillance/", 100),
    ("ministry", "/reevaluation/", 100), ("ministry", "/reevaluation/?section=lapsed", 100),
    ("ministry", "/reevaluation/inspections/", 100), ("ministry", "/reevaluation/plans/", 100),
    ("province", "/reevaluation/plans/", 100), ("ministry", "/audit/", 50),
    ("province", "/audit/", 50), ("ministry", "/users", 50), ("province", "/users", 50),
    ("ministry", "/notifications/", 50), ("province", "/notifications/", 50),
    ("ministry", "/oversight/members/{member}", 50),
]


def fetch(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def with_args(url: str, **args) -> str:
    return url + ("&" if "?" in url else "?") + "&".join(f"{k}={v}" for k, v in args.items())


@pytest.mark.parametrize("who,url,default", LISTS, ids=[f"{w}:{u}" for w, u, _d in LISTS])
def test_rows_per_page(site, who, url, default):
    client = site["clients"][who]
    url = url.format(member=site["member"])
    path = urlsplit(url).path
    base = parse_qs(urlsplit(url).query)
    page = fetch(client, url)
    shown = rows_per_table(page, path)
    assert max(shown) > 5, f"{url}: {shown} rows, too few for the test to mean anything"
    assert max(shown) <= default

    five = fetch(client, with_args(url, per_page=5))
    assert 0 < max(rows_per_table(five, path)) <= 5
    assert '<option value="5" selected>' in five  # the select shows the size in force
    # the pager keeps per_page (and the list's own arguments) on every page link
    pages = [a for a in links(five, path) if "page" in a]
    assert any(a["page"] == "2" for a in pages), f"{url}: no link to page 2"
    for args in pages:
        assert args.get("per_page") == "5", (url, args)
        assert all(args.get(k) == v[0] for k, v in base.items()), (url, args)
    second = fetch(client, with_args(url, per_page=5, page=2))
    assert 0 < max(rows_per_table(second, path)) <= 5

    # the default size is not written into the links
    assert all("per_page" not in a for a in links(page, path) if "page" in a)
    for bad in ("0", "-3", "abc", "%20"):
        assert rows_per_table(fetch(client, with_args(url, per_page=bad)), path) == shown, bad
    bounded = fetch(client, with_args(url, per_page=1000))
    assert max(rows_per_table(bounded, path)) <= MAX_PER_PAGE
    assert max(rows_per_table(bounded, path)) >= max(shown)
    # a list without a filter form offers the choice only when it has more than one size's
    # worth of rows or a size other than its default is in force
    assert 'name="per_page"' not in bounded or f'<option value="{MAX_PER_PAGE}" selected>' \
        in bounded


def test_the_pipeline_sections_keep_the_size(site):
    """The section tabs of the re-evaluation pipeline keep per_page, as the filters do."""
    page = fetch(site["clients"]["ministry"], "/reevaluation/?per_page=5")
    tabs = [a for a in links(page, "/reevaluation/") if "section" in a and "page" not in a]
    assert {a["section"] for a in tabs} >= {"window", "late", "extended", "lapsed"}
    assert all(a.get("per_page") == "5" for a in tabs)


def test_the_filter_form_sends_the_size_with_its_button(site):
    """The select is part of the list's GET filter form: no script submits it."""
    page = fetch(site["clients"]["ministry"], "/producers/?per_page=25&q=a")
    form = re.search(r'<form class="row g-2 mb-3" method="get">(.*?)</form>', page, re.DOTALL)
    assert form and 'name="per_page"' in form.group(1) and 'name="q"' in form.group(1)
    assert "<script" not in form.group(1) and "onchange" not in form.group(1)
    assert '<option value="25" selected>' in form.group(1)
