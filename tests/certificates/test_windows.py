"""The legal windows of a certificate's life (certificates/windows.py) without the app or a
database: a bare Flask app carries the configuration, certificates are plain objects with
the dates the windows read. `make mutation` runs these against every mutant of the module,
so each window is checked at its edges, with the defaults and with other settings."""
from datetime import date
from types import SimpleNamespace as NS

import pytest
from flask import Flask

from ocop_rating.certificates import windows
from ocop_rating.certificates.windows import Filing

EXPIRES = date(2029, 7, 15)


@pytest.fixture
def config():
    app = Flask("windows_test")
    with app.app_context():
        yield app.config


def cert(expires_on=EXPIRES, extended_until=None):
    return NS(expires_on=expires_on, extended_until=extended_until)


def test_the_defaults(config):
    assert windows.window_days() == 180
    assert windows.late_days() == 120
    assert windows.grace_days() == 180
    assert windows.revocation_days() == 15
    assert windows.revocation_warn_days() == 5
    assert windows.late_filing_refused() is False
    assert windows.extend_timely_filers() is True
    assert windows.transition_expiring_before() == date(2026, 9, 19)


def test_every_setting_is_read(config):
    config.update(REEVALUATION_WINDOW_DAYS="200", REEVALUATION_LATE_DAYS=100,
                  REEVALUATION_GRACE_DAYS=90, REVOCATION_DAYS=10, REVOCATION_WARN_DAYS=3,
                  REEVALUATION_LATE_FILING="refuse", REEVALUATION_EXTEND_TIMELY=0,
                  REEVALUATION_TRANSITION_EXPIRING_BEFORE="2027-01-31")
    assert windows.window_days() == 200
    assert windows.late_days() == 100
    assert windows.grace_days() == 90
    assert windows.revocation_days() == 10
    assert windows.revocation_warn_days() == 3
    assert windows.late_filing_refused() is True
    assert windows.extend_timely_filers() is False
    assert windows.transition_expiring_before() == date(2027, 1, 31)


def test_late_filing_is_refused_only_when_set_to_refuse(config):
    for value in ("accept", "Refuse", "", None):
        config["REEVALUATION_LATE_FILING"] = value
        assert windows.late_filing_refused() is False


def test_the_transition_cutoff_as_a_date_or_none(config):
    config["REEVALUATION_TRANSITION_EXPIRING_BEFORE"] = date(2026, 10, 1)
    assert windows.transition_expiring_before() == date(2026, 10, 1)
    for empty in ("", None):
        config["REEVALUATION_TRANSITION_EXPIRING_BEFORE"] = empty
        assert windows.transition_expiring_before() is None


def test_the_filing_window_runs_from_180_to_120_days_before_expiry(config):
    assert windows.window_opens_on(cert()) == date(2029, 1, 16)
    assert windows.window_closes_on(cert()) == date(2029, 3, 17)
    config.update(REEVALUATION_WINDOW_DAYS=30, REEVALUATION_LATE_DAYS=10)
    assert windows.window_opens_on(cert()) == date(2029, 6, 15)
    assert windows.window_closes_on(cert()) == date(2029, 7, 5)


@pytest.mark.parametrize("day, standing", [
    (date(2029, 1, 15), Filing.early),
    (date(2029, 1, 16), Filing.in_window),
    (date(2029, 3, 17), Filing.in_window),
    (date(2029, 3, 18), Filing.late),
    (EXPIRES, Filing.late),
    (date(2029, 7, 16), Filing.lapsed),
])
def test_where_a_day_stands(config, day, standing):
    assert windows.filing_on(cert(), day) == standing


def test_filing_values():
    assert [f.value for f in Filing] == ["early", "in_window", "late", "lapsed"]


def test_a_dossier_filed_in_the_window_keeps_the_certificate_valid_when_set(config):
    assert windows.transition_applies(cert(), date(2029, 2, 1)) is True
    config["REEVALUATION_EXTEND_TIMELY"] = False
    assert windows.transition_applies(cert(), date(2029, 2, 1)) is False


def test_early_and_lapsed_filings_are_never_covered(config):
    config["REEVALUATION_TRANSITION_EXPIRING_BEFORE"] = "2030-01-01"
    assert windows.transition_applies(cert(), date(2029, 1, 15)) is False
    assert windows.transition_applies(cert(), date(2029, 7, 16)) is False


def test_a_late_filing_is_covered_only_for_a_certificate_expiring_before_the_cutoff(config):
    old = cert(expires_on=date(2026, 9, 18))
    late = date(2026, 8, 1)
    assert windows.filing_on(old, late) == Filing.late
    assert windows.transition_applies(old, late) is True
    on_cutoff = cert(expires_on=date(2026, 9, 19))
    assert windows.transition_applies(on_cutoff, late) is False
    assert windows.transition_applies(cert(), date(2029, 5, 1)) is False
    config["REEVALUATION_TRANSITION_EXPIRING_BEFORE"] = ""
    assert windows.transition_applies(old, late) is False


def test_the_extension_limit_and_the_revocation_deadline(config):
    assert windows.extension_limit(cert()) == date(2030, 1, 11)
    assert windows.revocation_deadline(date(2027, 3, 1)) == date(2027, 3, 16)
    config.update(REEVALUATION_GRACE_DAYS=10, REVOCATION_DAYS=1)
    assert windows.extension_limit(cert()) == date(2029, 7, 25)
    assert windows.revocation_deadline(date(2027, 3, 1)) == date(2027, 3, 2)


def test_the_transition_extension_is_written_from_the_day_before_expiry(config):
    limit = date(2030, 1, 11)
    assert windows.extension_to_set(cert(), date(2029, 7, 13)) is None
    assert windows.extension_to_set(cert(), date(2029, 7, 14)) == limit
    assert windows.extension_to_set(cert(), date(2029, 8, 1)) == limit
    # once set, nothing changes; an extension set to another day is corrected
    assert windows.extension_to_set(cert(extended_until=limit), date(2029, 8, 1)) is None
    assert windows.extension_to_set(cert(extended_until=date(2029, 9, 1)),
                                    date(2029, 8, 1)) == limit


def test_a_failed_reevaluation_ends_the_extension(config):
    assert windows.extension_end_on_failure(cert(), date(2029, 8, 1)) is None
    extended = cert(extended_until=date(2030, 1, 11))
    # failed before expiry: it ends at the expiry
    assert windows.extension_end_on_failure(extended, date(2029, 6, 1)) == EXPIRES
    # failed during the extension: it ends that day
    assert windows.extension_end_on_failure(extended, date(2029, 8, 1)) == date(2029, 8, 1)
    # never later than it was
    assert windows.extension_end_on_failure(extended, date(2030, 3, 1)) == date(2030, 1, 11)
