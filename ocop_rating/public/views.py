"""Public pages: anonymous, read-only, GET only."""
from __future__ import annotations

import math

from flask import redirect, render_template, request, url_for

from ..certificates import services
from ..certificates.models import CertificateStatus
from ..certificates.instruments import instrument
from ..db import db
from ..geo.models import Commune
from ..geo.services import communes_of, provinces_sorted
from ..legaltime import legal_today
from . import bp, cache, reading
from .query import IN_FORCE_LABEL, STATUSES, clean, parse_registry_args


def _status_choices():
    labels = {s.value: s.label for s in CertificateStatus}
    return [(value, str(IN_FORCE_LABEL) if value == "in_force" else labels[value])
            for value in STATUSES]


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """Page links to show: first, last, and ``around`` either side of the current one;
    ``None`` marks a gap."""
    wanted = {1, pages} | set(range(max(1, page - around), min(pages, page + around) + 1))
    out: list[int | None] = []
    for n in sorted(wanted):
        if out and out[-1] is not None and n > out[-1] + 1:
            out.append(None)
        out.append(n)
    return out


@bp.get("/registry")
def registry():
    """The complete registry of issued certificates, whatever their status."""
    parsed = parse_registry_args(request.args, allow_per_page=True)
    query = parsed.query
    today = legal_today()
    rows, total = services.registry(query, today=today)
    _keep = reading.preload(rows)
    pages = max(1, math.ceil(total / query.per_page))
    # A certificate number typed in the search box: point straight at it.
    by_number = reading.find_number(request.args.get("q")) if query.q else None
    province = query.province
    if query.commune and not province:
        commune = db.session.get(Commune, query.commune)
        province = commune.province_code if commune else ""
    filters = parsed.filters()
    return render_template(
        "public/registry.html", rows=rows, total=total, query=query, today=today,
        problems=parsed.problems, filters=filters, pages=pages,
        page_links=page_numbers(min(query.page, pages), pages), by_number=by_number,
        provinces=provinces_sorted(), communes=communes_of(province) if province else [],
        selected_province=province, sets=reading.set_choices(),
        statuses=_status_choices(), title=None)


@bp.get("/verify/<token>")
def verify(token: str):
    """The page behind the QR code: the certificate and its live status."""
    certificate = reading.find_token(token)
    if certificate is None:
        return render_template("public/not_found.html"), 404
    cache.depends_on(certificate)
    today = legal_today()
    status = certificate.status_on(today)
    rulebook_label, set_name = reading.rulebook_facts(certificate)
    history = reading.public_history(services.star_history(certificate.product))
    newer = certificate.superseded_by
    current = reading.current_of(certificate) if newer is not None else None
    return render_template(
        "public/verify.html", c=certificate, status=status, today=today,
        days_left=certificate.days_to_expiry(today), rulebook_label=rulebook_label,
        instrument=instrument(certificate.rulebook_code),
        set_name=set_name, history=history, newer=newer,
        current=current if current is not None and current is not newer else None,
        Status=CertificateStatus)


@bp.get("/lookup")
def lookup():
    """Check a certificate number from paper: found → its page; not found → say plainly
    that the product is not OCOP-certified (the registry is complete)."""
    raw = clean(request.args.get("number"))
    if not raw:
        return render_template("public/lookup.html", number="", not_found=False)
    certificate = reading.find_number(raw)
    if certificate is not None:
        return redirect(url_for("public.verify", token=certificate.token))
    return render_template("public/lookup.html", number=raw[:100], not_found=True), 404
