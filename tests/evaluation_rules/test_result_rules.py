"""The sealed result's rules without a database (evaluation/result_rules.py): which sheets
count, what the snapshot holds, its hash, the knock-out decisions and the comparisons of the
integrity check. `make mutation` runs these against every mutant of the module, so each
value and message is checked exactly. Results are plain objects with the attributes the
rulebook's results have."""
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace as NS

import pytest

from ocop_rating.evaluation import result_rules as rules


def sheet_result(total="61.5", star=3, choices=(("A1", 2, None), ("B2", 1, "b")),
                 parts=(("A", Decimal(30)), ("B", Decimal("31.5"))), knockouts=("ko",),
                 stops=("st",)):
    return NS(total=Decimal(total), star=star,
              choices=[NS(code=c, option=o, case=k) for c, o, k in choices],
              parts=[NS(code=c, points=p) for c, p in parts], knockouts=knockouts,
              stops=stops)


# -- plain, canonical, hash ------------------------------------------------------------------

def test_plain_makes_decimals_exact_text_keys_text_tuples_lists_and_times_iso():
    when = datetime(2026, 12, 4, 8, 30, tzinfo=UTC)
    value = {1: Decimal("70.25"), "t": (Decimal("1.0"), [when, {2: None}]), "s": "x",
             "n": 3, "b": True}
    assert rules.plain(value) == {"1": "70.25", "t": ["1.0", ["2026-12-04T08:30:00+00:00",
                                                             {"2": None}]],
                                  "s": "x", "n": 3, "b": True}
    assert rules.plain(Decimal(5)) == "5"
    assert rules.plain([Decimal("0.10")]) == ["0.10"]
    assert rules.plain(when) == "2026-12-04T08:30:00+00:00"
    assert rules.plain(None) is None


def test_canonical_is_sorted_compact_utf8_text():
    assert rules.canonical({"b": [1, "2.50"], "a": "Ủy"}) == \
        b'{"a":"\xe1\xbb\xa6y","b":[1,"2.50"]}'


def test_content_hash_is_the_sha256_of_the_canonical_bytes():
    assert rules.content_hash({"b": [1, "2.50"], "a": "Ủy"}) == \
        "9faaae77b6fb2b171083871970407c6e0bdae157300c2e756d5ed3172fa9bb66"
    # key order does not matter, any value does
    assert rules.content_hash({"a": "Ủy", "b": [1, "2.50"]}) == \
        rules.content_hash({"b": [1, "2.50"], "a": "Ủy"})
    assert rules.content_hash({"a": "Ủy", "b": [1, "2.5"]}) != \
        rules.content_hash({"b": [1, "2.50"], "a": "Ủy"})


# -- who scores ------------------------------------------------------------------------------

def test_a_submitted_sheet_of_a_member_not_barred_counts():
    assert rules.not_scoring_reason(None, True) is None


def test_a_barred_member_never_counts_even_with_a_submitted_sheet():
    assert rules.not_scoring_reason("Có quan hệ với chủ thể", True) == "Có quan hệ với chủ thể"
    assert rules.not_scoring_reason("Có quan hệ với chủ thể", False) == "Có quan hệ với chủ thể"


def test_a_member_without_a_submitted_sheet_did_not_submit():
    assert rules.not_scoring_reason(None, False) == "Không nộp phiếu chấm điểm"
    assert rules.NOT_SUBMITTED == "Không nộp phiếu chấm điểm"
    assert rules.not_scoring_reason("", True) == "Không nộp phiếu chấm điểm"


# -- knock-out decisions ---------------------------------------------------------------------

def test_knockout_decisions_drop_blank_codes_and_strip_reasons():
    d = rules.knockout_decisions(["a", "", None, "b"], ["", "c"],
                                 {"a": "  lý do  ", "b": None, "c": "x", "z": " y "})
    assert d.confirmed == ("a", "b")
    assert d.dismissed == ("c",)
    assert d.reasons == {"a": "lý do", "b": "", "c": "x", "z": "y"}
    assert d.decided == ("a", "b", "c")
    assert d.missing_reasons == ["b"]


def test_each_decided_code_needs_a_reason_and_the_seal_keeps_only_those():
    d = rules.knockout_decisions(("a",), ("c",), {"a": "r1", "c": "r2", "z": "other"})
    assert d.missing_reasons == []
    assert d.sealed_reasons == {"a": "r1", "c": "r2"}
    none = rules.knockout_decisions((), (), None)
    assert none.decided == () and none.reasons == {} and none.sealed_reasons == {}
    assert rules.knockout_decisions(("a",), (), {}).missing_reasons == ["a"]
    assert rules.knockout_decisions((), ("c",), {"c": "   "}).missing_reasons == ["c"]


def test_decisions_of_a_snapshot():
    assert rules.decisions_of({"decisions": {"confirmed": ["a"], "dismissed": ["b", "c"]}}) == \
        (["a"], ["b", "c"])
    assert rules.decisions_of({"decisions": {"confirmed": ("a",)}}) == (["a"], [])
    assert rules.decisions_of({}) == ([], [])


