"""Reading the registry's parameters and typed certificate numbers (pure, no database)."""
import pytest
from werkzeug.datastructures import MultiDict

from ocop_rating.public.query import number_candidates, parse_registry_args
from ocop_rating.public.views import page_numbers


def parse(**args):
    return parse_registry_args(MultiDict(args), allow_per_page=True)


def test_a_full_query():
    parsed = parse(q="  Cà   phê ", province="68", commune="25000", set="2", star="4",
                   status="in_force", page="3", per_page="10")
    q = parsed.query
    assert not parsed.problems
    assert (q.q, q.province, q.commune, q.set_no, q.star, q.status, q.page, q.per_page) == \
        ("Cà phê", "68", "25000", 2, 4, "in_force", 3, 10)
    assert parsed.filters() == {"q": "Cà phê", "province": "68", "commune": "25000", "set": 2,
                                "star": 4, "status": "in_force", "per_page": 10}


@pytest.mark.parametrize("name,value", [
    ("page", "abc"), ("page", "0"), ("page", "100001"), ("page", "1e3"), ("page", "٣"),
    ("per_page", "101"), ("per_page", "-5"), ("star", "2"), ("star", "6"), ("star", "four"),
    ("set", "1000"), ("set", "0"), ("status", "VALID"), ("province", "2"), ("province", "ab"),
    ("commune", "0699"), ("commune", "069944"),
])
def test_unreadable_values_are_dropped_and_reported(name, value):
    parsed = parse(**{name: value})
    [problem] = parsed.problems
    assert problem.param == name and problem.message
    default = parse().query
    assert parsed.query == default


def test_wildcards_and_length():
    # LIKE wildcards are kept as typed: the search escapes them (tests/security)
    assert parse(q="100%  _tự nhiên_").query.q == "100% _tự nhiên_"
    parsed = parse(q="a" * 250)
    assert len(parsed.query.q) == 200 and parsed.problems[0].param == "q"


def test_html_ignores_per_page_unless_allowed():
    parsed = parse_registry_args(MultiDict({"per_page": "1000"}))
    assert parsed.query.per_page == 25 and not parsed.problems


@pytest.mark.parametrize("typed,expected", [
    ("0001/2026/GCN-OCOP-22", ["0001/2026/GCN-OCOP-22"]),
    (" 1/2026/gcn-ocop-22 ", ["1/2026/gcn-ocop-22", "0001/2026/GCN-OCOP-22"]),
    ("12 / 2026 / GCN-OCOP-BO", ["12 / 2026 / GCN-OCOP-BO", "0012/2026/GCN-OCOP-BO"]),
    ("125/QĐ-UBND", ["125/QĐ-UBND"]),
    ("abc def", ["abc def", "ABCDEF"]),
    ("12\x00/2026", ["12 /2026", "12/2026"]),
    ("", []), ("   ", []), ("9" * 65, []),
])
def test_number_candidates(typed, expected):
    assert number_candidates(typed) == expected


@pytest.mark.parametrize("page,pages,expected", [
    (1, 1, [1]),
    (1, 3, [1, 2, 3]),
    (1, 10, [1, 2, 3, None, 10]),
    (5, 10, [1, None, 3, 4, 5, 6, 7, None, 10]),
    (10, 10, [1, None, 8, 9, 10]),
    (4, 10, [1, 2, 3, 4, 5, 6, None, 10]),
])
def test_page_numbers(page, pages, expected):
    assert page_numbers(page, pages) == expected
