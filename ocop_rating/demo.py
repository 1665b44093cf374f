"""Demo data: a believable system for trying the application (``flask ocop seed-demo``).

Idempotent: every record is looked up by a natural key first. Later features extend
``seed_demo`` with their own records through their services.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .accounts import services as accounts
from .accounts.models import User
from .accounts.roles import Role
from .db import db
from .geo.models import Commune
from .geo.services import import_units

DEMO_PASSWORD = "ocop-demo-2026"

# (username, full name, role, province code, commune code)
DEMO_USERS = [
    ("admin", "Quản trị hệ thống", Role.admin, None, None),
    ("bo.ocop", "Nguyễn Thị Hồng Nhung", Role.ministry, None, None),
    ("qn.ocop", "Trần Văn Đức", Role.province, "22", None),
    ("ld.ocop", "Lê Thị Ánh Tuyết", Role.province, "68", None),
    ("xa.vandon", "Phạm Quốc Bảo", Role.commune, "22", "06994"),
    ("xa.halong", "Đặng Thu Hà", Role.commune, "22", "06688"),
    ("xa.dilinh", "K'Brơi Ha Lim", Role.commune, "68", "25000"),
    ("hd.thanhvien1", "Vũ Minh Khôi", Role.council_member, "22", None),
    ("hd.thanhvien2", "Hoàng Thị Lan", Role.council_member, "22", None),
    ("hd.thanhvien3", "Lương Văn Toàn", Role.council_member, "22", None),
    ("hd.thanhvien4", "Đinh Thị Mỹ Linh", Role.council_member, "22", None),
    ("tv.tuvan1", "Mai Xuân Trường", Role.council_member, "22", None),
    ("tw.chuyengia1", "Phan Quang Vinh", Role.council_member, None, None),
    ("tw.chuyengia2", "Đoàn Thị Kim Oanh", Role.council_member, None, None),
    ("tw.chuyengia3", "Trịnh Công Sơn", Role.council_member, None, None),
    ("xa.lamvien", "Ka Thị Nhung", Role.commune, "68", "24778"),
]


@dataclass
class SeedReport:
    created: int = 0
    existing: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)


class NotADemoDatabase(Exception):
    """The database holds records that are not demo data: seeding would mix them."""


def foreign_records() -> list[str]:
    """What in the database is not demo data: users outside the demo logins, producers
    without a demo registration number (the demo marker). Empty for an empty or demo-only
    database."""
    from .producers.models import Producer

    logins = {name for name, *_ in DEMO_USERS} | {p[0] for p in DEMO_PRODUCERS}
    numbers = {p[4] for p in DEMO_PRODUCERS}
    users = db.session.scalars(db.select(User.username).where(User.username.not_in(logins)))
    producers = db.session.scalars(db.select(Producer.registration_number).where(
        Producer.registration_number.not_in(numbers)))
    return ([f"user {u}" for u in users.all()[:5]]
            + [f"producer {n}" for n in producers.all()[:5]])


def seed_demo() -> SeedReport:
    """Create (or complete) the demo data; refuses a database holding non-demo data."""
    foreign = foreign_records()
    if foreign:
        raise NotADemoDatabase(", ".join(foreign))
    report = SeedReport()
    if db.session.scalar(db.select(db.func.count()).select_from(Commune)) == 0:
        import_units()
    for username, full_name, role, province_code, commune_code in DEMO_USERS:
        user = accounts.find_user(username)
        if user is None:
            user = accounts.create_user(
                username=username, full_name=full_name, role=role, password=DEMO_PASSWORD,
                email=f"{username}@ocop.example.vn", province_code=province_code,
                commune_code=commune_code, actor=None, must_change_password=False)
            report.created += 1
        else:
            report.existing += 1
        report.logins.append((user.username, str(role.label), user.unit_name))
    db.session.flush()
    seed_producers(report)
    seed_councils(report)
    return report


def demo_users() -> list[User]:
    return [u for u in (accounts.find_user(name) for name, *_ in DEMO_USERS) if u]


# -- producers, products and dossiers in every state (issue 4) ---------------------------------

MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
               b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
               b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
               b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n")


def _pdf(name: str):
    import io

    from werkzeug.datastructures import FileStorage

    return FileStorage(stream=io.BytesIO(MINIMAL_PDF), filename=name,
                       content_type="application/pdf")


def fill_dossier(dossier, user, *, choose=lambda item, options: len(options) - 1):
    """Fill Form 01, claim an option on every item (``choose`` picks the index; the best by
    default) and attach one evidence file to each claimed item worth points."""
    from datetime import date

    from .dossiers import services as dossiers

    dossiers.update_registration(
        dossier, actor=user, production_address=dossier.producer.full_address,
        annual_capacity="20 tấn/năm", main_markets="Trong tỉnh, Hà Nội, TP. Hồ Chí Minh",
        product_story="Sản phẩm truyền thống của địa phương.",
        samples_count=0 if dossier.is_tourism else 5,
        samples_handed_on=None if dossier.is_tourism else date(2026, 10, 20),
        samples_received_by="" if dossier.is_tourism else "Cán bộ văn hóa xã")
    values = {}
    for item in dossiers.sheet_of(dossier).items:
        if item.is_case_choice:
            case = item.cases[0]
            values[item.code] = (choose(item, case.options), case.key)
        else:
            values[item.code] = (choose(item, item.options), None)
    dossiers.save_claims(dossier, values, actor=user)
    for choice in dossiers.projection(dossier).choices:
        if choice.points > 0 and choice.code not in dossiers.DERIVED_ITEMS:
            dossiers.add_evidence(dossier, _pdf(f"minh-chung-{choice.code}.pdf"),
                                  item_code=choice.code, label="", actor=user)
    return dossier


# (login, account holder, kind, name, registration no., commune, representative: name,
#  gender, ethnicity code; products: (name, set, dossier state))
DEMO_PRODUCERS = [
    ("chuthe.vandon", "Bùi Văn Hải", "household", "Hộ kinh doanh Bùi Văn Hải", "22A8001234",
     "06994", ("Bùi Văn Hải", "male", "01"),
     [("Chả mực Vân Đồn", 5, "accepted"), ("Sá sùng khô Quan Lạn", 3, "submitted")]),
    ("htx.vandonxanh", "Nguyễn Thị Thu", "cooperative", "Hợp tác xã Nông nghiệp Vân Đồn Xanh",
     "5701122334", "06994", ("Nguyễn Thị Thu", "female", "01"),
     [("Rượu ba kích Vân Đồn", 14, "returned_by_commune"), ("Mật ong rừng Bản Sen", 7, "draft"),
      ("Nước mắm Cái Rồng", 9, "accepted")]),
    ("cty.trahoavang", "Hoàng Văn Sơn", "enterprise", "Công ty TNHH Trà Hoa Vàng Hạ Long",
     "5702233445", "06688", ("Hoàng Văn Sơn", "male", "02"),
     [("Trà hoa vàng túi lọc", 11, "forwarded"), ("Trà hoa vàng sấy khô", 11, "accepted")]),
    ("htx.caphedilinh", "K'Brơi Ha Lim", "cooperative", "Hợp tác xã Cà phê Di Linh",
     "5803344556", "25000", ("K'Brơi Ha Lim", "female", "16"),
     [("Cà phê Arabica Di Linh rang xay", 13, "returned_by_province"),
      ("Khăn thổ cẩm K'Ho", 22, "submitted")]),
    ("dulich.lamvien", "Trần Minh Tâm", "association", "Hội Du lịch cộng đồng Lâm Viên",
     "5804455667", "24778", ("Trần Minh Tâm", "male", "01"),
     [("Du lịch cộng đồng làng hoa Vạn Thành", 26, "draft")]),
    ("trangtrai.landalat", "Phạm Thị Lan", "farm", "Trang trại Lan Đà Lạt", "5805566778",
     "24778", ("Phạm Thị Lan", "female", "01"), [("Lan hồ điệp Đà Lạt", 23, "accepted")]),
]


# The story's calendar (Vietnam dates; 2026 is the year of the demo councils): when each
# dossier was created, submitted, forwarded by the commune and accepted or returned. The
# dossiers of the first 2026 round were filed in the spring, the second round's in summer,
# the ones still at the commune or province in the last weeks.
# product: (created, submitted, forwarded, accepted or returned)
DOSSIER_DATES = {
    "Chả mực Vân Đồn": ("2026-02-10", "2026-02-24", "2026-03-06", "2026-03-20"),
    "Trà hoa vàng sấy khô": ("2026-02-16", "2026-03-02", "2026-03-12", "2026-03-25"),
    "Nước mắm Cái Rồng": ("2026-07-01", "2026-07-15", "2026-07-27", "2026-08-10"),
    "Lan hồ điệp Đà Lạt": ("2026-09-20", "2026-10-05", "2026-10-15", "2026-10-28"),
    "Cà phê Arabica Di Linh rang xay": ("2026-09-25", "2026-10-08", "2026-10-20",
                                        "2026-11-05"),
    "Trà hoa vàng túi lọc": ("2026-10-20", "2026-11-03", "2026-11-17", None),
    "Rượu ba kích Vân Đồn": ("2026-10-28", "2026-11-10", None, "2026-11-18"),
    "Sá sùng khô Quan Lạn": ("2026-11-12", "2026-11-26", None, None),
    "Khăn thổ cẩm K'Ho": ("2026-11-15", "2026-11-30", None, None),
    "Mật ong rừng Bản Sen": ("2026-11-20", None, None, None),
    "Du lịch cộng đồng làng hoa Vạn Thành": ("2026-11-25", None, None, None),
}


def _moment(day: str | None, hour: int = 9):
    """A Vietnam working hour on ``day`` (ISO), as the aware moment stored."""
    from datetime import date, datetime, time

    from .legaltime import VN_TZ

    if day is None:
        return None
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=VN_TZ)


def _backdate(dossier, dates) -> None:
    """Give a demo dossier the dates of its story instead of the moment of seeding."""
    created, submitted, forwarded, decided = (_moment(d) for d in dates)
    dossier.created_at = created
    dossier.product.created_at = created
    if dossier.submitted_at is not None:
        dossier.submitted_at = submitted
    if dossier.forwarded_at is not None:
        dossier.forwarded_at = forwarded
        if dossier.commune_check is not None and dossier.commune_check.checked_at is not None:
            dossier.commune_check.checked_at = forwarded
    if dossier.accepted_at is not None:
        dossier.accepted_at = decided
    if dossier.returned_at is not None:
        dossier.returned_at = decided


def _code_of_first_evaluation(product, actor) -> None:
    """A product recognised on paper got its code in the year of that first evaluation
    (22-06994-001-2023), not in the year it was put in the system."""
    from datetime import date

    from .products.services import assign_code

    years = [date.fromisoformat(issued) for name, _s, _n, issued, *_rest in LEGACY
             if name == product.name]
    if years:
        assign_code(product, commune_code=product.producer.commune_code,
                    province_code=product.producer.province_code, on=min(years), actor=actor)


def _officer(role: Role, commune_code: str | None, province_code: str) -> User:
    from .accounts.models import User as U

    stmt = db.select(U).filter_by(role=role, province_code=province_code)
    if commune_code:
        stmt = stmt.filter_by(commune_code=commune_code)
    return db.session.scalars(stmt.order_by(U.id)).first()


def _advance(dossier, state: str, owner, commune_officer, province_officer) -> None:
    from .dossiers import services as dossiers
    from .dossiers.checklist import LOCAL_ITEMS, checklist_for

    if state == "draft":
        dossiers.update_registration(
            dossier, actor=owner, production_address=dossier.producer.full_address,
            annual_capacity="", main_markets="", product_story="", samples_count=0,
            samples_handed_on=None, samples_received_by="")
        return
    fill_dossier(dossier, owner)
    dossiers.submit(dossier, actor=owner)
    if state == "submitted":
        return
    if state == "returned_by_commune":
        dossiers.return_from_commune(dossier, reason="Bổ sung giấy chứng nhận cơ sở đủ điều "
                                     "kiện an toàn thực phẩm còn hiệu lực.",
                                     actor=commune_officer)
        return
    dossiers.save_commune_check(
        dossier, actor=commune_officer,
        checklist={i.code: True for i in checklist_for(dossier.set_no)},
        assessments={field: "Đạt: nguyên liệu và lao động tại địa phương."
                     for field, _label in LOCAL_ITEMS},
        proposal="Đề nghị Văn phòng OCOP tỉnh đánh giá, phân hạng.")
    dossiers.forward_to_province(dossier, actor=commune_officer)
    if state == "forwarded":
        return
    if state == "returned_by_province":
        dossiers.return_from_province(dossier, reason="Bổ sung phiếu kết quả kiểm nghiệm "
                                      "sản phẩm trong 12 tháng gần nhất.",
                                      actor=province_officer)
        return
    dossiers.accept_at_province(dossier, actor=province_officer)


def seed_producers(report: SeedReport) -> None:
    from .dossiers import services as dossier_services
    from .dossiers.models import DossierKind
    from .dossiers.states import DossierStatus
    from .producers import services as producers
    from .producers.models import Gender, Producer, ProducerKind
    from .products import services as products

    for (login, holder, kind, name, number, commune_code, rep, items) in DEMO_PRODUCERS:
        producer = db.session.scalar(db.select(Producer).filter_by(registration_number=number))
        commune = db.session.get(Commune, commune_code)
        commune_officer = _officer(Role.commune, commune_code, commune.province_code)
        province_officer = _officer(Role.province, None, commune.province_code)
        if producer is not None:
            report.existing += 1
            report.logins.append((login, str(Role.producer.label), name))
            continue
        producer = producers.register_producer(
            kind=ProducerKind(kind), name=name, registration_number=number,
            province_code=commune.province_code, commune_code=commune_code,
            address="Thôn Trung tâm", phone="0912 000 111", email=f"{login}@ocop.example.vn",
            representative_name=rep[0], representative_position="Người đại diện",
            representative_gender=Gender(rep[1]), representative_ethnicity=rep[2],
            representative_disabled=False, actor=commune_officer)
        producers.approve(producer, actor=commune_officer)
        user = accounts.find_user(login) or accounts.create_user(
            username=login, full_name=holder, role=Role.producer, password=DEMO_PASSWORD,
            email=f"{login}@ocop.example.vn", province_code=commune.province_code,
            commune_code=commune_code, actor=None, must_change_password=False)
        producers.link_account(producer, user)
        report.created += 1
        report.logins.append((login, str(Role.producer.label), name))
        for product_name, set_no, state in items:
            product = products.create_product(producer, name=product_name, set_no=set_no,
                                              description="", actor=user)
            _code_of_first_evaluation(product, commune_officer)
            dossier = dossier_services.create_dossier(product, kind=DossierKind.first,
                                                      actor=user)
            _advance(dossier, state, user, commune_officer, province_officer)
            if dossier.status != DossierStatus(state):
                raise RuntimeError(f"demo dossier for {product_name} ended {dossier.status}")
            _backdate(dossier, DOSSIER_DATES[product_name])
            report.created += 1
    db.session.flush()


# -- councils, rounds and scores (issue 5) ---------------------------------------------------

def _score_fully(evaluation, member_user, *, choose=lambda item, options: len(options) - 1,
                 submit=True):
    from .evaluation import services as scoring

    sheet = scoring.open_sheet(evaluation, actor=member_user)
    definition = scoring.sheet_definition(evaluation)
    values = {}
    for item in definition.items:
        if item.is_case_choice:
            values[item.code] = (choose(item, item.cases[0].options), item.cases[0].key)
        else:
            values[item.code] = (choose(item, item.options), None)
    scoring.save_entries(sheet, values, expected_version=sheet.version, actor=member_user)
    if submit:
        scoring.submit_sheet(sheet, expected_version=sheet.version, actor=member_user)
    return sheet


def seed_councils(report: SeedReport) -> None:
    """A provincial council (Quảng Ninh) with a finished round and a round being scored, and
    the central council with a round holding the province's 5★ proposal."""
    from datetime import date

    from .councils import services as councils
    from .councils.models import Council, CouncilLevel, MemberRole, RoundState
    from .dossiers.models import Dossier
    from .dossiers.states import DossierStatus
    from .evaluation import services as scoring
    from .products.models import Product

    name = "Hội đồng đánh giá, phân hạng sản phẩm OCOP tỉnh Quảng Ninh"
    if db.session.scalar(db.select(Council).filter_by(name=name)) is not None:
        report.existing += 1
        return
    office = accounts.find_user("qn.ocop")
    council = councils.create_council(
        level=CouncilLevel.province, province_code="22", name=name,
        decision_number="512/QĐ-UBND", decision_date=date(2026, 3, 2),
        term_from=date(2026, 3, 2), term_to=date(2028, 3, 1), actor=office)
    people = [("hd.thanhvien1", MemberRole.chair, "Sở Nông nghiệp và Môi trường"),
              ("hd.thanhvien2", MemberRole.secretary, "Văn phòng OCOP tỉnh"),
              ("hd.thanhvien3", MemberRole.member, "Sở Công Thương"),
              ("hd.thanhvien4", MemberRole.member, "Sở Y tế")]
    members = [councils.add_member(council, accounts.find_user(u), role=r, agency=a,
                                   actor=office) for u, r, a in people]
    councils.add_advisor(council, accounts.find_user("tv.tuvan1"), is_lead=True,
                         agency="Chi cục Chất lượng, Chế biến và Phát triển thị trường",
                         actor=office)
    first, second = councils.create_legal_rounds(council, 2026, actor=office)

    def product_dossier(product_name):
        return db.session.scalars(db.select(Dossier).join(Product).where(
            Product.name == product_name).order_by(Dossier.id.desc())).first()

    # Round 1: finished. "Chả mực Vân Đồn" scored by all four, concluded at 5★;
    # "Trà hoa vàng sấy khô" at 4★ (it misses the 5★ minimums), recognised by the province.
    done = product_dossier("Chả mực Vân Đồn")
    tea = product_dossier("Trà hoa vàng sấy khô")
    councils.move_round(first, RoundState.open, actor=office)
    evaluation = councils.add_to_round(first, done, actor=office)
    tea_evaluation = councils.add_to_round(first, tea, actor=office)
    councils.save_review(evaluation, notes="Hồ sơ đầy đủ, minh chứng rõ ràng.",
                         site_visit_on=date(2026, 5, 12),
                         site_visit_notes="Cơ sở sản xuất đảm bảo vệ sinh, có truy xuất nguồn gốc.",
                         report="Đề nghị Hội đồng đánh giá.", submit_report=True,
                         actor=accounts.find_user("tv.tuvan1"))
    councils.move_round(first, RoundState.scoring, actor=office)
    for member in members:
        _score_fully(evaluation, member.user)
        _score_fully(tea_evaluation, member.user, choose=_below(5))
    councils.move_round(first, RoundState.closed, actor=office)
    scoring.conclude_evaluation(evaluation, proposal="Đề nghị Bộ Nông nghiệp và Môi trường "
                                 "đánh giá, công nhận 5 sao.", actor=members[1].user)
    scoring.conclude_evaluation(tea_evaluation, proposal="Đề nghị Chủ tịch UBND tỉnh công "
                                 "nhận 4 sao.", actor=members[1].user)
    councils.conclude_round(first, conclusion="Hội đồng thống nhất kết quả đợt 1 năm 2026.",
                            actor=office)
    # The first round happened in June: its sheets, report and conclusion carry those dates.
    evaluation.report_submitted_at = _moment("2026-05-15")
    for concluded in (evaluation, tea_evaluation):
        for sheet in concluded.sheets:
            sheet.submitted_at = _moment("2026-06-18", 15)
        concluded.concluded_at = _moment("2026-06-20", 11)
    first.session_closed_at = _moment("2026-06-19", 16)
    first.concluded_at = _moment("2026-06-22", 10)

    # Round 2: being scored. Two members have submitted, the chair is half-way.
    scoring = product_dossier("Nước mắm Cái Rồng")
    councils.move_round(second, RoundState.open, actor=office)
    evaluation2 = councils.add_to_round(second, scoring, actor=office)
    councils.move_round(second, RoundState.scoring, actor=office)
    _score_fully(evaluation2, members[1].user)
    _score_fully(evaluation2, members[2].user, choose=lambda item, options: max(
        0, len(options) - 2))
    _score_fully(evaluation2, members[0].user, submit=False,
                 choose=lambda item, options: len(options) - 1)
    for sheet in evaluation2.sheets:
        if sheet.submitted_at is not None:
            sheet.submitted_at = _moment("2026-11-27", 15)

    # The central council, with the province's 5★ proposal in its first 2027 round.
    ministry = accounts.find_user("bo.ocop")
    central = councils.create_council(
        level=CouncilLevel.central, province_code=None,
        name="Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp trung ương",
        decision_number="1024/QĐ-BNNMT", decision_date=date(2026, 6, 15),
        term_from=date(2026, 6, 15), term_to=date(2028, 6, 14), actor=ministry)
    for username, role in [("tw.chuyengia1", MemberRole.chair),
                           ("tw.chuyengia2", MemberRole.secretary),
                           ("tw.chuyengia3", MemberRole.member)]:
        councils.add_member(central, accounts.find_user(username), role=role,
                            agency="Bộ Nông nghiệp và Môi trường", actor=ministry)
    central_round = councils.create_legal_rounds(central, 2027, actor=ministry)[0]
    councils.move_round(central_round, RoundState.open, actor=ministry)
    councils.add_to_round(central_round, done, actor=ministry)
    if done.status != DossierStatus.evaluated:
        raise RuntimeError("demo: the provincial 5-star dossier should be evaluated")
    report.created += 3
    db.session.flush()
    seed_certificates(report, first)


