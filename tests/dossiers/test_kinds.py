"""Which kind of dossier a product may open (issue 10, point 7): an upgrade needs a live
certificate at a lower star; a re-evaluation needs a certificate whose filing window has
opened; "Lập hồ sơ mới" offers only the kinds that apply and says why the others do not."""
import re
from datetime import UTC, date, datetime

import pytest
import time_machine

from ocop_rating.demo import fill_dossier
from ocop_rating.dossiers import services as dossiers
from ocop_rating.dossiers.models import Dossier, DossierKind
from ocop_rating.dossiers.services import DossierError
from tests.conftest import committed, form_post
from tests.factories import make_producer, make_product
from tests.public.helpers import quick_certificate

ISSUED = date(2026, 7, 15)  # expires 15/07/2029: the window runs 16/01/2029 – 17/03/2029


def at(day: date, hour: int = 3):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC),
                               tick=False)


def owner_of(db, product):
    from ocop_rating.accounts.models import User

    return db.session.scalar(db.select(User).filter_by(producer_id=product.producer_id))


def offered(page: str) -> list[str]:
    form = page[page.index('id="new-dossier"'):]
    form = form[:form.index("</form>")]
    return re.findall(r'<option value="(\w+)"', form)


def refused(page: str) -> list[str]:
    return re.findall(r'<li data-kind="(\w+)"', page)


def test_upgrade_of_a_never_certified_product_is_refused_in_the_form(db, client, login_as):
    producer, owner = make_producer()
    product = make_product(producer, owner)
    db.session.commit()
    with pytest.raises(DossierError) as refusal:
        dossiers.create_dossier(product, kind=DossierKind.upgrade, actor=owner)
    assert refusal.value.code == "kind_not_applicable"
    assert "chưa có (hoặc không còn) giấy chứng nhận" in refusal.value.message
    db.session.rollback()
    login_as(owner)
    page = client.get(f"/products/{product.id}").get_data(as_text=True)
    assert offered(page) == ["first"]
    assert refused(page) == ["upgrade", "reevaluation"]
    assert "Nâng hạng chỉ dành cho sản phẩm đang có giấy chứng nhận OCOP" in page
    # A stale page (or a hand-made request) asks for an upgrade anyway.
    response = form_post(client, f"/dossiers/new/{product.id}", {"kind": "upgrade"},
                         form_page=f"/products/{product.id}")
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="kind-error"' in text and "Nâng hạng chỉ dành cho" in text
    assert '<option value="upgrade" selected>' in text  # the choice is kept
    committed(db)
    assert db.session.scalar(db.select(Dossier).filter_by(product_id=product.id)) is None
    # The first evaluation is accepted.
    created = form_post(client, f"/dossiers/new/{product.id}", {"kind": "first"},
                        form_page=f"/dossiers/new/{product.id}")
    assert created.status_code == 302
    committed(db)
    assert db.session.scalar(db.select(Dossier.kind).filter_by(
        product_id=product.id)) == DossierKind.first


def test_a_certified_product_is_offered_upgrade_not_a_first_evaluation(db, client, login_as):
    with at(date(2027, 1, 10)):
        three, _office = quick_certificate(star=3, decided_on=ISSUED)
        five, _office = quick_certificate(star=5, decided_on=ISSUED)
        options = {o.kind: o for o in dossiers.kind_options(three.product)}
        assert options[DossierKind.upgrade].offered
        assert not options[DossierKind.first].offered
        assert three.number in options[DossierKind.first].reason
        assert "16/01/2029" in options[DossierKind.reevaluation].reason  # window opens then
        five_options = {o.kind: o for o in dossiers.kind_options(five.product)}
        assert "5 sao, hạng cao nhất" in five_options[DossierKind.upgrade].reason
        owner = owner_of(db, three.product)
        login_as(owner)
        page = client.get(f"/products/{three.product.id}").get_data(as_text=True)
        assert offered(page) == ["upgrade"]
        assert refused(page) == ["first", "reevaluation"]
        upgrade = dossiers.create_dossier(three.product, kind=DossierKind.upgrade, actor=owner)
        assert upgrade.previous_certificate_id == three.id


