import pytest

from ocop_rating.accounts.permissions import allowed, can_manage_user, in_jurisdiction
from ocop_rating.accounts.roles import Permission, Role
from tests.factories import DI_LINH, HA_LONG, LAM_DONG, QUANG_NINH, VAN_DON, make_user


@pytest.fixture()
def people(db):
    return {
        "admin": make_user(Role.admin),
        "ministry": make_user(Role.ministry),
        "qn": make_user(Role.province, province_code=QUANG_NINH),
        "ld": make_user(Role.province, province_code=LAM_DONG),
        "vandon": make_user(Role.commune, commune_code=VAN_DON),
        "producer": make_user(Role.producer, commune_code=VAN_DON),
        "member": make_user(Role.council_member, province_code=QUANG_NINH),
    }


@pytest.mark.parametrize("who,province,commune,expected", [
    ("admin", LAM_DONG, DI_LINH, True),
    ("ministry", QUANG_NINH, VAN_DON, True),
    ("qn", QUANG_NINH, VAN_DON, True),
    ("qn", QUANG_NINH, HA_LONG, True),
    ("qn", LAM_DONG, DI_LINH, False),
    ("ld", QUANG_NINH, None, False),
    ("vandon", QUANG_NINH, VAN_DON, True),
    ("vandon", QUANG_NINH, HA_LONG, False),
    ("vandon", QUANG_NINH, None, False),
    ("producer", QUANG_NINH, VAN_DON, False),
    ("member", QUANG_NINH, VAN_DON, False),
])
def test_jurisdiction(people, who, province, commune, expected):
    assert in_jurisdiction(people[who], province_code=province, commune_code=commune) is expected


def test_role_and_jurisdiction_together(people):
    assert allowed(people["qn"], Permission.view_users, province_code=QUANG_NINH)
    assert not allowed(people["qn"], Permission.view_users, province_code=LAM_DONG)
    assert not allowed(people["producer"], Permission.view_users)
    assert allowed(people["ministry"], Permission.view_users, national=True)
    assert not allowed(people["qn"], Permission.view_users, national=True)


def test_anonymous_and_inactive_users_are_refused(people):
    from flask_login import AnonymousUserMixin

    assert not in_jurisdiction(AnonymousUserMixin(), province_code=QUANG_NINH)
    people["qn"].is_active_account = False
    assert not allowed(people["qn"], Permission.view_users, province_code=QUANG_NINH)


@pytest.mark.parametrize("actor,role,province,commune,expected", [
    ("admin", Role.admin, None, None, True),
    ("ministry", Role.admin, None, None, False),
    ("ministry", Role.province, LAM_DONG, None, True),
    ("qn", Role.commune, QUANG_NINH, VAN_DON, True),
    ("qn", Role.commune, LAM_DONG, DI_LINH, False),
    ("qn", Role.ministry, None, None, False),
    ("vandon", Role.producer, QUANG_NINH, VAN_DON, True),
    ("vandon", Role.producer, QUANG_NINH, HA_LONG, False),
    ("vandon", Role.commune, QUANG_NINH, VAN_DON, False),
    ("producer", Role.producer, QUANG_NINH, VAN_DON, False),
])
def test_who_manages_whom(people, actor, role, province, commune, expected):
    assert can_manage_user(people[actor], role=role, province_code=province,
                           commune_code=commune) is expected
