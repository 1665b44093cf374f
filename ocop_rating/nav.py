"""Navigation by role: each feature registers its entries with a visibility rule."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Flask
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy string, translated when rendered
    visible: Callable[[object], bool]
    order: int = 100


_ITEMS: list[NavItem] = []


def register(endpoint: str, label, visible: Callable[[object], bool], order: int = 100) -> None:
    if all(item.endpoint != endpoint for item in _ITEMS):
        _ITEMS.append(NavItem(endpoint, label, visible, order))
        _ITEMS.sort(key=lambda item: item.order)


def init_app(app: Flask) -> None:
    @app.context_processor
    def navigation():
        def nav_items():
            return [item for item in _ITEMS if item.visible(current_user)]

        return {"nav_items": nav_items}