def _below(star: int):
    """Meet every star minimum below ``star``, miss ``star``'s own (for a 4★ demo result)."""
    def choose(item, options):
        marked = [o.index for o in options if o.min_for_star is not None
                  and o.min_for_star >= star]
        return max(0, min(marked) - 1) if marked else len(options) - 1
    return choose


# Certificates issued on paper before the system, recorded so the registry is complete:
# (product, star, number, issued on, decision number, rulebook)
LEGACY = [
    ("Sá sùng khô Quan Lạn", 3, "215/GCN-UBND", "2023-12-20", "2890/QĐ-UBND", "qd148-2023"),
    ("Rượu ba kích Vân Đồn", 3, "118/GCN-UBND", "2023-03-15", "745/QĐ-UBND", "qd148-2023"),
    ("Mật ong rừng Bản Sen", 3, "301/GCN-UBND", "2024-06-10", "1650/QĐ-UBND", "qd148-2023"),
    ("Cà phê Arabica Di Linh rang xay", 3, "77/GCN-UBND", "2023-08-01", "1402/QĐ-UBND",
     "qd148-2023"),
    ("Cà phê Arabica Di Linh rang xay", 4, "412/GCN-UBND", "2025-09-12", "2105/QĐ-UBND",
     "qd148-1489-2025"),
    ("Lan hồ điệp Đà Lạt", 4, "156/GCN-UBND", "2025-03-01", "530/QĐ-UBND", "qd148-2023"),
]


