"""Navigation by role: each feature registers its entries with a visibility rule.

Entries may belong to a group (``group="dossiers"``): the top menu shows each group as one
dropdown so it keeps to one line on a 1366 px screen whatever the role. An entry without a
group stays a top-level link; a group with a single visible entry shows that entry directly.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: object  # a lazy string
    order: int


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string, translated when rendered
    visible: Callable[[object], bool]
    order: int = 100
    group: str | None = None


@dataclass(frozen=True)
class MenuEntry:
    """One place on the top menu: a link (``items`` holds it alone, ``label`` is None) or a
    dropdown group."""

    key: str
    label: object | None
    items: tuple[NavItem, ...]

    @property
    def is_group(self) -> bool:
        return self.label is not None


GROUPS: dict[str, NavGroup] = {g.key: g for g in (
    NavGroup("dossiers", _l("Hồ sơ & chủ thể"), 10),
    NavGroup("evaluation", _l("Đánh giá"), 30),
    NavGroup("recognition", _l("Công nhận"), 40),
    NavGroup("reports", _l("Báo cáo & giám sát"), 60),
    NavGroup("admin", _l("Quản trị"), 90),
)}

_ITEMS: list[NavItem] = []


def register(endpoint: str, label, visible: Callable[[object], bool], order: int = 100, *,
             group: str | None = None) -> None:
    if group is not None and group not in GROUPS:
        raise ValueError(f"unknown navigation group {group!r} (known: {', '.join(GROUPS)})")
    if all(item.endpoint != endpoint for item in _ITEMS):
        _ITEMS.append(NavItem(endpoint, label, visible, order, group))
        _ITEMS.sort(key=lambda item: item.order)


def visible_items(user) -> list[NavItem]:
    return [item for item in _ITEMS if item.visible(user)]


def menu(user) -> list[MenuEntry]:
    """The top menu for ``user``: links and groups in order (a group sits at its own order)."""
    placed: list[tuple[int, MenuEntry]] = []
    grouped: dict[str, list[NavItem]] = {}
    for item in visible_items(user):
        if item.group is None:
            placed.append((item.order, MenuEntry(item.endpoint, None, (item,))))
        else:
            grouped.setdefault(item.group, []).append(item)
    for key, items in grouped.items():
        group = GROUPS[key]
        if len(items) == 1:
            placed.append((group.order, MenuEntry(items[0].endpoint, None, (items[0],))))
        else:
            placed.append((group.order, MenuEntry(key, group.label, tuple(items))))
    placed.sort(key=lambda pair: pair[0])
    return [entry for _order, entry in placed]


def init_app(app: Flask) -> None:
    @app.context_processor
    def navigation():
        def nav_items():
            return visible_items(current_user)

        def nav_menu():
            return menu(current_user)

        return {"nav_items": nav_items, "nav_menu": nav_menu}