def test_reevaluation_outside_the_window_is_refused_inside_accepted(db):
    certificate, _office = quick_certificate(decided_on=ISSUED)
    product = certificate.product
    owner = owner_of(db, product)
    db.session.commit()
    with at(date(2029, 1, 15)):  # 181 days before expiry: the window is not open
        with pytest.raises(DossierError) as early:
            dossiers.create_dossier(product, kind=DossierKind.reevaluation, actor=owner)
        assert early.value.code == "kind_not_applicable"
        assert "Chưa đến thời hạn nộp hồ sơ đánh giá lại" in early.value.message
        assert "16/01/2029" in early.value.message
        db.session.rollback()
    with at(date(2029, 1, 16)):  # 180 days: the window opens
        dossier = dossiers.create_dossier(product, kind=DossierKind.reevaluation, actor=owner)
        assert dossier.previous_certificate_id == certificate.id
        fill_dossier(dossier, owner)
        dossiers.update_changes(dossier, text="Không thay đổi.", actor=owner)
        dossiers.submit(dossier, actor=owner)
        assert not dossiers.is_late_reevaluation(dossier)
        db.session.commit()


def test_a_draft_from_before_the_window_cannot_be_filed_early(db, app, monkeypatch):
    """The gate runs again when the dossier is filed with the commune."""
    certificate, _office = quick_certificate(decided_on=ISSUED)
    owner = owner_of(db, certificate.product)
    with at(date(2029, 1, 20)):
        dossier = dossiers.create_dossier(certificate.product, kind=DossierKind.reevaluation,
                                          actor=owner)
        fill_dossier(dossier, owner)
        dossiers.update_changes(dossier, text="Không thay đổi.", actor=owner)
    with at(date(2029, 1, 10)), pytest.raises(DossierError) as early:
        dossiers.submit(dossier, actor=owner)  # the clock says it is still early
    assert early.value.code == "kind_not_applicable"


def test_late_filing_is_accepted_and_flagged_or_refused_by_configuration(db, app, monkeypatch):
    certificate, _office = quick_certificate(decided_on=ISSUED)
    owner = owner_of(db, certificate.product)
    with at(date(2029, 5, 1)):  # 75 days before expiry: after the 120-day mark
        dossier = dossiers.create_dossier(certificate.product, kind=DossierKind.reevaluation,
                                          actor=owner)
        fill_dossier(dossier, owner)
        dossiers.update_changes(dossier, text="Không thay đổi.", actor=owner)
        dossiers.submit(dossier, actor=owner)
        assert dossiers.is_late_reevaluation(dossier)
        db.session.delete(dossier)
        db.session.flush()
        monkeypatch.setitem(app.config, "REEVALUATION_LATE_FILING", "refuse")
        with pytest.raises(DossierError) as late:
            dossiers.create_dossier(certificate.product, kind=DossierKind.reevaluation,
                                    actor=owner)
        assert "Đã quá thời hạn nộp hồ sơ đánh giá lại" in late.value.message
        assert "17/03/2029" in late.value.message


def test_revoked_or_lapsed_certificates_leave_only_a_first_evaluation(db):
    from tests.public.helpers import revoke

    with at(date(2027, 1, 10)):
        revoked, office = quick_certificate(decided_on=ISSUED)
        revoke(revoked, office)
        options = {o.kind: o for o in dossiers.kind_options(revoked.product)}
        assert [k for k, o in options.items() if o.offered] == [DossierKind.first]
    lapsed, _office = quick_certificate(decided_on=ISSUED)
    with at(date(2029, 8, 1)):
        options = {o.kind: o for o in dossiers.kind_options(lapsed.product)}
        assert options[DossierKind.first].offered
        assert not options[DossierKind.upgrade].offered
        assert options[DossierKind.reevaluation].offered  # past its window: accepted, late
