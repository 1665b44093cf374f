"""The indexed word search (ocop_rating/search.py, migration 0028_search_index): whole words
first, then word starts, then the inside of words; accent-insensitive; words of one or two
characters still work; what is typed is never read as LIKE or FTS5 syntax; the index follows
every insert, rename and delete; the migration fills it from the rows already there and takes
it away again; and the engine really answers the search from it."""
from __future__ import annotations

import re

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from ocop_rating.accounts.models import User
from ocop_rating.accounts.roles import Role
from ocop_rating.certificates.models import Certificate
from ocop_rating.immutability import maintenance
from ocop_rating.producers import services as producers
from ocop_rating.producers.models import Gender, Producer, ProducerKind
from ocop_rating.search import fts_table, trgm_index, word_search
from ocop_rating.text import fold
from tests.conftest import drop_database, fresh_database_url, make_test_app
from tests.factories import QUANG_NINH, VAN_DON, make_producer, make_user
from tests.public.helpers import quick_certificate


def _order(html: str, names) -> list[str]:
    found = [n for n in names if n in html]
    return sorted(found, key=html.index)


def _ranked(column, q: str, model) -> list:
    from ocop_rating.db import db

    condition, rank = word_search(column, q)
    return list(db.session.scalars(select(model).where(condition).order_by(
        rank.desc(), model.id)))


def test_whole_words_then_word_starts_then_inside_words(client, db, login_as):
    quick_certificate(name="Bánh Ultratech", producer_name="Công ty Ultratech")  # inside
    quick_certificate(name="Gạo thơm Mường", producer_name="Trang trại Bình Minh")  # start
    quick_certificate(name="Trà xanh Tân Cương", producer_name="Hợp tác xã Tân Cương")
    quick_certificate(name="Miến dong", producer_name="Hợp tác xã Đồng Lợi")  # no "tra"
    db.session.commit()
    html = client.get("/registry?q=tra").get_data(as_text=True)
    assert _order(html, ["Bánh Ultratech", "Gạo thơm Mường", "Trà xanh Tân Cương",
                         "Miến dong"]) == ["Trà xanh Tân Cương", "Gạo thơm Mường",
                                           "Bánh Ultratech"]
    # the ranks add up word by word: two whole words beat one whole word and one start
    quick_certificate(name="Trà Xanh Ngon", producer_name="Hộ Trần Văn")
    quick_certificate(name="Trà xanhngọc", producer_name="Hộ Lê Văn")
    db.session.commit()
    ranked = _ranked(Certificate.search_text, "xanh tra", Certificate)
    assert [c.product_name for c in ranked][-1] == "Trà xanhngọc"
    # the same search serves the office lists
    login_as(make_user(Role.ministry))
    html = client.get("/certificates/?q=tra").get_data(as_text=True)
    assert _order(html, ["Bánh Ultratech", "Gạo thơm Mường", "Trà xanh Tân Cương"])[0] == \
        "Trà xanh Tân Cương"
    html = client.get("/producers/?q=tra").get_data(as_text=True)
    names = re.findall(r'href="/producers/\d+">([^<]+)</a>', html)
    assert names.index("Trang trại Bình Minh") < names.index("Công ty Ultratech"), names
    assert "Hợp tác xã Đồng Lợi" not in names


