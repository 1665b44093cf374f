"""Enum labels are translated once per request and language (i18n.label_once)."""
import enum

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ocop_rating.accounts.roles import Role
from ocop_rating.councils.models import EvaluationStatus
from ocop_rating.i18n import label_once

CALLS = []


class Colour(str, enum.Enum):
    red = "red"

    @property
    @label_once
    def label(self) -> str:
        CALLS.append(self)
        return str({Colour.red: _l("Văn phòng OCOP Bộ")}[self])


def test_a_label_is_translated_once_per_request_in_each_language(app):
    CALLS.clear()
    with app.test_request_context("/"):
        assert [Colour.red.label for _ in range(3)] == ["Văn phòng OCOP Bộ"] * 3
        assert len(CALLS) == 1
        with force_locale("en"):
            assert Colour.red.label == Colour.red.label == "Ministry OCOP office"
            assert Role.ministry.label == "Ministry OCOP office"
            assert EvaluationStatus.scoring.label == "Scoring"
        assert len(CALLS) == 2  # once more, in English
        assert Colour.red.label == "Văn phòng OCOP Bộ"  # back in the request's language
        assert EvaluationStatus.scoring.label == "Đang chấm điểm"
        assert len(CALLS) == 2
    with app.test_request_context("/"):
        assert Colour.red.label == "Văn phòng OCOP Bộ"
        assert len(CALLS) == 3  # a new request translates anew


def test_outside_a_request_the_label_is_translated_each_time(app):
    CALLS.clear()
    with app.app_context():
        assert Colour.red.label == Colour.red.label == "Văn phòng OCOP Bộ"
        assert len(CALLS) == 2