def seed_certificates(report: SeedReport, round_) -> None:
    """A certificate issued by the system, paper certificates in every state of their life
    (valid, expiring soon, expired, superseded) and a revocation."""
    from datetime import date

    from .certificates import services as certificates
    from .certificates.models import AuthorityLevel, RevocationGround
    from .products.models import Product

    office_qn = accounts.find_user("qn.ocop")
    decision = certificates.draft_from_round(
        round_, number="3125/QĐ-UBND", decided_on=date(2026, 7, 10),
        signer_name="Nguyễn Văn Công", signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        actor=office_qn)
    certificates.issue_decision(decision, actor=office_qn)
    for product_name, star, number, issued, decision_no, rulebook in LEGACY:
        product = db.session.scalar(db.select(Product).filter_by(name=product_name))
        office = accounts.find_user("qn.ocop" if product.producer.province_code == "22"
                                    else "ld.ocop")
        label = "Bộ sản phẩm (theo quyết định cũ)"
        certificates.record_legacy_certificate(
            product, star=star, number=number, issued_on=date.fromisoformat(issued),
            decision_number=decision_no, rulebook_code=rulebook, set_label=label,
            signer_name="Lê Quang Minh", signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
            level=AuthorityLevel.province, actor=office)
    honey = certificates.find_by_number("301/GCN-UBND")
    # The revocation follows its ground: the commune confirmed on 28/09 that production had
    # stopped, and the province decided within the 15 days (05/10).
    from .reevaluation import services as reevaluation
    from .reevaluation.models import InspectionKind, InspectionOutcome

    check = reevaluation.schedule_inspection(
        honey, kind=InspectionKind.adhoc, on=date(2026, 9, 25),
        inspector="Phòng Kinh tế đặc khu Vân Đồn", actor=office_qn)
    reevaluation.record_findings(
        check, done_on=date(2026, 9, 25), outcome=InspectionOutcome.violation,
        findings="Hợp tác xã đã ngừng khai thác và đóng gói mật ong rừng từ tháng 8/2026.",
        proposed_ground=RevocationGround.production_stopped.value,
        concluded_on=date(2026, 9, 28), concluded_by="Xác nhận của UBND đặc khu Vân Đồn",
        actor=office_qn)
    certificates.revoke([honey], ground=RevocationGround.production_stopped,
                        number="2790/QĐ-UBND", decided_on=date(2026, 10, 5),
                        signer_name="Nguyễn Văn Công", signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
                        note="Chủ thể thông báo ngừng khai thác mật ong rừng.", actor=office_qn)
    report.created += len(LEGACY) + 2
    seed_reevaluation(report)