# -- the snapshot ----------------------------------------------------------------------------

def test_member_entry_keeps_the_sheet_as_scored():
    entry = rules.member_entry(member_id=7, sheet_id=70, name="Bà A", role="member",
                               is_chair=False, result=sheet_result(), comment="tốt")
    assert entry == {
        "member_id": 7, "sheet_id": 70, "name": "Bà A", "role": "member", "is_chair": False,
        "total": Decimal("61.5"), "parts": {"A": Decimal(30), "B": Decimal("31.5")},
        "choices": {"A1": [2, None], "B2": [1, "b"]}, "knockouts": ["ko"], "stops": ["st"],
        "own_star": 3, "comment": "tốt"}
    assert type(entry["knockouts"]) is list and type(entry["stops"]) is list


def test_other_entries():
    assert rules.not_scoring_entry(member_id=3, name="Ông B", role="chair", reason="r") == {
        "member_id": 3, "name": "Ông B", "role": "chair", "reason": "r"}
    assert rules.rescore_entry(NS(seq=2, items=["A1"], member_ids=[7], reason="lệch",
                                  previous={"7": "60"})) == {
        "seq": 2, "items": ["A1"], "members": [7], "reason": "lệch", "previous": {"7": "60"}}
    assert rules.lab_test_entry(NS(id=5, description="vi sinh", result_text="đạt",
                                   result_file_id=9)) == {
        "id": 5, "description": "vi sinh", "result": "đạt", "file_id": 9}


def council_result(**overrides):
    values = dict(rulebook_code="148/2026", set_number=2,
                  rules=NS(to_dict=lambda: {"quorum": Decimal("0.5")}),
                  to_dict=lambda: {"mean": Decimal("70.25"), "k": ("x",)},
                  mean_total=Decimal("70.25"), mean_exact=Decimal("70.2500"), band_star=4,
                  star=4, recognised=True, knockouts_confirmed=("a",),
                  knockouts_dismissed=("b",))
    values.update(overrides)
    return NS(**values)


def test_the_snapshot_holds_everything_sealed_as_plain_data():
    when = datetime(2026, 12, 4, 8, 30, tzinfo=UTC)
    member = rules.member_entry(member_id=7, sheet_id=70, name="Bà A", role="member",
                                is_chair=True, result=sheet_result(), comment=None)
    snap = rules.snapshot(
        evaluation_id=11, round_id=12, dossier_id=13, product_name="Mắm", product_code=None,
        result=council_result(), members=[member],
        not_scoring=[{"member_id": 8, "name": "C", "role": "member", "reason": "r"}],
        reasons={"a": "ra", "b": "rb"},
        rescores=[NS(seq=1, items=["A1"], member_ids=[7], reason="x", previous={})],
        lab_tests=[NS(id=5, description="d", result_text=None, result_file_id=None)],
        proposal="Đề nghị", concluded_at=when)
    assert snap == {
        "version": 1, "evaluation_id": 11, "round_id": 12, "dossier_id": 13,
        "product": {"name": "Mắm", "code": ""}, "rulebook": "148/2026", "set": 2,
        "rules": {"quorum": "0.5"},
        "members": [{"member_id": 7, "sheet_id": 70, "name": "Bà A", "role": "member",
                     "is_chair": True, "total": "61.5", "parts": {"A": "30", "B": "31.5"},
                     "choices": {"A1": [2, None], "B2": [1, "b"]}, "knockouts": ["ko"],
                     "stops": ["st"], "own_star": 3, "comment": None}],
        "not_scoring": [{"member_id": 8, "name": "C", "role": "member", "reason": "r"}],
        "result": {"mean": "70.25", "k": ["x"]},
        "mean_total": "70.25", "mean_exact": "70.2500", "band_star": 4, "star": 4,
        "recognised": True,
        "decisions": {"confirmed": ["a"], "dismissed": ["b"], "reasons": {"a": "ra", "b": "rb"}},
        "rescores": [{"seq": 1, "items": ["A1"], "members": [7], "reason": "x",
                      "previous": {}}],
        "lab_tests": [{"id": 5, "description": "d", "result": None, "file_id": None}],
        "proposal": "Đề nghị", "concluded_at": "2026-12-04T08:30:00+00:00"}
    assert rules.SNAPSHOT_VERSION == 1
    again = rules.snapshot(
        evaluation_id=11, round_id=12, dossier_id=13, product_name="Mắm", product_code="M-1",
        result=council_result(star=None, recognised=False), members=[], not_scoring=[],
        reasons={}, rescores=[], lab_tests=[], proposal=None, concluded_at=None)
    assert again["product"] == {"name": "Mắm", "code": "M-1"}
    assert again["star"] is None and again["recognised"] is False
    assert again["concluded_at"] is None and again["proposal"] is None


# -- checking a seal -------------------------------------------------------------------------

def sealed_snapshot(**overrides):
    snap = {"mean_total": "70.25", "star": 4, "members": []}
    snap.update(overrides)
    return snap


