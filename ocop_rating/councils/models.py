"""Councils (hội đồng), their advisory groups (tổ tư vấn), rounds (đợt), the dossiers put
into a round (evaluations), conflicts of interest and the members' score sheets."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.permissions import in_jurisdiction
from ..accounts.roles import NATIONAL_ROLES, Role
from ..db import UTCDateTime, db, enum_column, utcnow
from ..dossiers.models import Dossier
from ..i18n import label_once
from ..rulebook import CouncilRules

if TYPE_CHECKING:  # the sheets live in the evaluation feature, above this one
    from ..evaluation.models import ScoreSheet


class CouncilLevel(str, enum.Enum):
    """Levels as configuration: the district level existed before 1 July 2025 (rulebooks
    1048 and 148) and is kept for those records."""

    district = "district"
    province = "province"
    central = "central"

    @property
    @label_once
    def label(self) -> str:
        return str({CouncilLevel.district: _l("Cấp huyện (trước 7/2025)"),
                    CouncilLevel.province: _l("Cấp tỉnh"),
                    CouncilLevel.central: _l("Cấp trung ương")}[self])


class DecisionMode(str, enum.Enum):
    meeting = "meeting"   # the council meets and scores
    written = "written"   # written opinions (re-evaluation); meets only if opinions diverge

    @property
    @label_once
    def label(self) -> str:
        return str({DecisionMode.meeting: _l("Họp hội đồng"),
                    DecisionMode.written: _l("Lấy ý kiến bằng văn bản")}[self])


class MemberRole(str, enum.Enum):
    chair = "chair"
    vice_chair = "vice_chair"
    member = "member"
    secretary = "secretary"

    @property
    @label_once
    def label(self) -> str:
        return str({MemberRole.chair: _l("Chủ tịch hội đồng"),
                    MemberRole.vice_chair: _l("Phó Chủ tịch hội đồng"),
                    MemberRole.member: _l("Thành viên"),
                    MemberRole.secretary: _l("Thành viên kiêm thư ký")}[self])


class Council(db.Model):
    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    # indexed: the ministry's lists start from the central council, not from every
    # evaluation of the nation
    level: Mapped[CouncilLevel] = mapped_column(enum_column(CouncilLevel), index=True)
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    decision_number: Mapped[str] = mapped_column(String(64))
    decision_date: Mapped[date]
    term_from: Mapped[date | None]
    term_to: Mapped[date | None]
    decision_mode: Mapped[DecisionMode] = mapped_column(enum_column(DecisionMode),
                                                        default=DecisionMode.meeting)
    # CouncilRules.to_dict(): quorum, spread limit, trimming … (rules as data, DOMAIN.md §4)
    rules: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[CouncilMember]] = relationship(
        back_populates="council", cascade="all, delete-orphan", order_by="CouncilMember.id")
    advisors: Mapped[list[AdvisoryMember]] = relationship(
        back_populates="council", cascade="all, delete-orphan", order_by="AdvisoryMember.id")
    rounds: Mapped[list[Round]] = relationship(back_populates="council",
                                               order_by="Round.finish_by")
    province = relationship("Province")

    __table_args__ = (
        CheckConstraint("(level = 'central') = (province_code IS NULL)",
                        name="central_has_no_province"),
    )

    @property
    def council_rules(self) -> CouncilRules:
        return CouncilRules.from_dict(self.rules or {})

    def member_for(self, user) -> CouncilMember | None:
        uid = getattr(user, "id", None)
        return next((m for m in self.members if m.user_id == uid and m.is_active), None)

    @property
    def active_members(self) -> list[CouncilMember]:
        return [m for m in self.members if m.is_active]

    @property
    def chair(self) -> CouncilMember | None:
        return next((m for m in self.active_members if m.role == MemberRole.chair), None)

    def can_manage(self, user) -> bool:
        """The office that runs the council: the provincial OCOP office of its province,
        the ministry for the central council; administrators everywhere."""
        role = getattr(user, "role", None)
        if role == Role.admin and getattr(user, "is_active", False):
            return True
        if self.level == CouncilLevel.central:
            return role == Role.ministry and getattr(user, "is_active", False)
        return role == Role.province and in_jurisdiction(user, province_code=self.province_code)

    def can_view(self, user) -> bool:
        if self.can_manage(user) or self.member_for(user) is not None:
            return True
        if any(a.user_id == getattr(user, "id", None) for a in self.advisors):
            return True
        return getattr(user, "role", None) in NATIONAL_ROLES

    def is_secretary_or_chair(self, user) -> bool:
        member = self.member_for(user)
        return member is not None and member.role in (MemberRole.chair, MemberRole.secretary)


class CouncilMember(db.Model):
    __tablename__ = "council_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole))
    agency: Mapped[str] = mapped_column(String(255), default="")
    # The member's profile for conflict-of-interest flags: where they live and work, and
    # producers they are related to (family, employment, shareholding …).
    home_commune_code: Mapped[str | None] = mapped_column(ForeignKey("communes.code"))
    work_commune_code: Mapped[str | None] = mapped_column(ForeignKey("communes.code"))
    related_producer_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    relationship_note: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)

    council: Mapped[Council] = relationship(back_populates="members")
    user = relationship("User")

    __table_args__ = (UniqueConstraint("council_id", "user_id", name="one_seat_per_user"),)


class AdvisoryMember(db.Model):
    __tablename__ = "advisory_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    is_lead: Mapped[bool] = mapped_column(default=False)
    agency: Mapped[str] = mapped_column(String(255), default="")

    council: Mapped[Council] = relationship(back_populates="advisors")
    user = relationship("User")

    __table_args__ = (UniqueConstraint("council_id", "user_id", name="one_advisor_seat"),)


class RoundState(str, enum.Enum):
    planned = "planned"
    open = "open"            # taking dossiers; advisory review
    scoring = "scoring"      # members score
    closed = "closed"        # scoring session closed: scores visible, results computed
    concluded = "concluded"  # the council has concluded and proposed

    @property
    @label_once
    def label(self) -> str:
        return str({RoundState.planned: _l("Dự kiến"), RoundState.open: _l("Đang nhận hồ sơ"),
                    RoundState.scoring: _l("Đang chấm điểm"),
                    RoundState.closed: _l("Đã đóng phiên chấm"),
                    RoundState.concluded: _l("Đã kết luận")}[self])

    @property
    def badge(self) -> str:
        return {"planned": "secondary", "open": "info", "scoring": "primary",
                "closed": "warning", "concluded": "success"}[self.value]


class Round(db.Model):
    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    year: Mapped[int]
    proposals_by: Mapped[date]
    finish_by: Mapped[date]
    is_extra: Mapped[bool] = mapped_column(default=False)
    state: Mapped[RoundState] = mapped_column(enum_column(RoundState),
                                              default=RoundState.planned)
    session_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conclusion: Mapped[str] = mapped_column(Text, default="")
    # The council's rules as they stood when scoring started (CouncilRules.to_dict()): later
    # edits of the council's rules apply to later rounds only.
    pinned_rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(default=1)

    council: Mapped[Council] = relationship(back_populates="rounds")
    evaluations: Mapped[list[Evaluation]] = relationship(
        back_populates="round", order_by="Evaluation.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint("proposals_by <= finish_by", name="dates_in_order"),)

    @property
    def rules(self) -> CouncilRules:
        """The rules this round is scored and concluded under: pinned when scoring starts;
        before that, the council's current rules."""
        if self.pinned_rules is not None:
            return CouncilRules.from_dict(self.pinned_rules)
        return self.council.council_rules

    @property
    def scores_visible(self) -> bool:
        """Members see each other's scores only once the session is closed."""
        return self.state in (RoundState.closed, RoundState.concluded)


