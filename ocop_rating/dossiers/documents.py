"""Forms 01, 02 and 03 as filled: the dossier's records mapped onto the PDF renderers'
dataclasses (ocop_rating/dossiers/pdf.py). Printed text stays Vietnamese whatever the
interface language: these are administrative documents."""
from __future__ import annotations

from ..geo.models import Commune, Province
from ..legaltime import legal_date, legal_today
from ..rulebook import get_rulebook
from . import pdf, services
from .checklist import LOCAL_ITEMS, checklist_for
from .models import Dossier

GENDER = {"female": "Nữ", "male": "Nam"}


def commune_title(commune: Commune) -> str:
    """"xã Di Linh", "phường Hạ Long", "đặc khu Vân Đồn": the name as it follows
    "Ủy ban nhân dân"."""
    kind = commune.division_type
    name = commune.name
    if name.lower().startswith(kind):
        return kind + name[len(kind):]
    return f"{kind} {name}"


def province_title(province: Province) -> str:
    kind = "thành phố" if "thành phố" in province.division_type else "tỉnh"
    name = province.name
    if name.lower().startswith(kind):
        return kind + name[len(kind):]
    return f"{kind} {name}"


def short_place(commune: Commune) -> str:
    title = commune_title(commune)
    return title.split(" ", 2)[-1] if title.startswith("đặc khu") else title.split(" ", 1)[-1]


def producer_info(dossier: Dossier) -> pdf.ProducerInfo:
    p = dossier.producer
    return pdf.ProducerInfo(
        name=p.name, kind_label=p.kind.label, registration_number=p.registration_number,
        address=p.full_address, phone=p.phone, email=p.email or "",
        representative=pdf.Representative(
            name=p.representative_name, gender_label=GENDER[p.representative_gender.value],
            ethnicity=p.ethnicity_name, position=p.representative_position,
            disability_label="Có" if p.representative_disabled else "Không"))


def _set_labels(dossier: Dossier) -> tuple[str, str, str]:
    rulebook = get_rulebook(dossier.rulebook_code)
    sheet = rulebook.sheet(dossier.set_no)
    for group in rulebook.groups:
        for sub in group.subgroups:
            if dossier.set_no in sub.sets:
                return sheet.name, f"{group.code}. {group.label}", f"{sub.code}. {sub.label}"
    return sheet.name, sheet.group, sheet.subgroup


def form01(dossier: Dossier) -> bytes:
    set_name, group, subgroup = _set_labels(dossier)
    commune = dossier.producer.commune
    return pdf.render_form01(pdf.Form01Data(
        commune_name=commune_title(commune), province_name=province_title(commune.province),
        producer=producer_info(dossier), product_name=dossier.product.name,
        product_set_number=dossier.set_no, product_set_name=set_name, group_label=group,
        subgroup_label=subgroup, evaluation_kind_label=dossier.kind.label,
        registered_on=legal_date(dossier.submitted_at or dossier.created_at),
        place_name=short_place(commune), signer_name=dossier.producer.representative_name,
        product_code=dossier.product.code or "", production_address=dossier.production_address,
        annual_capacity=dossier.annual_capacity, main_markets=dossier.main_markets,
        product_story=dossier.product_story))


def _option_label(item, index: int | None, case: str | None) -> str | None:
    if index is None:
        return None
    options = item.options_for(case) if item.is_case_choice and case else item.options
    if not 0 <= index < len(options):
        return None
    label = options[index].label
    if item.is_case_choice and case:
        label = f"[{item.case(case).label}] {label}"
    return label


def form02(dossier: Dossier) -> bytes:
    sheet = services.sheet_of(dossier)
    result = services.projection(dossier)
    claims = dossier.claims_by_code()
    evidence = dossier.evidence_by_code()
    points = result.choice_by_code
    parts = []
    for part in sheet.parts:
        sections = []
        for section in part.sections:
            rows = []
            for item in section.items:
                claim = claims.get(item.code)
                choice = points.get(item.code)
                rows.append(pdf.ScoreRow(
                    code=item.code, label=item.label,
                    chosen_label=_option_label(item, claim.option_index, claim.case_key)
                    if claim else None,
                    points=choice.points if choice else None, max_points=item.max_points,
                    evidence=tuple(e.label or e.file.original_name
                                   for e in evidence.get(item.code, []))))
            sections.append(pdf.ScoreSection(code=section.code, label=section.label,
                                             max_points=section.max_points, rows=tuple(rows)))
        parts.append(pdf.ScorePart(code=part.code, label=part.label, max_points=part.max_points,
                                   sections=tuple(sections),
                                   points=result.points_by_part.get(part.code)))
    blocking = []
    for star in (3, 4, 5):
        for h in result.holding_back(star):
            blocking.append(f"{star} sao: mục {h.code} chưa đạt mức tối thiểu")
    set_name, _group, _sub = _set_labels(dossier)
    commune = dossier.producer.commune
    return pdf.render_form02(pdf.Form02Data(
        producer=producer_info(dossier), product_name=dossier.product.name,
        product_set_number=dossier.set_no, product_set_name=set_name,
        rulebook_label=get_rulebook(dossier.rulebook_code).instrument, parts=tuple(parts),
        projected_star=result.star, assessed_on=legal_today(), place_name=short_place(commune),
        signer_name=dossier.producer.representative_name,
        product_code=dossier.product.code or "", blocking_minimums=tuple(blocking),
        total_points=result.total,
        notes=f"Còn {len(result.missing)} mục chưa tự đánh giá." if result.missing else ""))


def form03(dossier: Dossier) -> bytes | None:
    check = dossier.commune_check
    if check is None:
        return None
    labels = dict(LOCAL_ITEMS)
    commune = dossier.producer.commune
    forwarded = dossier.forwarded_at is not None
    set_name, _g, _s = _set_labels(dossier)
    return pdf.render_form03(pdf.Form03Data(
        commune_name=commune_title(commune), province_name=province_title(commune.province),
        producer=producer_info(dossier), product_name=dossier.product.name,
        received_on=legal_date(dossier.submitted_at or dossier.created_at),
        checklist=tuple(pdf.ChecklistLine(label=str(i.label),
                                          present=bool(check.checklist.get(i.code)))
                        for i in checklist_for(dossier.set_no)),
        local_items=tuple(pdf.LocalAssessment(label=str(labels[f]), assessment=getattr(check, f))
                          for f, _l in LOCAL_ITEMS),
        conclusion=check.proposal,
        result_label=pdf.RESULT_FORWARD if forwarded else pdf.RESULT_RETURN,
        officer_name=check.officer.full_name if check.officer else "",
        officer_title="CÁN BỘ KIỂM TRA", assessed_on=legal_date(check.checked_at or dossier.created_at),
        place_name=short_place(commune), product_set_number=dossier.set_no,
        product_set_name=set_name))
