"""A deterministic, realistic dataset at national scale (issue 13 §1):
``flask --app ocop_rating ocop generate --scale tiny|small|national [--seed N]``.

Written straight into the schema with bulk Core inserts (lists of dicts, in chunks) so that
the national set (10,000 producers, 20,000 products over the 26 sets, 25,000 evaluations with
200,000 complete score sheets, ~18,000 certificates) takes minutes, not hours. It is still a
consistent legal record:

* every score sheet holds one valid option per item of its sheet (the case first for the case
  items of set 26) and is submitted; the evaluation's result is computed by the rulebook's own
  ``score_sheet`` and ``aggregate`` and sealed with a snapshot and content hash that
  ``ocop integrity check`` recomputes from the rows and accepts;
* decisions are inserted already issued (the immutability triggers refuse changes of issued
  rows only, never inserts) and each recognised item gets its certificate, whose snapshot
  columns are what the issuing service would have copied; a product's older certificate is
  superseded by its re-evaluation's (set in the same insert, not by an UPDATE);
* the audit trail is not replayed row by row (it would be 400,000 events): the generator
  records one ``dataset_generated`` event through the normal audit hook, so the hash chain is
  intact and ``ocop audit verify`` passes.

Everything is derived from ``random.Random(seed)``; the same seed and scale give the same rows.
"""
from __future__ import annotations

import hashlib
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import bindparam, func, insert, select, text

from .db import db

SCALES = {
    # producers; the rest follows from them (2 products each, ~1.25 evaluations a product …)
    "tiny": 30,
    "suite": 150,  # the query-count test's larger set: five times tiny, a few seconds
    "small": 1000,
    "national": 10000,
}
MEMBERS_PER_COUNCIL = 8
CHUNK = 5000
PREFIX = "gen."

