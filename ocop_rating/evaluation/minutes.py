"""The minutes (biên bản) and the compiled score table of a round: the council's records
mapped onto the renderers' dataclasses (evaluation/papers.py). Printed in Vietnamese."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ..councils import services as councils
from ..councils.models import CouncilLevel, MemberRole, Round
from ..rulebook import get_rulebook
from . import papers as reports
from . import services

ROLE_TEXT = {MemberRole.chair: "Chủ tịch Hội đồng", MemberRole.vice_chair: "Phó Chủ tịch Hội đồng",
             MemberRole.member: "Ủy viên", MemberRole.secretary: "Ủy viên thư ký"}
TWO = Decimal("0.01")


def _authority(round_: Round) -> str:
    council = round_.council
    if council.level == CouncilLevel.central:
        return "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"
    return f"ỦY BAN NHÂN DÂN {council.province.name.upper()}" if council.province.name.lower() \
        .startswith(("thành phố", "tỉnh")) else f"ỦY BAN NHÂN DÂN TỈNH {council.province.name.upper()}"


def _dossier_result(evaluation) -> reports.DossierResult:
    council = evaluation.council
    dossier = evaluation.dossier
    definition = services.sheet_definition(evaluation)
    result = services.council_result(evaluation)
    disagreements = {d.code for d in result.disagreements} if result else set()
    members, sheet_results = [], []
    for p in services.progress(evaluation):
        member_name = p.member.user.full_name
        if p.blocked:
            members.append(reports.MemberScore(member_name=member_name,
                                               role_label=ROLE_TEXT[p.member.role], total=None,
                                               parts=(), submitted=False,
                                               excluded_reason=p.blocked))
            sheet_results.append(None)
            continue
        r = services.sheet_result(p.sheet) if p.submitted else None
        members.append(reports.MemberScore(
            member_name=member_name, role_label=ROLE_TEXT[p.member.role],
            total=r.total if r else None,
            parts=tuple((pt.code, pt.points) for pt in r.parts) if r else (),
            submitted=p.submitted))
        sheet_results.append(r)
    items = []
    for item in definition.items:
        points = tuple((r.choice_by_code[item.code].points
                        if r and item.code in r.choice_by_code else None) for r in sheet_results)
        given = [x for x in points if x is not None]
        mean = (sum(given) / len(given)).quantize(TWO, ROUND_HALF_UP) if given else None
        items.append(reports.ItemScores(code=item.code, label=item.label,
                                        max_points=item.max_points, points_by_member=points,
                                        mean=mean, disagreement=item.code in disagreements))
    if result is not None:
        quorum = (f"{'Đủ' if result.quorum_met else 'Không đủ'} điều kiện: "
                  f"{result.members_scored}/{result.members_total} thành viên chấm, "
                  f"tối thiểu {result.quorum_required}"
                  + ("; có Chủ tịch Hội đồng" if result.chair_present else
                     "; Chủ tịch Hội đồng chưa chấm"))
        failed = tuple(f"Chưa đạt mức tối thiểu {m.star} sao" for m in result.minimums
                       if not m.met)
        knockouts = tuple(f"Trường hợp loại: {code}" for code in result.knockouts_confirmed)
    else:
        quorum, failed, knockouts = "Chưa có phiếu chấm được nộp", (), ()
    rulebook = get_rulebook(dossier.rulebook_code)
    return reports.DossierResult(
        product_name=dossier.product.name, product_code=dossier.product.code or "",
        producer_name=dossier.producer.name,
        product_set_label=f"Bộ sản phẩm số {definition.number}: {definition.name}",
        rulebook_label=rulebook.instrument, members=tuple(members), items=tuple(items),
        mean_total=result.mean_total if result else None,
        part_means=tuple(result.part_means) if result else (),
        spread=result.spread if result else None,
        spread_limit=council.council_rules.spread_limit, quorum_label=quorum,
        star=evaluation.star if evaluation.concluded_at else (result.star if result else None),
        recognised=bool(evaluation.recognised if evaluation.concluded_at
                        else (result.recognised if result else False)),
        knockouts=knockouts, minimums_failed=failed, proposal=evaluation.proposal)


def minutes_data(round_: Round) -> reports.MinutesData:
    council = round_.council
    evaluations = [e for e in round_.evaluations if e.sheets]
    attendance = []
    for member in council.active_members:
        scored = any(s.member_id == member.id and s.submitted_at for e in evaluations
                     for s in e.sheets)
        notes = [f"{councils.blocked_reason(e, member)} ({e.dossier.product.name})"
                 for e in evaluations if councils.blocked_reason(e, member)]
        attendance.append(reports.MemberLine(name=member.user.full_name,
                                             role_label=ROLE_TEXT[member.role],
                                             agency=member.agency, present=scored,
                                             note="; ".join(notes)))
    chair, secretary = council.chair, next((m for m in council.active_members
                                            if m.role == MemberRole.secretary), None)
    held = (round_.session_closed_at.date() if round_.session_closed_at else date.today())
    place = council.province.name if council.province else "Hà Nội"
    return reports.MinutesData(
        authority_name=_authority(round_), council_name=council.name,
        council_decision=f"Quyết định số {council.decision_number} ngày "
                         f"{council.decision_date:%d/%m/%Y}",
        round_name=round_.name, held_on=held, place_name=place,
        chair_name=chair.user.full_name if chair else "",
        secretary_name=secretary.user.full_name if secretary else "",
        attendance=tuple(attendance),
        dossiers=tuple(_dossier_result(e) for e in evaluations),
        conclusion=round_.conclusion or "")
