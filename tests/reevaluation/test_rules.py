"""The re-evaluation notices' rules without the app or a database (reevaluation/rules.py):
which notices are due on a day and which one the daily job sends. `make mutation` runs these
against every mutant of the module, so each band is checked at its edges."""
from datetime import date, timedelta
from types import SimpleNamespace as NS

import pytest

from ocop_rating.reevaluation.models import NoticeKind as K
from ocop_rating.reevaluation.rules import EXPIRED_NOTICE_DAYS, due_notices, notice_to_send

EXPIRES = date(2029, 7, 15)
CERT = NS(expires_on=EXPIRES)


def due(days_left, filed=False):
    return due_notices(CERT, EXPIRES - timedelta(days=days_left), filed)


@pytest.mark.parametrize("days_left, expected", [
    (181, []),
    (180, [K.window_open]),
    (151, [K.window_open]),
    (150, [K.window_open, K.reminder_150]),
    (126, [K.window_open, K.reminder_150]),
    (125, [K.window_open, K.reminder_125]),
    (31, [K.window_open, K.reminder_125]),
    (30, [K.window_open, K.reminder_30]),
    (0, [K.window_open, K.reminder_30]),
    (-1, [K.expired]),
    (-30, [K.expired]),
    (-31, []),
])
def test_the_notices_due_by_days_left(days_left, expected):
    assert due(days_left) == expected


@pytest.mark.parametrize("days_left, expected", [
    (181, []), (180, [K.window_open]), (150, [K.window_open]), (100, [K.window_open]),
    (0, [K.window_open]), (-1, []), (-30, []), (-31, []),
])
def test_once_filed_only_the_window_notice_is_due(days_left, expected):
    assert due(days_left, filed=True) == expected


def test_the_expiry_notice_is_sent_up_to_30_days_after_expiry():
    assert EXPIRED_NOTICE_DAYS == 30


def test_one_notice_a_day_the_most_important_unsent():
    assert notice_to_send([K.window_open, K.reminder_150], sent=set(), told_today=False) == \
        K.window_open
    assert notice_to_send([K.window_open, K.reminder_150], sent={K.window_open},
                          told_today=False) == K.reminder_150
    assert notice_to_send([K.window_open, K.reminder_150], sent={K.window_open},
                          told_today=True) is None
    assert notice_to_send([K.window_open], sent={K.window_open}, told_today=False) is None
    assert notice_to_send([], sent=set(), told_today=False) is None
