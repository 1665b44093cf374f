"""The one place that decides role *and* jurisdiction.

Every view asks here: ``require(Permission.x, province_code=…, commune_code=…)`` for an
action on something that sits in a unit, or ``@permission_required`` for coarse checks.
Object-level questions (``dossier.can_edit(user)``) are answered by model methods that call
``allowed`` or ``in_jurisdiction`` below, never by ad-hoc role comparisons in views.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .roles import MANAGEABLE_ROLES, NATIONAL_ROLES, ROLE_PERMISSIONS, Permission, Role


def _is_authenticated(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and getattr(user, "is_active", False))


def in_jurisdiction(user, *, province_code: str | None = None,
                    commune_code: str | None = None) -> bool:
    """Whether ``user``'s territory covers the given unit.

    National roles cover everything. A provincial office covers its province (and therefore
    every commune in it: callers pass the commune's province too). A commune officer covers
    its commune only. Producers and council members have no territory: their access comes
    from ownership or council assignment, checked by the objects themselves.
    """
    if not _is_authenticated(user):
        return False
    if user.role in NATIONAL_ROLES:
        return True
    if user.role == Role.province:
        return province_code is not None and province_code == user.province_code
    if user.role == Role.commune:
        return commune_code is not None and commune_code == user.commune_code
    return False


def has_permission(user, permission: Permission) -> bool:
    return _is_authenticated(user) and permission in ROLE_PERMISSIONS.get(user.role, ())


def allowed(user, permission: Permission, *, province_code: str | None = None,
            commune_code: str | None = None, national: bool = False) -> bool:
    """Role check plus, when a unit is named (or ``national``), the jurisdiction check."""
    if not has_permission(user, permission):
        return False
    if national:
        return user.role in NATIONAL_ROLES
    if province_code is None and commune_code is None:
        return True
    return in_jurisdiction(user, province_code=province_code, commune_code=commune_code)


def require(permission: Permission, **target) -> None:
    """Abort with 403 unless ``current_user`` may do ``permission`` on ``target``."""
    if not allowed(current_user, permission, **target):
        abort(403)


def permission_required(permission: Permission):
    """View decorator: logged in and holding ``permission`` (jurisdiction checked inside)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not has_permission(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_manage_user(actor, *, role: Role, province_code: str | None,
                    commune_code: str | None) -> bool:
    """Whether ``actor`` may create, deactivate or reset an account of this role and unit."""
    if not has_permission(actor, Permission.manage_users):
        return False
    if role not in MANAGEABLE_ROLES.get(actor.role, ()):
        return False
    if actor.role in NATIONAL_ROLES:
        return True
    if actor.role == Role.province:
        return province_code == actor.province_code
    if actor.role == Role.commune:
        return commune_code == actor.commune_code
    return False


def manageable_roles(actor) -> list[Role]:
    if not has_permission(actor, Permission.manage_users):
        return []
    return [r for r in Role if r in MANAGEABLE_ROLES.get(actor.role, ())]


def user_scope_filter(actor, user_model):
    """A SQL condition limiting a user listing to ``actor``'s jurisdiction."""
    from sqlalchemy import false, true

    if not has_permission(actor, Permission.view_users):
        return false()
    if actor.role in NATIONAL_ROLES:
        return true()
    if actor.role == Role.province:
        return user_model.province_code == actor.province_code
    if actor.role == Role.commune:
        return user_model.commune_code == actor.commune_code
    return false()