def test_accents_short_words_and_literal_text(client, db):
    quick_certificate(name="Cà phê Đà Lạt", producer_name="Hợp tác xã Lâm Viên")
    quick_certificate(name="Nước mắm 50% đạm", producer_name="Hộ Phan Thiết")
    quick_certificate(name="Nước mắm 500 năm", producer_name="Hộ Mũi Né")
    quick_certificate(name='Chè "Hoa Vàng"', producer_name="Hộ Tân Cương")
    db.session.commit()

    def found(q):
        html = client.get("/registry", query_string={"q": q}).get_data(as_text=True)
        return {n for n in ("Cà phê Đà Lạt", "50% đạm", "500 năm", "Hoa Vàng") if n in html}

    assert found("da lat") == found("ĐÀ LẠT") == found("Đà Lạt") == {"Cà phê Đà Lạt"}
    assert found("đà") == found("DA") == {"Cà phê Đà Lạt", "50% đạm"}  # "đạm" holds "da"
    assert found("ca phe da") == {"Cà phê Đà Lạt"}  # one short word beside indexed ones
    assert found("50%") == {"50% đạm"}  # "%" is a percent sign, not "any text"
    assert found("5_0") == set() and found("mam 0%") == {"50% đạm"}
    assert found('"hoa') == {"Hoa Vàng"} and found('che "hoa vang"') == {"Hoa Vàng"}
    assert found('"hoa"') == set()  # the quotes are text: the name has none after "Vàng"
    # FTS5 and LIKE syntax is text like any other: no error, nothing widened
    for q in ("tra*", "(tra", "NEAR(tra", "^tra", "search_text:tra", '"', "tra OR ca",
              "NOT ca", "a\x00b", "%%%", "___"):
        response = client.get("/registry", query_string={"q": q})
        assert response.status_code == 200, q
        assert "Cà phê Đà Lạt" not in response.get_data(as_text=True), q


def _producer(name: str, number: str) -> Producer:
    return producers.register_producer(
        kind=ProducerKind.household, name=name, registration_number=number,
        province_code=QUANG_NINH, commune_code=VAN_DON, address="Thôn 1", phone="0203 3856 1",
        email=None, representative_name="Vũ Văn An", representative_position="",
        representative_gender=Gender.male, representative_ethnicity="01",
        representative_disabled=False)


def test_the_index_follows_renames_and_deletes(client, db):
    producer, _user = make_producer(name="Hợp tác xã Suối Giàng")
    certificate, _office = quick_certificate(name="Trà shan tuyết cổ thụ")
    db.session.commit()
    officer = make_user(Role.province)
    producers.update_profile(producer, actor=officer, name="Hợp tác xã Bản Liền")
    certificate.search_text = fold("Chè shan Bản Liền " + certificate.number)
    db.session.commit()

    assert _ranked(Producer.name_folded, "ban lien", Producer) == [producer]
    assert _ranked(Producer.name_folded, "suoi giang", Producer) == []
    assert _ranked(Certificate.search_text, "che shan lien", Certificate) == [certificate]
    assert _ranked(Certificate.search_text, "tuyet", Certificate) == []
    html = client.get("/registry?q=ban+lien").get_data(as_text=True)
    assert certificate.number in html
    assert certificate.number not in client.get("/registry?q=tuyet").get_data(as_text=True)

    # a deleted row leaves the index: a new row taking its id is not found by the old name
    gone = _producer("Hộ Nguyễn Văn Cương", "5799000001")
    gone_id = gone.id
    db.session.commit()
    with maintenance():
        db.session.delete(gone)
        db.session.flush()
    db.session.commit()
    new = _producer("Hộ Lò Thị Mai", "5799000002")
    db.session.commit()
    assert new.id >= gone_id
    assert _ranked(Producer.name_folded, "nguyen van cuong", Producer) == []
    assert _ranked(Producer.name_folded, "lo thi mai", Producer) == [new]


