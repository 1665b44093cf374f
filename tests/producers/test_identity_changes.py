"""Edits within jurisdiction (issue 12 §6): an officer never moves a producer out of their
territory; once approved, a producer's identity facts (registration number, kind, name, the
representative and the facts of criterion 3.2) change only through a request that the commune
approves again, audited."""
from ocop_rating.accounts.roles import Role
from ocop_rating.audit import AuditEvent
from ocop_rating.notifications.models import Notification
from ocop_rating.producers.models import ChangeStatus, Gender, Producer, ProducerChangeRequest
from tests.conftest import committed, form_post
from tests.factories import (
    DEFAULT_PASSWORD,
    DI_LINH,
    HA_LONG,
    LAM_DONG,
    QUANG_NINH,
    VAN_DON,
    make_producer,
    make_user,
)


def edit_form(producer, **overrides):
    data = {
        "kind": producer.kind.value, "name": producer.name,
        "registration_number": producer.registration_number,
        "province_code": producer.province_code, "commune_code": producer.commune_code,
        "address": producer.address, "phone": producer.phone, "email": producer.email or "",
        "representative_name": producer.representative_name,
        "representative_position": producer.representative_position,
        "representative_gender": producer.representative_gender.value,
        "representative_ethnicity": producer.representative_ethnicity,
    }
    data["representative_disabled"] = "yes" if producer.representative_disabled else "no"
    data.update(overrides)
    return data


def post_edit(client, producer, **overrides):
    url = f"/producers/{producer.id}/edit"
    return form_post(client, url, edit_form(producer, **overrides), form_page=url)


def test_a_commune_officer_cannot_move_a_producer_out_of_the_commune(client, db, login_as):
    producer, _ = make_producer(commune_code=VAN_DON)
    login_as(make_user(Role.commune, commune_code=VAN_DON))
    for province, commune in ((LAM_DONG, DI_LINH), (QUANG_NINH, HA_LONG)):
        response = post_edit(client, producer, province_code=province, commune_code=commune,
                             phone="0999 000 111")
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "thuộc địa bàn mình phụ trách" in html
        assert "0999 000 111" in html          # the input is kept
        committed(db)
        stored = db.session.get(Producer, producer.id)
        assert (stored.province_code, stored.commune_code, stored.phone) == \
            (QUANG_NINH, VAN_DON, producer.phone)


def test_a_province_moves_a_producer_only_within_the_province(client, db, login_as):
    producer, _ = make_producer(commune_code=VAN_DON)
    login_as(make_user(Role.province, province_code=QUANG_NINH))
    assert post_edit(client, producer, province_code=LAM_DONG,
                     commune_code=DI_LINH).status_code == 422
    committed(db)
    assert db.session.get(Producer, producer.id).province_code == QUANG_NINH
    assert post_edit(client, producer, commune_code=HA_LONG).status_code == 302
    committed(db)
    assert db.session.get(Producer, producer.id).commune_code == HA_LONG


