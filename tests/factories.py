"""Factory functions: each creates a valid record through the services and flushes."""
from __future__ import annotations

import itertools

from ocop_rating.accounts import services as accounts
from ocop_rating.accounts.roles import Role

DEFAULT_PASSWORD = "correct-horse-42"
_seq = itertools.count(1)

# Real units (Decision 19/2025 codes): Quảng Ninh with two of its communes, and Lâm Đồng.
QUANG_NINH, LAM_DONG = "22", "68"
VAN_DON, HA_LONG, DI_LINH = "06994", "06688", "25000"


def make_user(role: Role = Role.admin, *, username: str | None = None,
              province_code: str | None = None, commune_code: str | None = None,
              full_name: str | None = None, password: str = DEFAULT_PASSWORD,
              actor=None, must_change_password: bool = False):
    n = next(_seq)
    if role == Role.province and province_code is None:
        province_code = QUANG_NINH
    if role == Role.commune and commune_code is None:
        commune_code = VAN_DON
    return accounts.create_user(
        username=username or f"{role.value}{n}", full_name=full_name or f"Người dùng {n}",
        role=role, password=password, email=f"user{n}@example.vn",
        province_code=province_code, commune_code=commune_code, actor=actor,
        must_change_password=must_change_password)


# -- producers, products, dossiers ----------------------------------------------------------

from ocop_rating.demo import MINIMAL_PDF, fill_dossier  # noqa: E402


def pdf_upload(name: str = "minh-chung.pdf", content: bytes | None = None):
    """A real (tiny) PDF as the browser would send it."""
    import io

    from werkzeug.datastructures import FileStorage

    return FileStorage(stream=io.BytesIO(content or MINIMAL_PDF), filename=name,
                       content_type="application/pdf")


def make_producer(*, commune_code: str = VAN_DON, province_code: str | None = None,
                  approved: bool = True, name: str | None = None, kind=None,
                  registration_number: str | None = None, approver=None, **facts):
    """A producer entity with its account (username returned on the user)."""
    from ocop_rating.db import db
    from ocop_rating.geo.models import Commune
    from ocop_rating.producers import services as producers
    from ocop_rating.producers.models import Gender, ProducerKind

    n = next(_seq)
    province_code = province_code or db.session.get(Commune, commune_code).province_code
    values = dict(
        kind=kind or ProducerKind.cooperative, name=name or f"Hợp tác xã Nông sản số {n}",
        registration_number=registration_number or f"{5700000000 + n}",
        province_code=province_code, commune_code=commune_code, address=f"Thôn {n}",
        phone="0203 3856 123", email=f"htx{n}@example.vn",
        representative_name="Nguyễn Thị Hoa", representative_position="Giám đốc",
        representative_gender=Gender.female, representative_ethnicity="01",
        representative_disabled=False, username=f"chuthe{n}", password=DEFAULT_PASSWORD,
        full_name=f"Chủ thể {n}")
    values.update(facts)
    producer, user = producers.sign_up(**values)
    if approved:
        approver = approver or make_user(Role.commune, commune_code=commune_code)
        producers.approve(producer, actor=approver)
    return producer, user


def make_product(producer, user, *, set_no: int = 1, name: str | None = None):
    from ocop_rating.products import services as products

    return products.create_product(producer, name=name or f"Sản phẩm {next(_seq)}",
                                   set_no=set_no, description="", actor=user)


def make_dossier(product, user, *, kind=None):
    from ocop_rating.dossiers import services as dossiers
    from ocop_rating.dossiers.models import DossierKind

    return dossiers.create_dossier(product, kind=kind or DossierKind.first, actor=user)


def complete_dossier(dossier, user, *, choose=None):
    """A dossier ready to submit: Form 01 filled, every item claimed (the best option by
    default), one evidence file on each claimed item worth points."""
    kwargs = {"choose": choose} if choose else {}
    return fill_dossier(dossier, user, **kwargs)


# -- councils -------------------------------------------------------------------------------

def make_council(*, province_code: str = QUANG_NINH, members: int = 4, level=None,
                 office=None, rules: dict | None = None):
    """A council with a chair, a secretary and plain members (council_member accounts)."""
    from datetime import date

    from ocop_rating.councils import services as councils
    from ocop_rating.councils.models import CouncilLevel, MemberRole

    level = level or CouncilLevel.province
    if office is None:
        office = make_user(Role.ministry) if level == CouncilLevel.central else \
            make_user(Role.province, province_code=province_code)
    council = councils.create_council(
        level=level, province_code=None if level == CouncilLevel.central else province_code,
        name=f"Hội đồng đánh giá, phân hạng sản phẩm OCOP {next(_seq)}",
        decision_number="125/QĐ-UBND", decision_date=date(2026, 3, 2), term_from=None,
        term_to=None, rules=rules, actor=office)
    roles = [MemberRole.chair, MemberRole.secretary] + [MemberRole.member] * (members - 2)
    people = []
    for role in roles:
        user = make_user(Role.council_member,
                         province_code=None if level == CouncilLevel.central else province_code)
        people.append(councils.add_member(council, user, role=role, agency="Sở NN&MT",
                                          actor=office))
    return council, office, people