def _plan(db, stmt) -> str:
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "postgresql":
        # Few rows in a test: forbid the sequential scan, so the plan shows what the index
        # can serve (without a usable index it stays a Seq Scan, at a penalty cost).
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        rows = db.session.execute(text(f"EXPLAIN {sql}")).scalars()
    else:
        rows = (r[-1] for r in db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    return "\n".join(rows)


def test_the_engine_answers_the_search_from_the_index(db):
    make_producer(name="Trang trại Tràng An")
    db.session.commit()
    condition, _rank = word_search(Producer.name_folded, "trang an")
    stmt = select(Producer.id).where(condition)
    plan = _plan(db, stmt)
    if db.engine.dialect.name == "postgresql":
        assert trgm_index("producers", "name_folded") in plan, plan
    else:
        assert re.search(rf"SCAN {fts_table('producers', 'name_folded')} VIRTUAL TABLE", plan), \
            plan
    assert db.session.scalars(stmt).all()


def test_the_migration_fills_the_index_and_takes_it_away(tmp_path_factory):
    from ocop_rating.db import db

    url = fresh_database_url(tmp_path_factory, "searchidx")
    app = make_test_app(url, tmp_path_factory.mktemp("inst"))
    try:
        with app.app_context():
            from ocop_rating.geo.services import import_units

            upgrade(revision="0027_list_indexes")
            import_units()
            db.session.commit()
            producer = _producer("Hợp tác xã Chè Tân Cương", "5799000003")
            db.session.execute(text(  # an account of before 0028 (the model has a new column)
                "INSERT INTO users (username, full_name, password_hash, role, "
                "is_active_account, must_change_password, session_version, created_at, "
                "login_throttle_epoch) VALUES ('bo.ketoan', 'Đỗ Thị Hường', 'x', 'ministry', "
                ":t, :f, 1, '2026-01-01 00:00:00', 0)"), {"t": True, "f": False})
            db.session.commit()
            upgrade()  # 0028 over a database that already holds rows
            assert _ranked(Producer.name_folded, "tan cuong", Producer) == [producer]
            assert [u.username for u in _ranked(User.search_text, "huong ketoan", User)] == \
                ["bo.ketoan"]
            expected = 2 if db.engine.dialect.name == "postgresql" else 2 + 2 * 3
            assert _index_objects(db) == expected  # two FTS tables and their triggers
            db.session.commit()  # the migration's connection must not wait for this one
            downgrade(revision="0027_list_indexes")
            assert _index_objects(db) == 0
            db.session.commit()
            upgrade()
            assert _ranked(Producer.name_folded, "che tan", Producer) == [producer]
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_database(url)


def _index_objects(db) -> int:
    """The search index's indexes (PostgreSQL) or FTS tables and triggers (SQLite)."""
    if db.engine.dialect.name == "postgresql":
        return db.session.scalar(text(
            "SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%\\_trgm'"))
    return db.session.scalar(text(
        "SELECT count(*) FROM sqlite_master WHERE name LIKE '%\\_fts%' ESCAPE '\\' "
        "AND (type = 'trigger' OR sql LIKE 'CREATE VIRTUAL TABLE%')"))


def test_users_and_the_audit_trail_search_names_without_accents(client, db, login_as):
    admin = make_user(Role.admin, full_name="Quản trị")
    huong = make_user(Role.province, username="qn.huong", full_name="Đỗ Thị Hường",
                      actor=admin)
    make_user(Role.province, username="qn.hung", full_name="Trần Văn Hùng", actor=admin)
    make_user(Role.province, username="qn.hungyen", full_name="Phạm Thị Lan", actor=admin)
    huong.full_name = "Đỗ Thị Hương"  # kept on write, like the login
    db.session.flush()
    assert huong.search_text == "do thi huong qn.huong"
    login_as(admin)

    def users(q):
        html = client.get("/users", query_string={"q": q}).get_data(as_text=True)
        return _order(html, ["Đỗ Thị Hương", "Trần Văn Hùng", "Phạm Thị Lan"])

    assert users("DO THI HUONG") == users("đỗ hương") == users("qn.huong") == ["Đỗ Thị Hương"]
    assert users("qn_hu") == [] and users("%") == [] and users("ng ") == users("ng")
    # "hung" is a whole word of "Trần Văn Hùng", inside the login "qn.hungyen" of Lan (who
    # comes first in alphabetical order)
    assert users("hùng") == ["Trần Văn Hùng", "Phạm Thị Lan"]
    assert users("") == ["Đỗ Thị Hương", "Phạm Thị Lan", "Trần Văn Hùng"]  # alphabetical
    # the trail's actor filter: every word, accents or not, in the name or the login
    from ocop_rating.audit.trail import TrailQuery, trail_statement

    def actors(q):
        stmt = trail_statement(TrailQuery(actor=q), viewer=admin)
        return {e.actor_id for e in db.session.scalars(stmt)}

    assert actors("quan tri") == actors("QUẢN") == {admin.id}  # admin created the accounts
    assert actors("do thi") == set()  # Hương did nothing yet


def test_ranked_pages_keep_the_order_of_the_rank_on_generated_data(db, monkeypatch):
    """``search.ranked_page`` (the rank classes from the index on SQLite, a class read along
    the order's index or looked up and sorted) gives exactly the rows and the order of
    ``word_search``'s rank sorted over every row found, page after page."""
    from ocop_rating import search
    from ocop_rating.generate import generate

    generate("tiny", seed=13)
    db.session.commit()
    province = db.session.scalar(select(Certificate.province_code).group_by(
        Certificate.province_code).order_by(text("count(*) DESC")).limit(1))
    lists = [
        (Certificate, Certificate.search_text, [Certificate.expires_on, Certificate.id]),
        (Certificate, Certificate.search_text, [Certificate.issued_on.desc(),
                                                Certificate.id.desc()]),
        (Producer, Producer.name_folded, [Producer.name_sort, Producer.id]),
        # the producers list also finds the typed registration number
        (Producer, Producer.name_folded, [Producer.name_sort, Producer.id], "number"),
    ]
    classes, found = [], []
    real, real_walks = search._class_page, search._walks

    def spied(*args):
        classes.append(args)
        return real(*args)

    # each class read along the order's index, then looked up and sorted, then as chosen
    monkeypatch.setattr(search, "_class_page", spied)
    for walks in (True, False, None):
        if walks is not None:
            monkeypatch.setattr(search, "_walks", lambda *_a, w=walks: w)
        else:
            monkeypatch.setattr(search, "_walks", real_walks)
        for model, column, order, *number in lists:
            for q in ("tra", "xa", "hop tac", "cong ty tnhh", "anh", "tra xa hoa", "zzz",
                      "01", "0"):
                also = Producer.registration_number.contains(q.upper()) if number else None
                for scoped in (False, True):
                    stmt = select(model)
                    if scoped:
                        stmt = stmt.where(model.province_code == province)
                    condition, rank = word_search(column, q)
                    if also is not None:
                        condition = condition | also
                    every = list(db.session.scalars(stmt.with_only_columns(model.id).where(
                        condition).order_by(rank.desc(), *order)))
                    for page, per_page in ((1, 5), (3, 4), (1, 100), (40, 2)):
                        rows, total = search.ranked_page(stmt, column, q, order=order,
                                                         page=page, per_page=per_page,
                                                         also=also)
                        start = (page - 1) * per_page
                        assert [r.id for r in rows] == every[start:start + per_page], (
                            q, scoped, order, page)
                        assert total == len(every)
                    found.append(len(every))
    assert max(found) > 40 and 0 in found  # long lists, several pages; and empty ones
    if db.engine.dialect.name == "sqlite":
        assert classes  # the index answered the rank classes


def test_a_ranked_page_sends_the_same_statements_however_many_rows_match(db):
    """The statements of ``search.ranked_page`` follow the query's shape, not the data: a
    word found in many rows (its page filled from the first rank class) and one found in a
    few (every class visited) cost the same number of statements."""
    from sqlalchemy import event

    from ocop_rating import search
    from ocop_rating.generate import generate

    generate("tiny", seed=13)
    db.session.commit()
    sent = []

    def count(*_args):
        sent.append(1)

    def statements(q, **kwargs):
        sent.clear()
        rows, total = search.ranked_page(select(Certificate), Certificate.search_text, q,
                                         order=[Certificate.expires_on, Certificate.id],
                                         **kwargs)
        assert total and rows
        return len(sent)

    frequent = db.session.scalar(select(func.count()).where(
        Certificate.search_text.contains("tra")))
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        rare = next(w for w in ("xanh", "mat ong", "gao", "ruou")
                    if 0 < db.session.scalar(select(func.count()).where(
                        *[Certificate.search_text.contains(p) for p in w.split()]))
                    < frequent // 3)
        assert statements("tra", page=1, per_page=3) == statements(rare, page=1, per_page=3)
        assert statements("tra", page=2, per_page=3) == statements("tra", page=1, per_page=3)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
