"""One way for a form POST to run a service: commit once on success and say so, or roll
back and show the rule that refused it. Nothing is half-written either way."""
from __future__ import annotations

from typing import Callable

from flask import flash

from .db import db
from .errors import OcopError


def perform(action: Callable[[], object], success: str | Callable[[object], str] | None = None
            ) -> bool:
    """Run ``action`` (a service call); commit and flash ``success`` (a message, or a
    function of the action's result, None when there is nothing to report), or roll back and flash the domain error."""
    try:
        result = action()
    except OcopError as e:
        db.session.rollback()
        flash(str(e.message), "danger")
        return False
    db.session.commit()
    message = success(result) if callable(success) else success
    if message:  # a function may return None when nothing was done: no success message then
        flash(str(message), "success")
    return True
