"""The minutes (biên bản) and the compiled score table of a round: the council's records
mapped onto the renderers' dataclasses (evaluation/papers.py). Printed in Vietnamese."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..councils import services as councils
from ..councils.models import CouncilLevel, MemberRole, Round, RoundState
from ..legaltime import legal_date, legal_today
from ..pdf.text import fmt_fixed
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


def _rules_label(rules: dict) -> str:
    return (f"chênh lệch tối đa {rules.get('spread_limit')} điểm; tối thiểu "
            f"{rules.get('quorum_fraction')} số thành viên; điểm trung bình làm tròn "
            f"{rules.get('mean_decimals')} chữ số (hạng sao theo điểm trung bình chính xác); "
            f"mức tối thiểu: {rules.get('minimum_rule', 'item_majority')}")


def _rescore_lines(passes, names: dict[int, str]) -> tuple[str, ...]:
    lines = []
    for r in passes:
        before = "; ".join(f"{names.get(int(mid), mid)} {fmt_fixed(Decimal(v['total']))}"
                           for mid, v in sorted(r["previous"].items(), key=lambda kv: kv[0]))
        lines.append(f"Lần {r['seq']}: chấm lại các mục {', '.join(r['items'])} – lý do: "
                     f"{r['reason']}. Tổng điểm trước khi chấm lại: {before}")
    return tuple(lines)


def _sealed_dossier_result(evaluation, sealed) -> reports.DossierResult:
    """The papers of a concluded dossier: everything from the seal, nothing recomputed."""
    snap = sealed.snapshot
    dossier = evaluation.dossier
    definition = get_rulebook(snap["rulebook"]).sheet(snap["set"])
    result = snap["result"]
    members, choice_rows = [], []
    for m in snap["members"]:
        members.append(reports.MemberScore(
            member_name=m["name"], role_label=ROLE_TEXT[MemberRole(m["role"])],
            total=Decimal(m["total"]),
            parts=tuple((code, Decimal(v)) for code, v in m["parts"].items()), submitted=True))
        choice_rows.append(m["choices"])
    for m in snap["not_scoring"]:
        members.append(reports.MemberScore(
            member_name=m["name"], role_label=ROLE_TEXT[MemberRole(m["role"])], total=None,
            parts=(), submitted=False, excluded_reason=m["reason"]))
        choice_rows.append(None)
    disagreements = {d["criterion"] for d in result.get("disagreements", [])}
    items = []
    for item in definition.items:
        points = []
        for choices in choice_rows:
            chosen = (choices or {}).get(item.code)
            if chosen is None:
                points.append(None)
                continue
            option, case = chosen
            options = item.options_for(case) if item.is_case_choice else item.options
            points.append(Decimal(0) if option is None else options[option].points)
        given = [x for x in points if x is not None]
        mean = (sum(given) / len(given)).quantize(TWO, ROUND_HALF_UP) if given else None
        items.append(reports.ItemScores(code=item.code, label=item.label,
                                        max_points=item.max_points,
                                        points_by_member=tuple(points), mean=mean,
                                        disagreement=item.code in disagreements))
    quorum = (f"{'Đủ' if result['quorum_met'] else 'Không đủ'} điều kiện: "
              f"{result['members_scored']}/{result['members_total']} thành viên chấm, "
              f"tối thiểu {result['quorum_required']}"
              + ("; có Chủ tịch Hội đồng" if result["chair_present"] else
                 "; Chủ tịch Hội đồng chưa chấm"))
    failed = tuple(f"Chưa đạt mức tối thiểu {star} sao"
                   for star, held in result["minimums_failed"].items() if held)
    stop_text = {k.code: k.text for k in definition.knockouts}
    reasons = snap["decisions"].get("reasons", {})
    knockouts = tuple(f"Trường hợp loại: {stop_text.get(c, c)} – {reasons.get(c, '')}"
                      for c in snap["decisions"]["confirmed"])
    stops = tuple(f"{stop_text.get(c, c)} – Hội đồng bác bỏ: {reasons.get(c, '')}"
                  for c in snap["decisions"]["dismissed"])
    names = {m["member_id"]: m["name"] for m in snap["members"]}
    rules = snap["rules"]
    decimals = int(rules.get("mean_decimals", 2))
    return reports.DossierResult(
        product_name=dossier.product.name, product_code=dossier.product.code or "",
        producer_name=dossier.producer.name,
        product_set_label=f"Bộ sản phẩm số {definition.number}: {definition.name}",
        rulebook_label=get_rulebook(snap["rulebook"]).instrument, members=tuple(members),
        items=tuple(items),
        mean_total=Decimal(snap["mean_total"]).quantize(Decimal(1).scaleb(-decimals)),
        part_means=tuple((c, Decimal(v)) for c, v in result["part_means"].items()),
        spread=Decimal(result["spread"]), spread_limit=Decimal(rules["spread_limit"]),
        quorum_label=quorum, star=snap["star"], recognised=bool(snap["recognised"]),
        knockouts=knockouts, minimums_failed=failed, proposal=snap.get("proposal", ""),
        concluded=True, stops=stops, rescores=_rescore_lines(snap.get("rescores", []), names),
        rules_label=_rules_label(rules))


def _dossier_result(evaluation) -> reports.DossierResult:
    from .seal import sealed_for

    sealed = sealed_for(evaluation)
    if sealed is not None:
        return _sealed_dossier_result(evaluation, sealed)
    council = evaluation.council
    dossier = evaluation.dossier
    definition = services.sheet_definition(evaluation)
    result = services.council_result(evaluation)
    disagreements = {d.code for d in result.disagreements} if result else set()
    members, sheet_results = [], []
    for p in councils.progress(evaluation):
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
        stop_text = {k.code: k.text for k in definition.knockouts}
        stops = tuple(f"{stop_text.get(c, c)} ({len(ms)} thành viên) – chưa được Chủ tịch "
                      f"Hội đồng quyết định" for c, ms in result.knockouts_flagged)
    else:
        quorum, failed, stops = "Chưa có phiếu chấm được nộp", (), ()
    rulebook = get_rulebook(dossier.rulebook_code)
    rules = evaluation.round.rules
    names = {m.id: m.user.full_name for m in council.active_members}
    passes = [{"seq": r.seq, "items": r.items, "reason": r.reason, "previous": r.previous}
              for r in services.rescores(evaluation)]
    return reports.DossierResult(
        product_name=dossier.product.name, product_code=dossier.product.code or "",
        producer_name=dossier.producer.name,
        product_set_label=f"Bộ sản phẩm số {definition.number}: {definition.name}",
        rulebook_label=rulebook.instrument, members=tuple(members), items=tuple(items),
        mean_total=result.mean_total if result else None,
        part_means=tuple(result.part_means) if result else (),
        spread=result.spread if result else None,
        spread_limit=rules.spread_limit, quorum_label=quorum,
        # Not concluded: never a star on the papers (issue 10 §8).
        star=None, recognised=False, concluded=False,
        knockouts=(), minimums_failed=failed, proposal="", stops=stops,
        rescores=_rescore_lines(passes, names), rules_label=_rules_label(rules.to_dict()))


def minutes_data(round_: Round, *, viewer=None) -> reports.MinutesData:
    """The papers of a round. Official (numbered, signed) once the round is concluded; a
    draft before. ``viewer``: only the dossiers whose scores the viewer may read
    (``councils.can_read_scores``: not a barred member's, and for the ministry only sealed)."""
    council = round_.council
    evaluations = [e for e in round_.evaluations if e.sheets
                   and (viewer is None or councils.can_read_scores(e, viewer))]
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
    held = (legal_date(round_.session_closed_at) if round_.session_closed_at else legal_today())
    official = round_.state == RoundState.concluded
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
        conclusion=round_.conclusion or "",
        document_number=f"{round_.id:03d}/BB-HĐOCOP" if official else "",
        is_draft=not official)
