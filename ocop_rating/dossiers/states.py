"""The dossier workflow (Decision 26/2026, DOMAIN.md §5.1–5.3): the allowed transitions in
one table and the one function that performs them, auditing each."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from .. import audit
from ..db import utcnow
from ..errors import InvalidTransition
from ..i18n import label_once


class DossierStatus(str, enum.Enum):
    draft = "draft"                                # the producer is preparing it
    submitted = "submitted"                        # with the commune (15 working days)
    returned_by_commune = "returned_by_commune"    # back to the producer, editable
    forwarded = "forwarded"                        # with the provincial OCOP office
    returned_by_province = "returned_by_province"  # back to the producer for supplement
    accepted = "accepted"                          # complete; waiting for a council round
    in_round = "in_round"                          # in a council round (review, scoring)
    evaluated = "evaluated"                        # the council has concluded on it

    @property
    @label_once
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def badge(self) -> str:
        return STATUS_BADGES[self]

    @property
    def is_editable_by_producer(self) -> bool:
        return self in EDITABLE


STATUS_LABELS = {
    DossierStatus.draft: _l("Đang soạn"),
    DossierStatus.submitted: _l("Đã nộp cấp xã"),
    DossierStatus.returned_by_commune: _l("Xã trả lại"),
    DossierStatus.forwarded: _l("Đã chuyển cấp tỉnh"),
    DossierStatus.returned_by_province: _l("Tỉnh yêu cầu bổ sung"),
    DossierStatus.accepted: _l("Đã tiếp nhận, chờ đánh giá"),
    DossierStatus.in_round: _l("Đang đánh giá"),
    DossierStatus.evaluated: _l("Đã có kết quả đánh giá"),
}
STATUS_BADGES = {
    DossierStatus.draft: "secondary",
    DossierStatus.submitted: "primary",
    DossierStatus.returned_by_commune: "warning",
    DossierStatus.forwarded: "info",
    DossierStatus.returned_by_province: "warning",
    DossierStatus.accepted: "success",
    DossierStatus.in_round: "primary",
    DossierStatus.evaluated: "dark",
}

EDITABLE = frozenset({DossierStatus.draft, DossierStatus.returned_by_commune,
                      DossierStatus.returned_by_province})

S = DossierStatus
ALLOWED = {
    (S.draft, S.submitted),
    (S.submitted, S.returned_by_commune),
    (S.submitted, S.forwarded),
    (S.returned_by_commune, S.submitted),
    (S.forwarded, S.returned_by_province),
    (S.forwarded, S.accepted),
    # A supplement asked for by the province goes straight back to the province: the commune's
    # check (Form 03) stands, and the dossier is not made to queue at the commune again.
    (S.returned_by_province, S.forwarded),
    # The councils feature: into a round, back for supplement from the advisory group,
    # and concluded.
    (S.accepted, S.in_round),
    (S.in_round, S.returned_by_province),
    (S.in_round, S.evaluated),
}

# When each state is entered, the timestamp column to stamp.
STAMPS = {
    S.submitted: "submitted_at",
    S.forwarded: "forwarded_at",
    S.accepted: "accepted_at",
    S.returned_by_commune: "returned_at",
    S.returned_by_province: "returned_at",
}


def transition(dossier, to: DossierStatus, *, actor, note: str = "") -> None:
    """Move ``dossier`` to ``to`` if the workflow allows it; audit first, then set."""
    if (dossier.status, to) not in ALLOWED:
        raise InvalidTransition(dossier.status.label, to.label)
    audit.record(dossier, "status", old=dossier.status, new=to, actor=actor, note=note)
    dossier.status = to
    stamp = STAMPS.get(to)
    if stamp:
        setattr(dossier, stamp, utcnow())
