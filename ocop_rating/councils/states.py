"""Round workflow: planned → open → scoring → closed → concluded. Closing the session reveals
the scores and is final: it never returns to scoring (re-scoring after the reveal is the
audited discussion loop of ``evaluation.services.start_rescore``)."""
from __future__ import annotations

from .. import audit
from ..db import utcnow
from ..errors import InvalidTransition
from .models import RoundState

R = RoundState
ALLOWED = {
    (R.planned, R.open),
    (R.open, R.scoring),
    (R.scoring, R.closed),
    (R.closed, R.concluded),
}


def transition(round_, to: RoundState, *, actor, note: str = "") -> None:
    if (round_.state, to) not in ALLOWED:
        raise InvalidTransition(round_.state.label, to.label)
    audit.record(round_, "status", old=round_.state, new=to, actor=actor, note=note)
    round_.state = to
    if to == R.closed:
        round_.session_closed_at = utcnow()
    if to == R.concluded:
        round_.concluded_at = utcnow()
