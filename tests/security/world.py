"""One small world holding an object of every kind a URL rule names, and one account of every
kind of user, for the access matrix and the form fuzz (tests/security). Built once per module
through the factories and the services, committed, emptied by the module's teardown."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

from ocop_rating.accounts.roles import Role
from tests.conftest import CSRF_RE, IsolatedClient, form_post
from tests.factories import (
    DEFAULT_PASSWORD,
    HA_LONG,
    LAM_DONG,
    QUANG_NINH,
    VAN_DON,
    DI_LINH,
    complete_dossier,
    issued_certificate,
    make_council,
    make_dossier,
    make_producer,
    make_product,
    make_user,
    pdf_upload,
    accepted_dossier,
    score_all,
)

# Every kind of user the matrix asks about. Province A is Quảng Ninh, where everything lives
# (commune Vân Đồn); province B is Lâm Đồng.
KINDS = (
    "admin", "ministry", "province_a", "province_b", "commune_in", "commune_out",
    "member_assigned", "member_unassigned", "member_excluded", "member_conflicted",
    "advisor", "central_member", "owner", "other_producer", "anonymous",
)


@dataclass
class World:
    users: dict[str, object] = field(default_factory=dict)   # kind -> User (not anonymous)
    ids: dict[str, object] = field(default_factory=dict)     # url argument -> value


def png_upload(name: str = "anh.png"):
    from PIL import Image
    from werkzeug.datastructures import FileStorage

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    buffer.seek(0)
    return FileStorage(stream=buffer, filename=name, content_type="image/png")


def build_world() -> World:
    from ocop_rating.api import tokens
    from ocop_rating.councils import services as councils
    from ocop_rating.councils.models import CouncilLevel, MemberRole, RoundState
    from ocop_rating.db import db
    from ocop_rating.dossiers import services as dossiers
    from ocop_rating.evaluation import services as scoring
    from ocop_rating.legaltime import legal_today
    from ocop_rating.notifications.services import notify
    from ocop_rating.producers import services as producers
    from ocop_rating.products import services as products
    from ocop_rating.reevaluation import services as reevaluation
    from ocop_rating.dossiers.checklist import LOCAL_ITEMS, checklist_for
    from ocop_rating.opendata import build as opendata
    from ocop_rating.reevaluation.models import InspectionKind, InspectionOutcome

    w = World()
    u = w.users
    u["admin"] = make_user(Role.admin)
    u["ministry"] = make_user(Role.ministry)
    u["province_a"] = make_user(Role.province, province_code=QUANG_NINH)
    u["province_b"] = make_user(Role.province, province_code=LAM_DONG)
    u["commune_in"] = make_user(Role.commune, commune_code=VAN_DON)
    u["commune_out"] = make_user(Role.commune, commune_code=HA_LONG)  # same province
    producer, owner = make_producer(commune_code=VAN_DON, approver=u["commune_in"])
    u["owner"] = owner
    other, other_user = make_producer(commune_code=VAN_DON, approver=u["commune_in"])
    u["other_producer"] = other_user

    # Council A (Quảng Ninh): chair, secretary and three members; an advisor.
    council, _office, people = make_council(province_code=QUANG_NINH, members=5,
                                            office=u["province_a"])
    chair, secretary, assigned, excluded, conflicted = people
    u["member_assigned"] = assigned.user
    u["member_excluded"] = excluded.user
    u["member_conflicted"] = conflicted.user
    u["member_unassigned"] = make_user(Role.council_member, province_code=QUANG_NINH)
    u["advisor"] = make_user(Role.council_member, province_code=QUANG_NINH)
    councils.add_advisor(council, u["advisor"], is_lead=True, agency="Sở KH&CN",
                         actor=u["province_a"])
    central, _ministry_office, central_people = make_council(
        level=CouncilLevel.central, members=3, office=u["ministry"])
    u["central_member"] = central_people[2].user

    # A certificate of the owner (scored by council A's five members, concluded at 4 stars).
    certificate, _o = issued_certificate(star=4, council=council, owner=(producer, owner))
    decision = certificate.decision

    # An evaluation in scoring in a second round of council A: the assigned member has
    # submitted a sheet, one member is excluded, one has declared a conflict.
    scored_dossier = accepted_dossier(owner=(producer, owner))
    today = legal_today()
    round_ = councils.create_round(council, name="Đợt ma trận", proposals_by=today,
                                   finish_by=today + timedelta(days=60), is_extra=True,
                                   actor=u["province_a"])
    councils.move_round(round_, RoundState.open, actor=u["province_a"])
    evaluation = councils.add_to_round(round_, scored_dossier, actor=u["province_a"])
    councils.move_round(round_, RoundState.scoring, actor=u["province_a"])
    councils.exclude_member(evaluation, excluded, reason="Vắng mặt", actor=u["province_a"])
    conflict = councils.declare_conflict(evaluation, reason="Họ hàng của chủ thể",
                                         actor=conflicted.user)
    sheet = score_all(scoring.open_sheet(evaluation, actor=assigned.user), assigned.user)
    lab_test = councils.request_lab_test(evaluation, description="Kiểm nghiệm vi sinh",
                                         actor=u["province_a"])
    councils.record_lab_result(lab_test, result_text="Đạt", file_storage=pdf_upload(),
                               actor=u["province_a"])

    # A dossier submitted to the commune, with evidence, of a product with a photo; a draft
    # (what the owner edits) and one the commune sent on to the province.
    product = make_product(producer, owner)
    dossier = complete_dossier(make_dossier(product, owner), owner)
    dossiers.submit(dossier, actor=owner)
    evidence = dossier.evidence[0]
    draft = complete_dossier(make_dossier(make_product(producer, owner), owner), owner)
    forwarded = complete_dossier(make_dossier(make_product(producer, owner), owner), owner)
    dossiers.submit(forwarded, actor=owner)
    dossiers.save_commune_check(
        forwarded, actor=u["commune_in"], checklist={i.code: True for i in checklist_for(1)},
        assessments={f: "Đạt" for f, _label in LOCAL_ITEMS}, proposal="Đề nghị đánh giá")
    dossiers.forward_to_province(forwarded, actor=u["commune_in"])
    photo = products.add_photo(product, png_upload(), actor=owner)

    change = producers.request_change(producer, {"name": "Hợp tác xã Đổi Tên"}, actor=owner)
    [notice] = notify([owner], kind="matrix", subject="Thông báo", body="Nội dung")
    token, _secret = tokens.create_token(u["province_a"], name="Cổng tỉnh", scopes=["read"],
                                         expires_on=today + timedelta(days=30), today=today)
    plan = reevaluation.create_plan(province_code=QUANG_NINH, name="Kế hoạch ma trận",
                                    period_from=date(2026, 1, 1), period_to=date(2030, 12, 31),
                                    actor=u["province_a"])
    inspection = reevaluation.schedule_inspection(
        certificate, kind=InspectionKind.periodic, on=today, inspector="Đoàn kiểm tra",
        actor=u["province_a"])
    reevaluation.record_findings(inspection, done_on=today, findings="Đúng hồ sơ",
                                 outcome=InspectionOutcome.compliant, file_storage=pdf_upload(),
                                 actor=u["province_a"])
    opendata.build()

    # The ministry's central review of the concluded evaluation (oversight).
    from ocop_rating.councils.models import Evaluation
    from ocop_rating.oversight import services as oversight

    oversight.sync()
    review = oversight.select_for_review(
        db.session.get(Evaluation, certificate.evaluation_id),
        reason="Điểm lệch lớn giữa các thành viên", actor=u["ministry"])
    # Surveillance: a public report on the certificate with a photo, a check in trade with a
    # photo, and a point of sale and a photo of the certified (showcased) product.
    from ocop_rating.reevaluation.models import InspectionOutcome as Outcome
    from ocop_rating.surveillance import services as surveillance
    from ocop_rating.surveillance.models import MarkUse, OutletKind, ReportKind, StampUse

    market_report = surveillance.file_report(
        kind=list(ReportKind)[0], certificate=certificate, province_code=None,
        product_text="", description="Tem nghi giả", place="Chợ Vân Đồn", seen_on=today,
        photos=[png_upload()])
    trade_check = surveillance.record_trade_check(
        certificate, done_on=today, inspector="Đoàn kiểm tra", outlet_kind=OutletKind.shop,
        outlet_name="Cửa hàng A", outlet_address="Vân Đồn", stamp_use=list(StampUse)[0],
        mark_use=list(MarkUse)[0], price_vnd=None, findings="Đúng hồ sơ",
        outcome=Outcome.compliant, photos=[png_upload()], actor=u["province_a"])
    shown = certificate.product
    sales_point = surveillance.add_sales_point(shown, kind=OutletKind.shop, name="Cửa hàng B",
                                               address="Vân Đồn", url="", actor=owner)
    shown_photo = products.add_photo(shown, png_upload(), actor=owner)
    # An office's uploaded import file (the empty producers template) for its dry run.
    from ocop_rating.imports import services as imports
    from werkzeug.datastructures import FileStorage

    kind = imports.KINDS["producers"]
    import_file = imports.store(kind, FileStorage(
        stream=io.BytesIO(imports.template(kind)), filename="chu-the.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        actor=u["province_a"])
    # An account the managers may deactivate or reset: a producer's second login.
    spare = make_user(Role.producer, username="matran.phu")
    db.session.commit()

    w.ids.update(
        producer_id=producer.id, product_id=product.id, dossier_id=dossier.id,
        evidence_id=evidence.id, number=1, photo_id=photo.id, request_id=change.id,
        notification_id=notice.id, token_id=token.id, certificate_id=certificate.id,
        decision_id=decision.id, item_id=decision.items[0].id, council_id=council.id,
        member_id=excluded.id, conflict_id=conflict.id, evaluation_id=evaluation.id,
        round_id=round_.id, sheet_id=sheet.id, test_id=lab_test.id, plan_id=plan.id,
        inspection_id=inspection.id, user_id=spare.id, certificate_number=certificate.number,
        verify_token=certificate.token, scored_evidence_id=scored_dossier.evidence[0].id,
        chair=chair.user.username, secretary=secretary.user.username,
        other_producer_id=other.id, draft_id=draft.id, draft_evidence_id=draft.evidence[0].id,
        forwarded_id=forwarded.id, concluded_id=certificate.evaluation_id,
        concluded_round_id=certificate_round(certificate), province_b=LAM_DONG, commune_b=DI_LINH,
        review_id=review.id, report_id=market_report.id,
        report_photo_id=market_report.photos[0].id, check_id=trade_check.id,
        check_photo_id=trade_check.photos[0].id, shown_product_id=shown.id,
        shown_photo_id=shown_photo.id, point_id=sales_point.id, track_code=market_report.display_code,
        import_file_id=import_file.id)
    return w


def certificate_round(certificate) -> int:
    from ocop_rating.councils.models import Evaluation
    from ocop_rating.db import db

    return db.session.get(Evaluation, certificate.evaluation_id).round_id


def logged_in_client(app, user) -> IsolatedClient:
    client = app.test_client()
    if user is not None:
        answer = form_post(client, "/login", {"username": user.username,
                                              "password": DEFAULT_PASSWORD})
        assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return client


def csrf_token(client) -> str:
    """The session's CSRF token, read from a page as a browser would."""
    for url in ("/", "/login", "/account"):
        match = CSRF_RE.search(client.get(url).get_data(as_text=True))
        if match:
            return match.group(1)
    raise AssertionError("no page with a CSRF token")


def empty_world(app) -> None:
    from ocop_rating.db import db
    from ocop_rating.security.ratelimit import reset
    from tests.conftest import _empty_tables

    db.session.rollback()
    _empty_tables()
    db.session.commit()
    reset(app)
