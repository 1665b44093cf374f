"""The certificate rules without a database (certificates/rules.py, DOMAIN.md §6): issuer,
number, 36-month validity and the status a day falls in. `make mutation` runs these against
every mutant of the module, so each rule is checked at its edges."""
from datetime import date

import pytest

from ocop_rating.certificates import rules
from ocop_rating.certificates.rules import CertificateStatus as S


def status(today, expires_on=date(2029, 7, 15), extended_until=None, revoked=False,
           superseded=False):
    return rules.status_on(today, expires_on=expires_on, extended_until=extended_until,
                           revoked=revoked, superseded=superseded)


# -- issuer and number ----------------------------------------------------------------------

def test_the_ministry_numbers_under_bo_whatever_province_is_given():
    assert rules.issuer_key(ministry=True, province_code=None) == "BO"
    assert rules.issuer_key(ministry=True, province_code="22") == "BO"


def test_a_province_numbers_under_its_own_code():
    assert rules.issuer_key(ministry=False, province_code="22") == "22"
    assert rules.issuer_key(ministry=False, province_code="01") == "01"


@pytest.mark.parametrize("code", [None, ""])
def test_a_provincial_certificate_without_a_province_is_refused(code):
    with pytest.raises(ValueError, match=r"^A provincial certificate needs the province code\.$"):
        rules.issuer_key(ministry=False, province_code=code)


@pytest.mark.parametrize("issuer, year, serial, number", [
    ("22", 2026, 1, "0001/2026/GCN-OCOP-22"),
    ("22", 2026, 125, "0125/2026/GCN-OCOP-22"),
    ("BO", 2027, 9999, "9999/2027/GCN-OCOP-BO"),
    ("01", 2026, 12345, "12345/2026/GCN-OCOP-01"),   # never truncated past four digits
])
def test_certificate_number_is_serial_year_and_issuer(issuer, year, serial, number):
    assert rules.certificate_number(issuer, year, serial) == number


# -- validity -------------------------------------------------------------------------------

@pytest.mark.parametrize("issued, expires", [
    (date(2026, 7, 15), date(2029, 7, 15)),
    (date(2026, 1, 1), date(2029, 1, 1)),
    (date(2026, 12, 31), date(2029, 12, 31)),
    (date(2028, 2, 29), date(2031, 2, 28)),   # no 29 February three years on
    (date(2027, 2, 28), date(2030, 2, 28)),
])
def test_a_certificate_lasts_36_months(issued, expires):
    assert rules.expiry_for(issued) == expires


def test_valid_until_is_the_expiry_or_a_later_extension():
    assert rules.valid_until(date(2029, 7, 15), None) == date(2029, 7, 15)
    assert rules.valid_until(date(2029, 7, 15), date(2030, 1, 11)) == date(2030, 1, 11)
    # an extension that ends before the expiry never shortens the certificate
    assert rules.valid_until(date(2029, 7, 15), date(2029, 1, 1)) == date(2029, 7, 15)


# -- status ---------------------------------------------------------------------------------

def test_in_force_and_not_yet_in_the_last_180_days_is_valid():
    assert status(date(2026, 8, 1)) == S.valid
    # expiry 15/07/2029: 180 days before is 16/01/2029
    assert status(date(2029, 1, 15)) == S.valid


def test_expiring_from_180_days_before_expiry_through_the_expiry_day():
    assert status(date(2029, 1, 16)) == S.expiring
    assert status(date(2029, 5, 1)) == S.expiring
    assert status(date(2029, 7, 15)) == S.expiring


def test_the_day_after_expiry_it_has_expired():
    assert status(date(2029, 7, 16)) == S.expired
    assert status(date(2031, 1, 1)) == S.expired


def test_an_extension_keeps_it_valid_through_its_last_day_then_it_expires():
    extended = date(2030, 1, 11)
    assert status(date(2029, 7, 16), extended_until=extended) == S.extended
    assert status(extended, extended_until=extended) == S.extended
    assert status(date(2030, 1, 12), extended_until=extended) == S.expired
    # before the expiry the extension changes nothing
    assert status(date(2029, 7, 15), extended_until=extended) == S.expiring
    assert status(date(2027, 1, 1), extended_until=extended) == S.valid


def test_revoked_and_superseded_override_the_dates_revoked_first():
    for day in (date(2026, 8, 1), date(2029, 7, 1), date(2030, 1, 1)):
        assert status(day, revoked=True) == S.revoked
        assert status(day, superseded=True) == S.superseded
        assert status(day, revoked=True, superseded=True) == S.revoked
    assert status(date(2029, 8, 1), extended_until=date(2030, 1, 11),
                  superseded=True) == S.superseded


def test_each_status_has_its_public_wording_and_colour():
    expected = {
        S.valid: ("Còn hiệu lực", "success"),
        S.expiring: ("Sắp hết hiệu lực", "warning"),
        S.extended: ("Còn hiệu lực trong thời gian đánh giá lại", "info"),
        S.expired: ("Hết hiệu lực", "secondary"),
        S.revoked: ("Đã bị thu hồi", "danger"),
        S.superseded: ("Đã được thay thế", "dark"),
    }
    assert {s: (s.label, s.badge) for s in S} == expected
    assert [s.value for s in S] == ["valid", "expiring", "extended", "expired", "revoked",
                                    "superseded"]
