"""Login throttle: slows password guessing without letting anyone lock a user out.

Failed logins are counted per (account, address) and per address, in the rate-limit storage
(memory or Redis, security/ratelimit.py), over moving windows with growing lengths
(``LOGIN_THROTTLE_PAIR``, ``LOGIN_THROTTLE_ADDRESS``). While a pair or an address is over a
limit, its logins are refused with the very answer a wrong password gets; the same account
from any other address logs in as usual. Nothing is counted per account alone: that counter
is what let anyone lock out anyone before (issue 12).

An administrator clears an account's counters by bumping ``User.login_throttle_epoch``, part
of every pair key (no storage can list keys portably).
"""
from __future__ import annotations

from flask import current_app
from limits import parse_many

from ..security.ratelimit import counter


def _limits(key: str):
    return parse_many(current_app.config[key])


def _prefix() -> str:
    return current_app.config.get("RATELIMIT_KEY_PREFIX") or "ocop"


def _pair(username: str, epoch: int, address: str) -> tuple[str, ...]:
    return (_prefix(), "login-pair", username, str(epoch), address)


def _address(address: str) -> tuple[str, ...]:
    return (_prefix(), "login-address", address)


def is_throttled(username: str, epoch: int, address: str) -> bool:
    """Whether logins of ``username`` from ``address`` are paused for now."""
    c = counter(current_app)
    return (any(not c.test(item, *_pair(username, epoch, address))
                for item in _limits("LOGIN_THROTTLE_PAIR"))
            or any(not c.test(item, *_address(address))
                   for item in _limits("LOGIN_THROTTLE_ADDRESS")))


def record_failure(username: str, epoch: int, address: str) -> None:
    c = counter(current_app)
    for item in _limits("LOGIN_THROTTLE_PAIR"):
        c.hit(item, *_pair(username, epoch, address))
    for item in _limits("LOGIN_THROTTLE_ADDRESS"):
        c.hit(item, *_address(address))


def clear_pair(username: str, epoch: int, address: str) -> None:
    """A successful login forgets that pair's earlier failures."""
    c = counter(current_app)
    for item in _limits("LOGIN_THROTTLE_PAIR"):
        c.clear(item, *_pair(username, epoch, address))


def second_factor_refused(user_id: int) -> bool:
    c = counter(current_app)
    return any(not c.test(item, _prefix(), "2fa", str(user_id))
               for item in _limits("TWO_FACTOR_MAX_FAILURES"))


def record_second_factor_failure(user_id: int) -> None:
    c = counter(current_app)
    for item in _limits("TWO_FACTOR_MAX_FAILURES"):
        c.hit(item, _prefix(), "2fa", str(user_id))
