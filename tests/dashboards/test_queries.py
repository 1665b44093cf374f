"""The dashboards cost a fixed number of queries whatever the data size: the same page on
the generator's ``tiny`` (30 producers) and ``small`` (1,000 producers) data issues exactly
the same number of SQL statements, and shows the data it grew by."""
from __future__ import annotations

import re

from sqlalchemy import event

from ocop_rating.accounts.roles import Role
from ocop_rating.db import db as _db
from ocop_rating.generate import generate
from tests.conftest import _empty_tables, form_post
from tests.factories import DEFAULT_PASSWORD, make_user

PAGES = ["/statistics/", "/statistics/?province={p}", "/statistics/stars.csv?province={p}"]


def _busiest_province(db) -> str:
    from sqlalchemy import func, select

    from ocop_rating.certificates.models import Certificate

    return db.session.scalar(select(Certificate.province_code).group_by(
        Certificate.province_code).order_by(func.count().desc(), Certificate.province_code)
        .limit(1))


def _measure(app, db, scale: str):
    generate(scale, seed=5)
    user = make_user(Role.ministry)
    db.session.commit()
    province = _busiest_province(db)
    client = app.test_client()
    response = form_post(client, "/login", {"username": user.username,
                                            "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    counts, pages = [], []
    for page in PAGES:
        url = page.format(p=province)
        client.get(url)  # warm: rulebook and holiday caches, as on a running server
        statements = []

        def count(conn, cursor, statement, *args, _into=statements):
            _into.append(statement)

        engine = _db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            response = client.get(url)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, url
        counts.append(len(statements))
        pages.append(response.get_data(as_text=True))
    return counts, pages


def _recognised(page: str) -> int:
    return int(re.search(r'data-total="recognised">(\d+)<', page).group(1))


def test_query_count_does_not_grow_with_the_data(app, db):
    tiny, tiny_pages = _measure(app, db, "tiny")
    db.session.rollback()
    _empty_tables()
    db.session.commit()
    small, small_pages = _measure(app, db, "small")
    assert tiny == small
    assert max(small) <= 25, small  # a dozen aggregates, the user, the province list
    # ... and the bigger data really is on the page
    assert _recognised(small_pages[0]) > 5 * _recognised(tiny_pages[0]) > 0