def seed_reevaluation(report: SeedReport) -> None:
    """Certificates at the other points of their life: in the re-evaluation window with a
    dossier filed, kept valid past expiry by the transition rule; the notices the daily job
    sends; and post-recognition inspections."""
    from datetime import date, datetime, timedelta, timezone

    from .certificates import services as certificates
    from .certificates.models import AuthorityLevel
    from .dossiers import services as dossier_services
    from .dossiers.models import DossierKind
    from .producers.models import Producer
    from .products import services as products
    from .reevaluation import services as reevaluation
    from .reevaluation.models import InspectionKind, InspectionOutcome

    farm = db.session.scalar(db.select(Producer).filter_by(registration_number="5805566778"))
    owner = accounts.find_user("trangtrai.landalat")
    office = accounts.find_user("ld.ocop")
    plan = [("Mứt hồng Đà Lạt", 5, 3, "88/GCN-UBND", "2023-11-10", "2011/QĐ-UBND",
             datetime(2026, 7, 1, 2, tzinfo=timezone.utc)),
            ("Rau củ VietGAP Lâm Viên", 1, 4, "35/GCN-UBND", "2024-02-20", "310/QĐ-UBND",
             datetime(2026, 10, 1, 2, tzinfo=timezone.utc))]
    for name, set_no, star, number, issued, decision_no, filed_at in plan:
        product = products.create_product(farm, name=name, set_no=set_no, description="",
                                          actor=owner)
        products.assign_code(product, commune_code=farm.commune_code,
                             province_code=farm.province_code,
                             on=date.fromisoformat(issued), actor=office)
        product.created_at = _moment(issued)
        certificate = certificates.record_legacy_certificate(
            product, star=star, number=number, issued_on=date.fromisoformat(issued),
            decision_number=decision_no, rulebook_code="qd148-2023",
            set_label="Bộ sản phẩm (theo quyết định cũ)", signer_name="Lê Quang Minh",
            signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", level=AuthorityLevel.province,
            actor=office)
        dossier = dossier_services.create_dossier(product, kind=DossierKind.reevaluation,
                                                  actor=owner)
        fill_dossier(dossier, owner)
        dossier_services.update_changes(dossier, text="Bổ sung dây chuyền đóng gói mới.",
                                        actor=owner)
        dossier_services.submit(dossier, actor=owner)
        # History: this dossier was filed months ago (before the certificate expired).
        dossier.submitted_at = filed_at
        dossier.created_at = filed_at - timedelta(days=12)
        del certificate
    db.session.flush()
    reevaluation.run_daily()
    tea = certificates.find_by_number("0001/2026/GCN-OCOP-22")
    office_qn = accounts.find_user("qn.ocop")
    inspection = reevaluation.schedule_inspection(
        tea, kind=InspectionKind.periodic, on=date(2026, 11, 5),
        inspector="Đoàn kiểm tra liên ngành tỉnh", actor=office_qn)
    reevaluation.record_findings(
        inspection, done_on=date(2026, 11, 5), outcome=InspectionOutcome.compliant,
        findings="Sản phẩm đúng như hồ sơ; sử dụng biểu trưng OCOP đúng quy định.",
        actor=office_qn)
    report.created += 5