def test_an_untouched_seal_has_no_problems():
    snap = sealed_snapshot()
    assert rules.seal_problems(snap, stored_hash=rules.content_hash(snap),
                               mean_total=Decimal("70.25"), star=4) == []
    # the column may be stored with more places: compared as numbers
    assert rules.seal_problems(snap, stored_hash=rules.content_hash(snap),
                               mean_total="70.250", star=4) == []


def test_a_forged_snapshot_breaks_its_hash():
    snap = sealed_snapshot()
    stored = rules.content_hash(snap)
    snap["star"] = 5
    assert rules.seal_problems(snap, stored_hash=stored, mean_total=Decimal("70.25"),
                               star=5) == [
        ("hash", "the stored snapshot no longer matches its content hash")]


@pytest.mark.parametrize("mean, star", [(Decimal("70.26"), 4), (Decimal("70.25"), 5),
                                        (Decimal("70.25"), None)])
def test_seal_columns_must_match_the_snapshot(mean, star):
    snap = sealed_snapshot()
    assert rules.seal_problems(snap, stored_hash=rules.content_hash(snap), mean_total=mean,
                               star=star) == [
        ("seal_columns", "the seal's mean/star columns differ from its snapshot")]


def test_a_snapshot_without_a_mean_reads_as_zero():
    snap = {"star": None}
    assert rules.seal_problems(snap, stored_hash=rules.content_hash(snap), mean_total="0",
                               star=None) == []
    assert rules.seal_problems(snap, stored_hash="x", mean_total="1", star=None) == [
        ("hash", "the stored snapshot no longer matches its content hash"),
        ("seal_columns", "the seal's mean/star columns differ from its snapshot")]


def sealed_member(total="61.5", choices=None):
    return {"name": "Bà A", "total": total,
            "choices": choices if choices is not None else {"A1": [2, None], "B2": [1, "b"]}}


def test_a_member_whose_sheet_is_unchanged_has_no_problems():
    assert rules.member_problems(sealed_member(), sheet_result(), submitted=True) == []
    # totals are compared as printed: the places are part of what was sealed
    assert rules.member_problems(sealed_member("61.50"), sheet_result("61.5"),
                                 submitted=True) == [
        ("member_total", "Bà A: sealed 61.50, rows now 61.5")]


def test_a_changed_total_is_reported():
    assert rules.member_problems(sealed_member(), sheet_result("62"), submitted=True) == [
        ("member_total", "Bà A: sealed 61.5, rows now 62")]


def test_changed_items_are_listed_sorted_at_most_ten():
    now = sheet_result(choices=(("A1", 3, None), ("B2", 1, "b"), ("C3", 1, None)))
    assert rules.member_problems(sealed_member(), now, submitted=True) == [
        ("choices", "Bà A: items changed since sealing: A1, C3")]
    gone = sheet_result(choices=(("B2", 1, "a"),))
    assert rules.member_problems(sealed_member(), gone, submitted=True) == [
        ("choices", "Bà A: items changed since sealing: A1, B2")]
    many = {f"X{i:02d}": [1, None] for i in range(12)}
    assert rules.member_problems(sealed_member(choices=many), sheet_result(choices=()),
                                 submitted=True) == [
        ("choices", "Bà A: items changed since sealing: "
                    + ", ".join(f"X{i:02d}" for i in range(10)))]


def test_a_sheet_no_longer_submitted_is_reported_last():
    assert rules.member_problems(sealed_member(), sheet_result("60"), submitted=False) == [
        ("member_total", "Bà A: sealed 61.5, rows now 60"),
        ("sheet_status", "Bà A: sheet is no longer submitted")]


def test_the_recomputed_result_must_give_the_sealed_mean_and_star():
    snap = sealed_snapshot()
    assert rules.recomputed_problems(snap, NS(mean_total=Decimal("70.25"), star=4)) == []
    assert rules.recomputed_problems(snap, NS(mean_total=Decimal("69.00"), star=3)) == [
        ("mean", "sealed 70.25, rows now 69.00"), ("star", "sealed 4, rows now 3")]
    assert rules.recomputed_problems({}, NS(mean_total=Decimal(1), star=None)) == [
        ("mean", "sealed None, rows now 1")]


def test_the_evaluation_row_must_say_what_the_seal_says():
    same = dict(row_mean=Decimal("70.25"), row_star=4, seal_mean="70.25", seal_star=4)
    assert rules.evaluation_row_problems(**same) == []
    assert rules.evaluation_row_problems(**{**same, "row_mean": None}) == []
    message = [("evaluation_row", "the evaluation row says 70.30 / 4★, the seal 70.25 / 4★")]
    assert rules.evaluation_row_problems(**{**same, "row_mean": Decimal("70.30")}) == message
    assert rules.evaluation_row_problems(**{**same, "row_star": 5}) == [
        ("evaluation_row", "the evaluation row says 70.25 / 5★, the seal 70.25 / 4★")]
    assert rules.evaluation_row_problems(**{**same, "row_mean": None, "row_star": None}) == [
        ("evaluation_row", "the evaluation row says None / None★, the seal 70.25 / 4★")]
