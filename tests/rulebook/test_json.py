"""How results are written as JSON (rulebook.scoring.to_json): points as JSON numbers, whole
points without a decimal part, Vietnamese kept as written, other objects refused."""
import json
from decimal import Decimal

import pytest

from ocop_rating.rulebook import to_json
from ocop_rating.rulebook.scoring import json_default


def test_whole_points_are_written_as_integers_and_others_keep_their_decimals():
    assert to_json({"a": Decimal("75"), "b": Decimal("75.00"), "c": Decimal("62.5"),
                    "d": Decimal("0")}) == '{"a": 75, "b": 75, "c": 62.5, "d": 0}'


def test_decimals_read_back_as_the_same_numbers():
    data = json.loads(to_json([Decimal("33.25"), Decimal("100")]))
    assert data == [33.25, 100]
    assert isinstance(data[1], int) and isinstance(data[0], float)


def test_vietnamese_is_kept_not_escaped():
    assert to_json({"tên": "Chè Thái Nguyên"}) == '{"tên": "Chè Thái Nguyên"}'


def test_keyword_arguments_reach_json_dumps():
    assert to_json({"b": 1, "a": Decimal("2")}, sort_keys=True) == '{"a": 2, "b": 1}'
    assert to_json([1, 2], separators=(",", ":")) == "[1,2]"


def test_anything_else_than_a_decimal_is_refused_with_its_type_named():
    class Sample:
        pass

    with pytest.raises(TypeError, match=r"^Sample is not JSON serialisable$"):
        to_json({"x": Sample()})
    with pytest.raises(TypeError, match=r"^set is not JSON serialisable$"):
        json_default({1})
    assert json_default(Decimal("1.5")) == 1.5
