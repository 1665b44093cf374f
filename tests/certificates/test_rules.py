"""The certificate rules without a database (certificates/rules.py, DOMAIN.md §6): issuer,
number, 36-month validity and the status a day falls in. `make mutation` runs these against
every mutant of the module, so each rule is checked at its edges."""
from datetime import date, datetime
from types import SimpleNamespace as NS

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


# -- who recognises --------------------------------------------------------------------------

def test_the_ministry_issuer_is_bo_only():
    assert rules.is_ministry_issuer("BO") is True
    assert rules.is_ministry_issuer("22") is False
    assert rules.is_ministry_issuer("bo") is False


@pytest.mark.parametrize("ministry, name, expected", [
    (True, None, "Bộ Nông nghiệp và Môi trường"),
    (True, "Quảng Ninh", "Bộ Nông nghiệp và Môi trường"),
    (False, "Quảng Ninh", "Ủy ban nhân dân tỉnh Quảng Ninh"),
    (False, "Tỉnh Quảng Ninh", "Ủy ban nhân dân Tỉnh Quảng Ninh"),
    (False, "tỉnh Lào Cai", "Ủy ban nhân dân tỉnh Lào Cai"),
    (False, "Thành phố Hà Nội", "Ủy ban nhân dân Thành phố Hà Nội"),
    (False, "thành phố Huế", "Ủy ban nhân dân thành phố Huế"),
    (False, "Thành Nam", "Ủy ban nhân dân tỉnh Thành Nam"),
])
def test_authority_name(ministry, name, expected):
    assert rules.authority_name(ministry=ministry, province_name=name) == expected


def recognises(ministry=False, province="22", level="province", council_province="22",
               dossier_province="22", star=4):
    return rules.recognises(ministry=ministry, province_code=None if ministry else province,
                            council_level=level, council_province_code=council_province,
                            dossier_province_code=dossier_province, star=star)


def test_the_ministry_recognises_five_stars_of_the_central_council_only():
    assert recognises(ministry=True, level="central", council_province=None, star=5) is True
    for star in (None, 3, 4):
        assert recognises(ministry=True, level="central", council_province=None,
                          star=star) is False
    assert recognises(ministry=True, level="province", star=5) is False
    assert recognises(ministry=True, level="district", star=5) is False


def test_a_province_recognises_three_and_four_stars_of_its_own_council():
    assert recognises(star=3) is True
    assert recognises(star=4) is True
    assert recognises(star=5) is False
    assert recognises(star=2) is False
    assert recognises(star=None) is False
    assert recognises(council_province="01") is False
    # the dossier's province does not matter for its own council's results
    assert recognises(dossier_province="01") is True


def test_a_province_recognises_a_central_result_under_five_stars_for_its_own_dossier():
    assert recognises(level="central", council_province=None, star=4) is True
    assert recognises(level="central", council_province=None, star=3) is True
    assert recognises(level="central", council_province=None, star=5) is False
    assert recognises(level="central", council_province=None, dossier_province="01") is False
    # a central council carrying the province's code changes nothing: the dossier decides
    assert recognises(level="central", council_province="22", dossier_province="01") is False


def test_nobody_recognises_a_district_council_result():
    assert recognises(level="district") is False
    assert recognises(level="district", star=3) is False


def test_recognised_stars():
    assert rules.RECOGNISED_STARS == (3, 4, 5)
    assert rules.PROVINCE_STARS == (3, 4)


def left_out(concluded=True, taken=False, knockouts=None, recognised=True, star=4,
             provincial=True):
    return rules.left_out_reason(concluded=concluded, taken=taken,
                                 knockouts_confirmed=knockouts, recognised=recognised,
                                 star=star, provincial_council=provincial)


def test_why_a_dossier_is_left_out_of_a_drafted_decision_first_reason_first():
    assert left_out(concluded=False, taken=True, knockouts=["k"], recognised=False,
                    star=5) == "not_concluded"
    assert left_out(taken=True, knockouts=["k"], recognised=False, star=5) == "taken"
    assert left_out(knockouts=["k"], recognised=False, star=5) == "knocked_out"
    assert left_out(knockouts=[], recognised=False, star=5) == "not_recognised"
    assert left_out(star=5) == "five_star"
    assert left_out(star=5, provincial=False) == "not_authority"
    assert left_out(star=4) == "not_authority"


# -- supersession ----------------------------------------------------------------------------

def cert(id_=1, product=10, issued=date(2026, 7, 15), revoked_at=None, superseded_by=None):
    return NS(id=id_, product_id=product, issued_on=issued, revoked_at=revoked_at,
              superseded_by_id=superseded_by)


def test_a_new_certificate_supersedes_the_products_live_earlier_ones():
    new = cert(id_=2, issued=date(2029, 7, 1))
    assert rules.supersedes(new, cert()) is True
    assert rules.supersedes(new, cert(issued=date(2029, 7, 1))) is True   # the same day


def test_it_leaves_other_products_itself_later_revoked_and_superseded_ones():
    new = cert(id_=2, issued=date(2029, 7, 1))
    assert rules.supersedes(new, cert(product=11)) is False
    assert rules.supersedes(new, cert(id_=2)) is False
    assert rules.supersedes(new, cert(issued=date(2029, 7, 2))) is False
    assert rules.supersedes(new, cert(revoked_at=datetime(2028, 1, 1))) is False
    assert rules.supersedes(new, cert(superseded_by=5)) is False


# -- revocation ------------------------------------------------------------------------------

TODAY = date(2027, 3, 1)


def test_a_revocation_needs_certificates_of_one_issuer_and_a_day_not_in_the_future():
    assert rules.revocation_batch_refusal([], TODAY, TODAY) == "empty"
    assert rules.revocation_batch_refusal(iter(()), None, TODAY) == "empty"
    assert rules.revocation_batch_refusal(["22", "01"], TODAY, TODAY) == "mixed_issuers"
    assert rules.revocation_batch_refusal(["22", "22"], TODAY, TODAY) is None
    assert rules.revocation_batch_refusal(iter(["22"]), None, TODAY) is None
    assert rules.revocation_batch_refusal(["22"], date(2027, 3, 2), TODAY) == \
        "decided_in_future"
    assert rules.revocation_batch_refusal(["22"], date(2027, 2, 28), TODAY) is None


def in_force(**kw):
    values = dict(revoked_at=None, superseded_by_id=None, issued_on=date(2026, 7, 15),
                  expires_on=date(2029, 7, 15), extended_until=None)
    values.update(kw)
    return NS(**values)


def test_a_certificate_in_force_can_be_revoked_from_its_issue_day_through_its_last_day():
    assert rules.revocation_refusal(in_force(), date(2026, 7, 15)) is None
    assert rules.revocation_refusal(in_force(), date(2029, 7, 15)) is None
    assert rules.revocation_refusal(in_force(extended_until=date(2030, 1, 11)),
                                    date(2030, 1, 11)) is None


def test_what_cannot_be_revoked_and_why_first_reason_first():
    assert rules.revocation_refusal(in_force(revoked_at=datetime(2027, 1, 1),
                                             superseded_by_id=3), date(2020, 1, 1)) == \
        "already_revoked"
    assert rules.revocation_refusal(in_force(superseded_by_id=3), date(2020, 1, 1)) == \
        "superseded"
    assert rules.revocation_refusal(in_force(), date(2026, 7, 14)) == "decided_before_issue"
    assert rules.revocation_refusal(in_force(), date(2029, 7, 16)) == "expired"
    assert rules.revocation_refusal(in_force(extended_until=date(2030, 1, 11)),
                                    date(2030, 1, 12)) == "expired"