class EvaluationStatus(str, enum.Enum):
    review = "review"              # with the advisory group
    supplement = "supplement"      # sent back to the producer for supplement
    scoring = "scoring"
    concluded = "concluded"

    @property
    @label_once
    def label(self) -> str:
        return str({EvaluationStatus.review: _l("Tổ tư vấn đang xem xét"),
                    EvaluationStatus.supplement: _l("Chờ chủ thể bổ sung"),
                    EvaluationStatus.scoring: _l("Đang chấm điểm"),
                    EvaluationStatus.concluded: _l("Đã có kết quả")}[self])


class Evaluation(db.Model):
    """One dossier in one round: the advisory review, the members' sheets and the result.
    A 5★ candidate gets a second evaluation at the central council that points back to this
    one (``escalated_from``): the provincial record is kept, never replaced."""

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    status: Mapped[EvaluationStatus] = mapped_column(enum_column(EvaluationStatus),
                                                     default=EvaluationStatus.review)
    escalated_from_id: Mapped[int | None] = mapped_column(ForeignKey("evaluations.id"),
                                                          index=True)
    # advisory review (tổ tư vấn)
    advisory_notes: Mapped[str] = mapped_column(Text, default="")
    site_visit_on: Mapped[date | None]
    site_visit_notes: Mapped[str] = mapped_column(Text, default="")
    advisory_report: Mapped[str] = mapped_column(Text, default="")
    report_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the result, frozen when the council concludes (the rulebook version is inside)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    mean_total: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    star: Mapped[int | None]
    recognised: Mapped[bool] = mapped_column(default=False)
    proposal: Mapped[str] = mapped_column(Text, default="")
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[Round] = relationship(back_populates="evaluations")
    dossier: Mapped[Dossier] = relationship()
    escalated_from: Mapped[Evaluation | None] = relationship(remote_side=[id])
    sheets: Mapped[list[ScoreSheet]] = relationship(back_populates="evaluation",
                                                    order_by="ScoreSheet.id")
    lab_tests: Mapped[list[LabTest]] = relationship(back_populates="evaluation",
                                                    order_by="LabTest.id")
    exclusions: Mapped[list[Exclusion]] = relationship(back_populates="evaluation")
    conflicts: Mapped[list[Conflict]] = relationship(back_populates="evaluation",
                                                     order_by="Conflict.id")

    __table_args__ = (UniqueConstraint("round_id", "dossier_id", name="once_per_round"),)

    @property
    def council(self) -> Council:
        return self.round.council

    def sheet_of(self, member: CouncilMember) -> ScoreSheet | None:
        return next((s for s in self.sheets if s.member_id == member.id), None)