PRODUCT_NOUNS = [
    "Trà xanh", "Trà shan tuyết", "Trà sen", "Cà phê rang xay", "Cà phê hạt", "Mật ong rừng",
    "Nước mắm", "Gạo thơm", "Gạo nếp cái hoa vàng", "Miến dong", "Bánh đa", "Bánh tráng",
    "Chè lam", "Mứt gừng", "Tỏi đen", "Nấm linh chi", "Hạt điều rang muối", "Tiêu đen",
    "Rượu nếp", "Dầu lạc", "Tinh dầu sả", "Chả mực", "Giò bò", "Lạp xưởng", "Cao dược liệu",
    "Thổ cẩm", "Mây tre đan", "Gốm", "Chiếu cói", "Xoài sấy dẻo", "Bưởi da xanh",
    "Vải thiều sấy", "Nhãn lồng", "Cam sành", "Măng khô", "Khô cá lóc", "Tương bần",
]
TOURISM_NOUNS = ["Điểm du lịch cộng đồng", "Làng du lịch sinh thái", "Homestay bản"]
PRODUCER_PREFIX = {
    "cooperative": "Hợp tác xã", "cooperative_group": "Tổ hợp tác",
    "enterprise": "Công ty TNHH", "farm": "Trang trại", "household": "Hộ kinh doanh",
}
NAME_WORDS = ["An Phát", "Minh Châu", "Thành Công", "Hưng Thịnh", "Tân Cương", "Phú Quý",
              "Đại Lộc", "Bình Minh", "Sông Hồng", "Hoa Sen", "Việt Xanh", "Kim Long",
              "Nông nghiệp sạch", "Dịch vụ tổng hợp", "Trường Sơn", "Đồng Xanh", "Ánh Dương",
              "Lộc Phát", "Ngọc Lan", "Quê Hương"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Quốc", "Ngọc", "Hữu", "Thu"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hà", "Hải", "Hạnh", "Hùng", "Lan", "Linh", "Long",
         "Mai", "Nam", "Nga", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Yến"]
MEMBER_ROLES = ["chair", "vice_chair", "secretary"] + ["member"] * (MEMBERS_PER_COUNCIL - 3)

# Target quality per outcome: (share, low, high) as a fraction of the sheet's maximum. The
# star is whatever the rulebook computes from the choices; these only steer it.
OUTCOMES = [("none", 0.22, 0.30, 0.45), (3, 0.545, 0.56, 0.66), (4, 0.225, 0.74, 0.86),
            (5, 0.006, 0.93, 0.98)]


@dataclass
class Summary:
    counts: dict[str, int]

    def __str__(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in self.counts.items())


class GenerateError(Exception):
    pass


def _name(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.utc)


class _Ids:
    """Explicit primary keys (so children can point at parents before the insert), continuing
    after whatever the table holds."""

    def __init__(self):
        self.next: dict[str, int] = {}

    def take(self, table) -> int:
        name = table.name
        if name not in self.next:
            self.next[name] = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
        value = self.next[name]
        self.next[name] = value + 1
        return value


class _Sheets:
    """Per set, what choosing needs, computed once: for each item its cases (or None) and, per
    case, the options' points as fractions of the best and the minimum fraction per star."""

    def __init__(self, rulebook):
        self.rulebook = rulebook
        self.cache: dict[int, tuple] = {}

    def sheet(self, set_no: int):
        return self.plan(set_no)[0]

    def plan(self, set_no: int) -> tuple:
        if set_no not in self.cache:
            sheet = self.rulebook.sheet(set_no)
            items = []
            for item in sheet.items:
                variants = []
                for case in ([c.key for c in item.cases] if item.cases else [None]):
                    options = item.options_for(case)
                    top = max((o.points for o in options), default=Decimal(0)) or Decimal(1)
                    fractions = [float(o.points / top) for o in options]
                    floors = {}
                    for star in (3, 4, 5):
                        idx = item.minimum_index(star, case)
                        if idx is not None:
                            floors[star] = fractions[idx]
                    variants.append((case, fractions, floors))
                items.append((item.code, variants))
            self.cache[set_no] = (sheet, items)
        return self.cache[set_no]


def _choose(rng: random.Random, plan, quality: float, target_star) -> tuple[dict, dict]:
    """One member's complete choices (one valid option per item, the case first for case
    items) near ``quality`` (a fraction of the maximum), never below the minimum option for
    ``target_star``."""
    choices: dict[str, int] = {}
    cases: dict[str, str] = {}
    uniform = rng.uniform
    for code, variants in plan:
        case, fractions, floors = variants[rng.randrange(len(variants))] \
            if len(variants) > 1 else variants[0]
        if case is not None:
            cases[code] = case
        want = quality + uniform(-0.12, 0.12)
        floor = floors.get(target_star, -1.0)
        best, best_gap = 0, 9.0
        for i, fraction in enumerate(fractions):
            if fraction < floor:
                continue
            gap = abs(fraction - want)
            if gap < best_gap:
                best, best_gap = i, gap
        choices[code] = best
    return choices, cases


def _plain(value):
    """JSON-ready copy, as the seal writes it (evaluation/seal.py ``_plain``), faster."""
    kind = type(value)
    if kind is dict:
        return {str(k): _plain(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_plain(v) for v in value]
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Plant:
    """A bias planted in a generated dataset, to check that the oversight statistics find it
    (and nothing else): one member, and every member of one province's council, score
    ``shift`` (a fraction of each item's maximum) above what the product deserves."""

    member_username: str | None = None
    province_code: str | None = None
    shift: float = 0.1


def generate(scale: str, seed: int = 13, *, today: date | None = None,
             progress=None, producers: int | None = None,
             provinces_only: list[str] | None = None, plant: Plant | None = None) -> Summary:
    """Write the dataset for ``scale``; ``progress(label, total)`` returns a context manager
    with ``update(n)`` (click.progressbar), or None for silence. Refuses to run twice.
    ``producers`` overrides the scale's number of producers, ``provinces_only`` limits the
    producers to those provinces, and ``plant`` plants a scoring bias (:class:`Plant`)."""
    from .accounts.models import User, user_search_text
    from .audit import record as audit_record
    from .certificates.models import Certificate, CertificateCounter, Decision, DecisionItem
    from .certificates.services import certificate_number, set_name
    from .councils.models import Council, CouncilMember, Evaluation, Round
    from .dossiers.models import Dossier
    from .evaluation.models import ScoreEntry, ScoreSheet, SealedResult
    from .evaluation.seal import SNAPSHOT_VERSION, content_hash
    from .geo.models import Commune, Province
    from .legaltime import legal_date, legal_today
    from .producers.models import Producer
    from .products.models import Product, ProductCodeCounter
    from .oversight.models import OversightEvaluation, OversightSheet
    from .reevaluation.models import Inspection, ReevaluationNotice
    from .rulebook import CouncilRules, MemberResult, aggregate, latest_rulebook, score_sheet
    from .rulebook import to_json
    from .text import fold, vn_sort_string

    if scale not in SCALES:
        raise GenerateError(f"unknown scale {scale!r} (one of {', '.join(SCALES)})")
    if db.session.scalar(select(func.count()).select_from(User).where(
            User.username.like(PREFIX + "%"))):
        raise GenerateError("a generated dataset is already in this database")
    provinces = db.session.execute(select(Province.code, Province.name)
                                   .order_by(Province.code)).all()
    plant = plant or Plant(shift=0.0)
    if not provinces:
        raise GenerateError("no administrative units: run `flask ocop import-units` first")
    communes_of: dict[str, list] = defaultdict(list)
    for row in db.session.execute(select(Commune.code, Commune.name, Commune.province_code)
                                  .order_by(Commune.code)):
        communes_of[row.province_code].append(row)

    rng = random.Random(seed)
    today = today or legal_today()
    ids = _Ids()
    rulebook = latest_rulebook()
    sheets = _Sheets(rulebook)
    rules = CouncilRules()
    rules_dict = rules.to_dict()
    set_numbers = [n for n in range(1, 27)]
    now = datetime.now(timezone.utc)
    counts: dict[str, int] = {}
    from werkzeug.security import generate_password_hash

    password_hash = generate_password_hash("ocop-generated-" + str(seed))
    rows: dict[str, list[dict]] = defaultdict(list)
    T = {m.__tablename__: m.__table__ for m in (
        User, Council, CouncilMember, Round, Producer, Product, ProductCodeCounter, Dossier,
        Evaluation, ScoreSheet, ScoreEntry, SealedResult, Decision, DecisionItem, Certificate,
        CertificateCounter, ReevaluationNotice, Inspection, OversightEvaluation, OversightSheet)}

    def add(table: str, **values) -> dict:
        if table == "users":  # the keys the model's listener keeps (accounts.models)
            values.update(name_sort=vn_sort_string(values["full_name"]))
        if "id" not in values and "id" in T[table].c:
            values["id"] = ids.take(T[table])
        rows[table].append(values)
        return values

    # -- people and councils -----------------------------------------------------------------
    councils: dict[str | None, dict] = {}
    members_of: dict[int, list[dict]] = {}
    for code, pname in [*provinces, (None, "Trung ương")]:
        key = code or "tw"
        login, person = f"{PREFIX}{key}.office", _name(rng)
        add("users", username=login, full_name=person,
            search_text=user_search_text(person, login),
            email=f"{key}.office@generated.ocop.example.vn", password_hash=password_hash,
            role="ministry" if code is None else "province", province_code=code,
            is_active_account=True, must_change_password=False, session_version=1,
            created_at=now)
        council = add("councils", level="central" if code is None else "province",
                      province_code=code,
                      name=f"Hội đồng đánh giá, phân hạng sản phẩm OCOP {pname}",
                      decision_number=f"{rng.randint(100, 999)}/QĐ-UBND",
                      decision_date=date(2025, 7, 1), decision_mode="meeting",
                      rules=rules_dict, created_at=now)
        councils[code] = council
        members_of[council["id"]] = []
        for i, role in enumerate(MEMBER_ROLES):
            login, person = f"{PREFIX}{key}.hd{i + 1}", _name(rng)
            user = add("users", username=login, full_name=person,
                       search_text=user_search_text(person, login), email=None,
                       password_hash=password_hash, role="council_member",
                       province_code=code, is_active_account=True,
                       must_change_password=False, session_version=1, created_at=now)
            member = add("council_members", council_id=council["id"], user_id=user["id"],
                         role=role, agency="Sở Nông nghiệp và Môi trường",
                         related_producer_ids=[], relationship_note="", is_active=True)
            member["_name"] = user["full_name"]
            member["_username"] = user["username"]
            members_of[council["id"]].append(member)

    # -- producers and products ----------------------------------------------------------------
    n_producers = producers or SCALES[scale]
    weights = [rng.uniform(0.5, 1.5) if provinces_only is None or code in provinces_only
               else 0.0 for code, _name in provinces]
    kinds = list(PRODUCER_PREFIX)
    products: list[dict] = []
    product_serial: dict[str, int] = defaultdict(int)
    for n in range(n_producers):
        pcode, pname = rng.choices(provinces, weights)[0]
        commune = rng.choice(communes_of[pcode])
        kind = rng.choices(kinds, [30, 5, 25, 15, 25])[0]
        name = f"{PRODUCER_PREFIX[kind]} {rng.choice(NAME_WORDS)} {commune.name}"
        producer = add("producers", kind=kind, name=name, name_folded=fold(name),
                       name_sort=vn_sort_string(name),
                       registration_number=f"G{seed}-{n + 1:06d}", province_code=pcode,
                       commune_code=commune.code, address=f"Thôn {rng.randint(1, 12)}",
                       phone=f"09{rng.randint(10000000, 99999999)}",
                       email=None, representative_name=_name(rng), representative_position="",
                       representative_gender=rng.choice(["female", "male"]),
                       representative_ethnicity="01", representative_disabled=False,
                       status="approved", status_note="", decided_at=now, created_at=now)
        producer["_address"] = ", ".join([producer["address"], commune.name, pname])
        for _ in range(2):
            set_no = rng.choice(set_numbers)
            noun = rng.choice(TOURISM_NOUNS if set_no == 26 else PRODUCT_NOUNS)
            pname_ = f"{noun} {commune.name}"
            product_serial[commune.code] += 1
            product = add("products", producer_id=producer["id"], name=pname_,
                          name_folded=fold(pname_), set_no=set_no,
                          rulebook_code=rulebook.code, description="",
                          code=f"{pcode}-{commune.code}-{product_serial[commune.code]:03d}-"
                               f"{2022 + rng.randint(0, 3)}",
                          created_at=now)
            product["_producer"] = producer
            products.append(product)
    for commune_code, serial in product_serial.items():
        rows["product_code_counters"].append(dict(commune_code=commune_code, last_serial=serial))

    # -- evaluations: first recognitions over 42 months, re-evaluations of the expiring -------
    window_days = 42 * 30
    plans: list[tuple[dict, date, str, dict | None]] = []  # product, decided on, kind, previous
    for product in products:
        if rng.random() < 0.95:
            plans.append((product, today - timedelta(days=rng.randint(20, window_days)),
                          "first", None))
    rounds: dict[tuple[str, int, int], dict] = {}
    decisions: dict[tuple, dict] = {}
    serials: dict[tuple[str, int], int] = defaultdict(int)
    certificates_of: dict[int, dict] = {}
    sheet_total = 0
    dialect = db.session.connection().dialect.name
    entry_stamp: list = [None, None]
    entries: list[tuple] = []  # score entries as plain tuples: 6 million rows at national scale
    stars = defaultdict(int)

    def round_for(pcode: str, decided_on: date) -> dict:
        quarter = (decided_on.month - 1) // 3
        key = (pcode, decided_on.year, quarter)
        if key not in rounds:
            finish = date(decided_on.year, quarter * 3 + 1, 1) + timedelta(days=80)
            council = councils[pcode]
            rounds[key] = add("rounds", council_id=council["id"],
                              name=f"Đợt {quarter + 1}/{decided_on.year}",
                              year=decided_on.year, proposals_by=finish - timedelta(days=40),
                              finish_by=finish, is_extra=False, state="concluded",
                              session_closed_at=_at(finish - timedelta(days=10)),
                              concluded_at=_at(finish - timedelta(days=9)),
                              conclusion="", pinned_rules=rules_dict, version=1)
            rounds[key]["_council"] = council
        return rounds[key]

    def decision_for(level: str, pcode: str | None, decided_on: date, round_id) -> dict:
        key = (level, pcode, decided_on.year, decided_on.month if level == "ministry"
               else round_id)
        if key not in decisions:
            number = f"{len(decisions) + 1}/QĐ-{'BNNMT' if pcode is None else 'UBND'}"
            decisions[key] = add(
                "decisions", kind="recognition", status="issued", authority_level=level,
                province_code=pcode,
                authority_name=("Bộ Nông nghiệp và Môi trường" if pcode is None
                                else f"Ủy ban nhân dân {dict(provinces)[pcode]}"),
                number=number, decided_on=decided_on, signer_name=_name(rng),
                signer_title="Chủ tịch" if pcode else "Bộ trưởng",
                round_id=round_id, is_legacy=False, ground=None, note="", created_at=now,
                issued_at=_at(decided_on, 10))
        return decisions[key]

    progress_ctx = progress or (lambda label, total: _Silent())
    queue = list(plans)
    with progress_ctx("Chấm điểm và công nhận", len(queue) * 13 // 10) as bar:
        i = 0
        while i < len(queue):
            product, decided_on, kind, previous = queue[i]
            i += 1
            bar.update(1)
            producer = product["_producer"]
            pcode = producer["province_code"]
            round_ = round_for(pcode, decided_on)
            council = round_["_council"]
            dossier = add("dossiers", product_id=product["id"], producer_id=producer["id"],
                          province_code=pcode, commune_code=producer["commune_code"],
                          kind=kind, status="evaluated", rulebook_code=rulebook.code,
                          set_no=product["set_no"], production_address=producer["address"],
                          annual_capacity="", main_markets="", product_story="",
                          samples_count=0 if product["set_no"] == 26 else 5,
                          samples_received_by="",
                          previous_certificate_id=previous["id"] if previous else None,
                          changes_since_recognition="", return_reason="",
                          created_at=_at(decided_on - timedelta(days=90)),
                          submitted_at=_at(decided_on - timedelta(days=85)),
                          forwarded_at=_at(decided_on - timedelta(days=70)),
                          accepted_at=_at(decided_on - timedelta(days=60)), version=1)
            concluded_at = _at(decided_on - timedelta(days=9), 15)
            evaluation = add("evaluations", round_id=round_["id"], dossier_id=dossier["id"],
                             status="concluded", advisory_notes="", site_visit_notes="",
                             advisory_report="", proposal="", concluded_at=concluded_at,
                             created_at=_at(decided_on - timedelta(days=55)),
                             recognised=False)
            outcome = rng.choices(OUTCOMES, [o[1] for o in OUTCOMES])[0]
            quality = rng.uniform(outcome[2], outcome[3])
            sheet, plan = sheets.plan(product["set_no"])
            results, entries_of = [], []
            if plant.province_code == pcode:
                quality = min(quality + plant.shift, 0.99)
            for member in members_of[council["id"]]:
                lean = plant.shift if member["_username"] == plant.member_username else 0.0
                choices, cases = _choose(rng, plan, min(quality + lean, 0.99), outcome[0])
                result = score_sheet(sheet, choices, cases=cases)
                row = add("score_sheets", evaluation_id=evaluation["id"],
                          member_id=member["id"], rulebook_code=rulebook.code,
                          set_no=product["set_no"], status="submitted", overall_comment="",
                          knockouts=[], submitted_at=concluded_at - timedelta(days=2),
                          reopened_reason="", updated_at=concluded_at - timedelta(days=2),
                          version=3)
                entry_at = entry_stamp[0] if entry_stamp[1] == concluded_at else None
                if entry_at is None:
                    entry_at = _stamp(concluded_at - timedelta(days=3), dialect)
                    entry_stamp[:] = [entry_at, concluded_at]
                entries.extend((row["id"], code, option, cases.get(code), "", entry_at)
                               for code, option in choices.items())
                sheet_total += 1
                results.append(MemberResult(member_id=member["id"], result=result,
                                            is_chair=member["role"] == "chair"))
                entries_of.append((member, row, result))
            council_result = aggregate(results, rules, members_total=len(results),
                                       chair_present=True)
            evaluation.update(result=json.loads(to_json(council_result.to_dict())),
                              mean_total=council_result.mean_total, star=council_result.star,
                              recognised=bool(council_result.recognised))
            snapshot = _plain({
                "version": SNAPSHOT_VERSION, "evaluation_id": evaluation["id"],
                "round_id": round_["id"], "dossier_id": dossier["id"],
                "product": {"name": product["name"], "code": product["code"]},
                "rulebook": council_result.rulebook_code, "set": council_result.set_number,
                "rules": council_result.rules.to_dict(),
                "members": [{
                    "member_id": m["id"], "sheet_id": row["id"], "name": m["_name"],
                    "role": m["role"], "is_chair": m["role"] == "chair", "total": r.total,
                    "parts": {p.code: p.points for p in r.parts},
                    "choices": {c.code: [c.option, c.case] for c in r.choices},
                    "knockouts": list(r.knockouts), "stops": list(r.stops),
                    "own_star": r.star, "comment": ""} for m, row, r in entries_of],
                "not_scoring": [], "result": council_result.to_dict(),
                "mean_total": council_result.mean_total,
                "mean_exact": council_result.mean_exact,
                "band_star": council_result.band_star, "star": council_result.star,
                "recognised": council_result.recognised,
                "decisions": {"confirmed": [], "dismissed": [], "reasons": {}},
                "rescores": [], "lab_tests": [], "proposal": "", "concluded_at": concluded_at,
            })
            totals = [r.total for _m, _row, r in entries_of]
            sealed = add("sealed_results", evaluation_id=evaluation["id"],
                rulebook_code=council_result.rulebook_code, set_no=council_result.set_number,
                rules=snapshot["rules"], snapshot=snapshot,
                content_hash=content_hash(snapshot), mean_total=council_result.mean_total,
                star=council_result.star, recognised=bool(council_result.recognised),
                sealed_at=concluded_at, sealed_by_id=None)
            add("oversight_evaluations", evaluation_id=evaluation["id"], sealed_id=sealed["id"],
                round_id=round_["id"], council_id=council["id"], province_code=pcode,
                level="province", set_no=product["set_no"],
                year=legal_date(concluded_at).year, concluded_on=legal_date(concluded_at),
                n_sheets=len(totals), sheets_sum=sum(totals, Decimal(0)),
                sheets_sq=sum((t * t for t in totals), Decimal(0)),
                mean_total=council_result.mean_total,
                spread=max(totals) - min(totals), star=council_result.star,
                recognised=bool(council_result.recognised), self_total=None,
                escalated_from_id=None)
            for member, _row, r in entries_of:
                add("oversight_sheets", evaluation_id=evaluation["id"], member_id=member["id"],
                    total=r.total)
            if not council_result.recognised:
                continue
            star = council_result.star
            stars[star] += 1
            level = "ministry" if star == 5 else "province"
            issuer = "BO" if star == 5 else pcode
            decision = decision_for(level, None if star == 5 else pcode, decided_on,
                                    None if star == 5 else round_["id"])
            item = add("decision_items", decision_id=decision["id"], product_id=product["id"],
                       evaluation_id=evaluation["id"], certificate_id=None, star=star)
            serials[(issuer, decided_on.year)] += 1
            number = certificate_number(issuer, decided_on.year, serials[(issuer,
                                                                          decided_on.year)])
            certificate = add(
                "certificates", number=number, issuer_key=issuer, year=decided_on.year,
                serial=serials[(issuer, decided_on.year)],
                token=hashlib.sha256(f"{seed}:{number}".encode()).hexdigest()[:32],
                decision_id=decision["id"], decision_item_id=item["id"],
                product_id=product["id"], producer_id=producer["id"],
                evaluation_id=evaluation["id"], province_code=pcode,
                commune_code=producer["commune_code"], star=star,
                rulebook_code=rulebook.code, set_no=product["set_no"], issued_on=decided_on,
                expires_on=Certificate.expiry_for(decided_on), product_name=product["name"],
                product_code=product["code"],
                product_set_name=set_name(rulebook.code, product["set_no"]),
                producer_name=producer["name"], producer_address=producer["_address"],
                search_text=fold(" ".join([product["name"], producer["name"],
                                           product["code"], number])),
                revoked_at=None, revocation_decision_id=None, superseded_by_id=None,
                extended_until=None)
            if previous is not None:
                previous["superseded_by_id"] = certificate["id"]
            certificates_of[product["id"]] = certificate
            # The re-evaluation of a certificate coming to its end, decided before expiry.
            renewal = certificate["expires_on"] - timedelta(days=rng.randint(30, 150))
            if renewal <= today - timedelta(days=20) and rng.random() < 0.9:
                queue.append((product, renewal, "reevaluation", certificate))
        counts["evaluations"] = len(rows["evaluations"])

    for (issuer, year), serial in serials.items():
        rows["certificate_counters"].append(dict(issuer_key=issuer, year=year,
                                                 last_serial=serial))
    # -- notices and inspections of the live certificates -------------------------------------
    from .reevaluation.models import NOTICE_DAYS

    for certificate in rows["certificates"]:
        if certificate["superseded_by_id"] is not None:
            continue
        for kind, days in NOTICE_DAYS.items():
            due = certificate["expires_on"] - timedelta(days=days) + (
                timedelta(days=1) if days == 0 else timedelta())
            if due <= today:
                add("reevaluation_notices", certificate_id=certificate["id"], kind=kind.value,
                    sent_at=_at(due, 7), due_on=due, recipients=[], channels=["in_app"])
        if rng.random() < 0.08:
            scheduled = certificate["issued_on"] + timedelta(days=rng.randint(180, 700))
            done = scheduled <= today
            add("inspections", certificate_id=certificate["id"],
                kind=rng.choice(["periodic", "adhoc"]), scheduled_on=scheduled,
                inspector=_name(rng), done_on=scheduled if done else None,
                findings="Phù hợp hồ sơ." if done else "",
                outcome=("compliant" if rng.random() < 0.9 else "remedy") if done else None,
                concluded_by="", created_at=now)

    # -- write -----------------------------------------------------------------------------
    order = ["users", "councils", "council_members", "producers", "products",
             "product_code_counters", "rounds", "dossiers", "evaluations", "score_sheets",
             "score_entries", "sealed_results", "oversight_evaluations", "oversight_sheets",
             "decisions", "decision_items", "certificates",
             "certificate_counters", "reevaluation_notices", "inspections"]
    total = sum(len(rows[t]) for t in order) + len(entries)
    # A certificate's superseded_by points at a newer one: insert the newest first, so no
    # certificate row is ever updated. A re-evaluation dossier points at the certificate it
    # follows, which is written after it (the cycle dossier -> evaluation -> certificate):
    # that column is set by an UPDATE of the dossiers afterwards (dossiers are not sealed).
    rows["certificates"].sort(key=lambda c: -c["id"])
    previous_of = [{"d_id": d["id"], "c_id": d.pop("previous_certificate_id")}
                   for d in rows["dossiers"] if d.get("previous_certificate_id")]
    for d in rows["dossiers"]:
        d.pop("previous_certificate_id", None)
    with progress_ctx("Ghi vào cơ sở dữ liệu", total) as bar:
        for table in order:
            if table == "score_entries":
                _copy_entries(entries, bar)
                counts[table] = len(entries)
                continue
            data = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows[table]]
            for start in range(0, len(data), CHUNK):
                chunk = data[start:start + CHUNK]
                db.session.execute(insert(T[table]), chunk)
                bar.update(len(chunk))
            counts[table] = len(data)
    dossiers = T["dossiers"]
    for start in range(0, len(previous_of), CHUNK):
        db.session.execute(dossiers.update().where(dossiers.c.id == bindparam("d_id"))
                           .values(previous_certificate_id=bindparam("c_id")),
                           previous_of[start:start + CHUNK])
    counts["audit_events"] = _write_audit(rows["decisions"], rows["decision_items"],
                                          rows["certificates"])
    dialect = db.session.connection().dialect.name
    if dialect == "postgresql":
        for table in order:
            if "id" in T[table].c:
                db.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"))
    counts["stars"] = dict(sorted(stars.items()))  # type: ignore[assignment]
    office = db.session.scalar(select(User).filter_by(username=f"{PREFIX}tw.office"))
    audit_record(office, "dataset_generated", actor=None,
                 data={"scale": scale, "seed": seed,
                       "counts": {k: v for k, v in counts.items() if k != "stars"}})
    db.session.flush()
    return Summary(counts)


ENTRY_COLUMNS = ("sheet_id", "item_code", "option_index", "case_key", "comment", "updated_at")


def _stamp(at: datetime, dialect: str):
    """A score entry's time as the driver takes it: SQLAlchemy's SQLite storage (naive UTC
    text), or the aware datetime for PostgreSQL."""
    if dialect == "postgresql":
        return at
    return at.astimezone(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _copy_entries(entries: list[tuple], bar) -> None:
    """The score entries through the driver itself: ``COPY`` on PostgreSQL, a prepared
    ``executemany`` on SQLite (the ORM's per-row bind processing would take minutes)."""
    connection = db.session.connection()
    raw = connection.connection.dbapi_connection
    columns = ", ".join(ENTRY_COLUMNS)
    if connection.dialect.name == "postgresql":
        with raw.cursor() as cursor:
            for start in range(0, len(entries), CHUNK * 20):
                chunk = entries[start:start + CHUNK * 20]
                with cursor.copy(f"COPY score_entries ({columns}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
                bar.update(len(chunk))
        return
    cursor = raw.cursor()
    sql = f"INSERT INTO score_entries ({columns}) VALUES (?, ?, ?, ?, ?, ?)"
    for start in range(0, len(entries), CHUNK * 20):
        chunk = entries[start:start + CHUNK * 20]
        cursor.executemany(sql, chunk)
        bar.update(len(chunk))
    cursor.close()


def _write_audit(decisions: list[dict], items: list[dict], certificates: list[dict]) -> int:
    """The issue records of the generated decisions and certificates, with the seals
    ``audit verify`` compares, appended to the hash chain exactly as the audit hook would."""
    from .audit import AuditChainHead, AuditEvent
    from .audit.chain import _lock_head, content_hash
    from .audit.seals import CERTIFICATE_FIELDS, DECISION_FIELDS
    from .audit.seals import _plain as seal_plain
    from .db import utcnow

    def digest(content: dict) -> str:
        return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False,
                                         separators=(",", ":"), default=str)
                              .encode("utf-8")).hexdigest()

    items_of: dict[int, list] = defaultdict(list)
    for item in items:
        items_of[item["decision_id"]].append([item["product_id"], item["star"],
                                              item["certificate_id"]])
    events = []
    for d in decisions:
        content = {f: seal_plain(d[f]) for f in DECISION_FIELDS}
        content["items"] = sorted(items_of[d["id"]])
        events.append((d["issued_at"], 0, d["id"], "decisions", "issued", "issued",
                       digest(content), d["province_code"]))
    for c in certificates:
        content = {f: seal_plain(c[f]) for f in CERTIFICATE_FIELDS}
        events.append((_at(c["issued_on"], 10), 1, c["id"], "certificates", "issued",
                       c["number"], digest(content), c["province_code"]))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    head = AuditChainHead.__table__
    connection = db.session.connection()
    seq, prev = _lock_head(connection, head)
    out = []
    for at, _, object_id, object_type, action, new, seal, province in events:
        seq += 1
        data = {"seal": seal}
        row_hash = content_hash(seq=seq, prev_hash=prev, at=at, actor_id=None,
                                object_type=object_type, object_id=str(object_id),
                                action=action, old=None, new=new, note="", data=data,
                                province_code=province)
        out.append(dict(at=at, actor_id=None, object_type=object_type,
                        object_id=str(object_id), action=action, old=None, new=new, note="",
                        data=data, province_code=province, seq=seq, prev_hash=prev,
                        row_hash=row_hash))
        prev = row_hash
    for start in range(0, len(out), CHUNK):
        db.session.execute(insert(AuditEvent.__table__), out[start:start + CHUNK])
    connection.execute(head.update().where(head.c.id == 1)
                       .values(seq=seq, row_hash=prev, updated_at=utcnow()))
    return len(out)


class _Silent:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n):
        pass