def test_identity_changes_wait_for_the_commune_and_are_audited(app, client, db, login_as):
    producer, owner = make_producer(commune_code=VAN_DON)
    officer = make_user(Role.commune, commune_code=VAN_DON)
    old_number = producer.registration_number
    login_as(owner)
    response = post_edit(client, producer, registration_number="5799999999",
                         representative_gender="male", phone="0911 222 333")
    assert response.status_code == 302
    committed(db)
    stored = db.session.get(Producer, producer.id)
    # the plain contact fact is saved; the identity facts wait
    assert stored.phone == "0911 222 333"
    assert stored.registration_number == old_number
    assert stored.representative_gender == Gender.female
    change = db.session.scalar(db.select(ProducerChangeRequest).filter_by(
        producer_id=producer.id))
    assert change.status == ChangeStatus.pending
    assert change.changes == {
        "registration_number": {"old": old_number, "new": "5799999999"},
        "representative_gender": {"old": "female", "new": "male"}}
    assert db.session.scalar(db.select(Notification).filter_by(
        user_id=officer.id, kind="producer_change_requested")) is not None
    page = client.get(f"/producers/{producer.id}").get_data(as_text=True)
    assert "chờ xã phê duyệt" in page and "5799999999" in page
    assert "Phê duyệt thay đổi" not in page          # the producer cannot approve itself
    assert form_post(client, f"/producers/{producer.id}/changes/{change.id}/approve",
                     form_page=f"/producers/{producer.id}").status_code == 403

    # an officer of another commune neither sees nor approves it
    stranger = app.test_client()
    form_post(stranger, "/login", {"username": make_user(
        Role.commune, commune_code=HA_LONG).username, "password": DEFAULT_PASSWORD})
    db.session.commit()
    assert stranger.post(f"/producers/{producer.id}/changes/{change.id}/approve").status_code \
        in (400, 403)

    theirs = app.test_client()
    form_post(theirs, "/login", {"username": officer.username, "password": DEFAULT_PASSWORD})
    page = theirs.get(f"/producers/{producer.id}").get_data(as_text=True)
    assert "Phê duyệt thay đổi" in page
    response = form_post(theirs, f"/producers/{producer.id}/changes/{change.id}/approve",
                         form_page=f"/producers/{producer.id}")
    assert response.status_code == 302
    committed(db)
    stored = db.session.get(Producer, producer.id)
    assert stored.registration_number == "5799999999"
    assert stored.representative_gender == Gender.male
    assert db.session.get(ProducerChangeRequest, change.id).status == ChangeStatus.approved
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).filter_by(
        object_type="producers", object_id=str(producer.id)).order_by(AuditEvent.id))]
    assert actions[-4:] == ["updated", "change_requested", "updated", "change_decided"]
    assert db.session.scalar(db.select(Notification).filter_by(
        user_id=owner.id, kind="producer_change_decided")) is not None
    # approving twice does nothing more
    form_post(theirs, f"/producers/{producer.id}/changes/{change.id}/approve",
              form_page=f"/producers/{producer.id}")
    committed(db)
    decided = db.session.scalars(db.select(AuditEvent).filter_by(
        object_type="producers", object_id=str(producer.id), action="change_decided")).all()
    assert len(decided) == 1


def test_a_rejection_needs_a_reason_and_changes_nothing(client, db, login_as):
    producer, owner = make_producer(commune_code=VAN_DON)
    login_as(owner)
    post_edit(client, producer, representative_ethnicity="09")
    committed(db)
    change = db.session.scalar(db.select(ProducerChangeRequest).filter_by(
        producer_id=producer.id))
    client.delete_cookie("session")
    login_as(make_user(Role.commune, commune_code=VAN_DON))
    url = f"/producers/{producer.id}/changes/{change.id}/reject"
    form_post(client, url, {"reason": ""}, form_page=f"/producers/{producer.id}")
    committed(db)
    assert db.session.get(ProducerChangeRequest, change.id).status == ChangeStatus.pending
    form_post(client, url, {"reason": "Không có giấy tờ chứng minh"},
              form_page=f"/producers/{producer.id}")
    committed(db)
    assert db.session.get(ProducerChangeRequest, change.id).status == ChangeStatus.rejected
    assert db.session.get(Producer, producer.id).representative_ethnicity == "01"
    page = client.get(f"/producers/{producer.id}").get_data(as_text=True)
    assert "Không có giấy tờ chứng minh" in page


def test_before_approval_the_producer_edits_its_facts_directly(client, db, login_as):
    producer, owner = make_producer(approved=False)
    owner.is_active_account = True          # pending accounts cannot log in; edit as owner
    login_as(owner)
    assert post_edit(client, producer, registration_number="5788888888").status_code == 302
    committed(db)
    assert db.session.get(Producer, producer.id).registration_number == "5788888888"
    assert db.session.scalar(db.select(ProducerChangeRequest).filter_by(
        producer_id=producer.id)) is None