def accepted_dossier(*, commune_code: str = VAN_DON, set_no: int = 1, owner=None):
    """A dossier accepted by the province, ready to go into a round (of a new producer, or of
    ``owner`` = (producer, user))."""
    from ocop_rating.db import db
    from ocop_rating.dossiers import services as dossiers
    from ocop_rating.dossiers.checklist import LOCAL_ITEMS, checklist_for
    from ocop_rating.geo.models import Commune

    producer, owner = owner or make_producer(commune_code=commune_code)
    commune_code = producer.commune_code
    product = make_product(producer, owner, set_no=set_no)
    dossier = complete_dossier(make_dossier(product, owner), owner)
    dossiers.submit(dossier, actor=owner)
    officer = make_user(Role.commune, commune_code=commune_code)
    dossiers.save_commune_check(
        dossier, actor=officer, checklist={i.code: True for i in checklist_for(set_no)},
        assessments={f: "Đạt" for f, _label in LOCAL_ITEMS}, proposal="Đề nghị đánh giá")
    dossiers.forward_to_province(dossier, actor=officer)
    province = db.session.get(Commune, commune_code).province_code
    dossiers.accept_at_province(dossier, actor=make_user(Role.province, province_code=province))
    return dossier


def score_all(sheet, user, *, choose=lambda item, options: len(options) - 1, submit=True):
    """Fill a member's sheet (best option by default) and submit it."""
    from ocop_rating.evaluation import services as scoring

    definition = scoring.sheet_definition(sheet.evaluation)
    values = {}
    for item in definition.items:
        if item.is_case_choice:
            values[item.code] = (choose(item, item.cases[0].options), item.cases[0].key)
        else:
            values[item.code] = (choose(item, item.options), None)
    scoring.save_entries(sheet, values, expected_version=sheet.version, actor=user)
    if submit:
        scoring.submit_sheet(sheet, expected_version=sheet.version, actor=user)
    return sheet


def below_star(star: int):
    """A choice function that meets every minimum below ``star`` and misses ``star``'s own:
    on set 1 it gives 4★ for below_star(5) and 3★ for below_star(4)."""
    def choose(item, options):
        marked = [o.index for o in options if o.min_for_star is not None
                  and o.min_for_star >= star]
        return max(0, min(marked) - 1) if marked else len(options) - 1
    return choose


def concluded_evaluation(*, star: int = 4, commune_code: str = VAN_DON, council=None,
                         owner=None):
    """A dossier scored by a provincial council and concluded at ``star`` (3, 4 or 5)."""
    from ocop_rating.councils import services as councils
    from ocop_rating.councils.models import RoundState
    from ocop_rating.evaluation import services as scoring

    choose = (lambda item, options: len(options) - 1) if star == 5 else below_star(star + 1)
    if council is None:
        council, office, members = make_council(members=3)
    else:
        office = make_user(Role.province, province_code=council.province_code)
        members = council.active_members
    dossier = accepted_dossier(commune_code=commune_code, owner=owner)
    round_ = councils.create_round(council, name=f"Đợt {next(_seq)}",
                                   proposals_by=__import__("datetime").date(2026, 4, 30),
                                   finish_by=__import__("datetime").date(2026, 6, 30),
                                   is_extra=True, actor=office)
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, dossier, actor=office)
    councils.move_round(round_, RoundState.scoring, actor=office)
    for member in members:
        score_all(scoring.open_sheet(evaluation, actor=member.user), member.user,
                  choose=choose)
    councils.move_round(round_, RoundState.closed, actor=office)
    scoring.conclude_evaluation(evaluation, proposal="Đề nghị công nhận", actor=office)
    assert evaluation.star == star, evaluation.star
    return evaluation, office


def issued_certificate(*, star: int = 4, decided_on=None, commune_code: str = VAN_DON,
                       council=None, owner=None):
    """A certificate issued by the province (3★/4★) for a freshly evaluated product."""
    from datetime import date

    from ocop_rating.certificates import services as certificates
    from ocop_rating.certificates.models import AuthorityLevel, DecisionKind

    evaluation, office = concluded_evaluation(star=star, commune_code=commune_code,
                                              council=council, owner=owner)
    decision = certificates.create_decision(
        kind=DecisionKind.recognition, level=AuthorityLevel.province,
        province_code=evaluation.council.province_code, number=f"{next(_seq)}/QĐ-UBND",
        decided_on=decided_on or date(2026, 7, 15), signer_name="Nguyễn Văn Công",
        signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", actor=office)
    certificates.add_item(decision, evaluation, actor=office)
    [certificate] = certificates.issue_decision(decision, actor=office)
    return certificate, office