class LabTest(db.Model):
    """An extra laboratory test the advisory group asked for, and its result."""

    __tablename__ = "lab_tests"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                   ondelete="SET NULL"))
    result_text: Mapped[str] = mapped_column(Text, default="")
    result_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    result_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    evaluation: Mapped[Evaluation] = relationship(back_populates="lab_tests")
    result_file = relationship("StoredFile")


class Exclusion(db.Model):
    """The secretary takes a member off one dossier (every member scores every dossier by
    default)."""

    __tablename__ = "exclusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_members.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    evaluation: Mapped[Evaluation] = relationship(back_populates="exclusions")
    member: Mapped[CouncilMember] = relationship()

    __table_args__ = (UniqueConstraint("evaluation_id", "member_id", name="one_exclusion"),)


class ConflictStatus(str, enum.Enum):
    pending = "pending"    # declared or flagged, waiting for the chair
    upheld = "upheld"      # the member does not score this dossier
    dismissed = "dismissed"

    @property
    @label_once
    def label(self) -> str:
        return str({ConflictStatus.pending: _l("Chờ chủ tịch quyết định"),
                    ConflictStatus.upheld: _l("Có xung đột lợi ích"),
                    ConflictStatus.dismissed: _l("Không xung đột")}[self])


class Conflict(db.Model):
    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_members.id"))
    declared: Mapped[bool] = mapped_column(default=False)  # False: flagged by the system
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ConflictStatus] = mapped_column(enum_column(ConflictStatus),
                                                   default=ConflictStatus.pending)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    evaluation: Mapped[Evaluation] = relationship(back_populates="conflicts")
    member: Mapped[CouncilMember] = relationship()

    __table_args__ = (UniqueConstraint("evaluation_id", "member_id", name="one_conflict"),)
