"""Reading the registry's query parameters (shared by the public pages and the JSON API).

Pure input checks, no database: each parameter is either understood or reported. The HTML
page drops what it cannot read (and says so); the API answers 400 naming the parameter.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..certificates.services import RegistryQuery
from ..paging import MAX_PER_PAGE  # one bound for every list and the API

# Every status a person can filter by: the six derived ones, and "in force" (valid, expiring
# or extended: what a buyer means by "still certified").
STATUSES = ("in_force", "valid", "expiring", "extended", "expired", "revoked", "superseded")
IN_FORCE_LABEL = _l("Đang có hiệu lực (kể cả sắp hết hạn, đang đánh giá lại)")
STARS = (3, 4, 5)
MAX_QUERY = 200
MAX_PAGE = 100_000   # deeper than any registry gets; keeps OFFSET within every integer type
# Set numbers differ between rulebooks (certificates recorded from paper keep older ones), so
# any plausible number is a filter; an unused one simply finds nothing.
MAX_SET = 999
HTML_PER_PAGE = 25

_PROVINCE = re.compile(r"^\d{2}$")
_COMMUNE = re.compile(r"^\d{5}$")


@dataclass
class Problem:
    param: str
    message: str


@dataclass
class Parsed:
    query: RegistryQuery
    problems: list[Problem] = field(default_factory=list)
    default_per_page: int = HTML_PER_PAGE

    def filters(self) -> dict[str, str | int]:
        """The filters in force, as query-string values (for page links and forms)."""
        q = self.query
        values = {"q": q.q, "province": q.province, "commune": q.commune, "set": q.set_no,
                  "star": q.star, "status": q.status}
        if q.per_page != self.default_per_page:
            values["per_page"] = q.per_page
        return {k: v for k, v in values.items() if v not in ("", None)}


def clean(text: str | None) -> str:
    """Typed text without control characters (a NUL byte is refused by PostgreSQL), with
    runs of spaces made one."""
    if not text:
        return ""
    return " ".join("".join(ch if not unicodedata.category(ch).startswith("C") else " "
                            for ch in text).split())


def _int(text: str) -> int | None:
    text = text.strip()
    if not text or not text.isascii() or not text.isdecimal() or len(text) > 9:
        return None
    return int(text)


def parse_registry_args(args, *, allow_per_page: bool = False,
                        per_page: int = HTML_PER_PAGE) -> Parsed:
    """Turn request arguments into a :class:`RegistryQuery`; anything unreadable is left out
    of the query and reported as a :class:`Problem`."""
    query = RegistryQuery(per_page=per_page)
    problems: list[Problem] = []

    def bad(param: str, message) -> None:
        problems.append(Problem(param, str(message)))

    q = clean(args.get("q"))
    if len(q) > MAX_QUERY:
        bad("q", _l("Từ khóa dài quá %(n)d ký tự.", n=MAX_QUERY))
        q = q[:MAX_QUERY]
    # "%" and "_" are searched for as typed: the registry escapes them in its LIKE
    # (certificates.services.registry, ``autoescape=True``).
    query.q = " ".join(q.split())

    province = (args.get("province") or "").strip()
    if province:
        if _PROVINCE.match(province):
            query.province = province
        else:
            bad("province", _l("Mã tỉnh/thành phố gồm 2 chữ số."))
    commune = (args.get("commune") or "").strip()
    if commune:
        if _COMMUNE.match(commune):
            query.commune = commune
        else:
            bad("commune", _l("Mã xã/phường gồm 5 chữ số."))

    raw = (args.get("set") or "").strip()
    if raw:
        number = _int(raw)
        if number is not None and 1 <= number <= MAX_SET:
            query.set_no = number
        else:
            bad("set", _l("Bộ sản phẩm là một số từ 1 đến %(n)d.", n=MAX_SET))
    raw = (args.get("star") or "").strip()
    if raw:
        number = _int(raw)
        if number in STARS:
            query.star = number
        else:
            bad("star", _l("Hạng sao phải là 3, 4 hoặc 5."))
    raw = (args.get("status") or "").strip()
    if raw:
        if raw in STATUSES:
            query.status = raw
        else:
            bad("status", _l("Trạng thái không hợp lệ; dùng một trong: %(values)s.",
                             values=", ".join(STATUSES)))
    raw = (args.get("page") or "").strip()
    if raw:
        number = _int(raw)
        if number is not None and 1 <= number <= MAX_PAGE:
            query.page = number
        else:
            bad("page", _l("Số trang phải là số nguyên từ 1 đến %(n)d.", n=MAX_PAGE))
    raw = (args.get("per_page") or "").strip()
    if raw and allow_per_page:
        number = _int(raw)
        if number is not None and 1 <= number <= MAX_PER_PAGE:
            query.per_page = number
        else:
            bad("per_page", _l("Số dòng mỗi trang phải từ 1 đến %(n)d.", n=MAX_PER_PAGE))
    return Parsed(query, problems, per_page)


_NUMBER = re.compile(r"^0*(\d{1,6})/(\d{4})/GCN-OCOP-([A-Z0-9]{1,16})$")


def number_candidates(raw: str | None) -> list[str]:
    """The spellings of a typed certificate number worth looking up, exact first: a person
    copying "1/2026/gcn-ocop-22 " from paper means "0001/2026/GCN-OCOP-22". Only the
    spelling changes (case, spaces, leading zeros); never a fuzzy match."""
    text = clean(raw)
    if not text or len(text) > 64:
        return []
    out = [text]
    compact = text.replace(" ", "").upper()
    match = _NUMBER.match(compact)
    if match:
        serial, year, issuer = match.groups()
        out.append(f"{int(serial):04d}/{year}/GCN-OCOP-{issuer}")
    elif compact != text:
        out.append(compact)
    return list(dict.fromkeys(out))
