"""Build the shipped ``qd26-2026`` rulebook from the reference extraction.

Usage::

    python -m ocop_rating.rulebook.convert /path/to/ocop-qd26-2026-criteria.json [--out DIR]

The reference JSON (``meta``, ``star_bands``, ``sets``) is a machine extraction of Appendix II
of Decision 26/2026/QĐ-TTg that is *not* verified against the signed text. This converter:

1. applies the :data:`FIXES` table: every known anomaly (and the ones found while converting) is
   corrected explicitly, each with its reason. A fix first checks that the reference still says
   what we think it says and stops the conversion otherwise, so a corrected reference cannot be
   "fixed" twice by accident;
2. applies the :data:`NORMALISATIONS` that hold for every sheet (labels stripped, yes/no
   criteria turned into two options, sub-criteria nested under their heading, the star legend
   and the evaluator-comment placeholder moved out of criterion notes, …);
3. derives the classification tree (ngành → nhóm → set) and each sheet's knock-outs from the
   legal text with the pattern tables below (an unmatched clause stops the conversion);
4. writes ``rulebook.json`` and ``set-01.json`` … ``set-26.json`` (indent=2, ensure_ascii=False)
   and validates the result with :func:`ocop_rating.rulebook.check_rulebook` (exit 1 on errors).

The decisions are explained in ``docs/rulebooks.md``; the applied corrections are also written
into ``rulebook.json`` so every record scored under this version can show them.
"""
from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

RULEBOOK_CODE = "qd26-2026"
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / RULEBOOK_CODE

RULEBOOK_META = {
    "code": RULEBOOK_CODE,
    "instrument": "Quyết định 26/2026/QĐ-TTg",
    "title": "Bộ tiêu chí đánh giá, phân hạng sản phẩm Chương trình Mỗi xã một sản phẩm "
             "(Phụ lục II)",
    "issued_on": "2026-05-22",
    # Decision 26/2026 applies from its signature; 148/1489 lapse 60 days later (DOMAIN §1).
    "effective_from": "2026-05-22",
    "effective_to": None,
}

# Parts and their maxima (Decision 26/2026, Appendix II; unchanged from 148/QĐ-TTg).
PARTS = [
    {"code": "A", "label": "Sản phẩm và sức mạnh của cộng đồng", "max": 40},
    {"code": "B", "label": "Khả năng tiếp thị", "max": 25},
    {"code": "C", "label": "Chất lượng sản phẩm", "max": 35},
]
TOTAL_MAX = 100
MINIMUM_STARS = [3, 4, 5]

YES_LABEL, NO_LABEL = "Có", "Không"


class ConversionError(Exception):
    """The reference does not look like what this converter was written for."""


# --- classification -------------------------------------------------------------------------

# The six ngành (DOMAIN §2). ``names`` are the spellings the reference uses for each.
GROUPS = [
    {"code": "I", "label": "Thực phẩm", "names": ["Thực phẩm"]},
    {"code": "II", "label": "Đồ uống", "names": ["Đồ uống"]},
    {"code": "III", "label": "Dược liệu", "names": ["Dược liệu"]},
    {"code": "IV", "label": "Thủ công mỹ nghệ",
     "names": ["Thủ công mỹ nghệ", "Hàng thủ công mỹ nghệ"]},
    {"code": "V", "label": "Sinh vật cảnh", "names": ["Sinh vật cảnh"]},
    {"code": "VI", "label": "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
     "names": ["Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch"]},
]

# Sets whose classification line names no nhóm. The nhóm are inferred: ornamentals split into
# "flowers and ornamental plants" and "ornamental animals" (Decision 919/QĐ-TTg lists "Hoa, cây
# cảnh, động vật cảnh"), tourism is its own nhóm. This gives the 17 nhóm of DOMAIN §2.
INFERRED_SUBGROUPS = {
    23: "Hoa, cây cảnh",
    24: "Hoa, cây cảnh",
    25: "Động vật cảnh",
    26: "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
}

_CLASSIFICATION = re.compile(r"^Sản phẩm:\s*(?P<group>.+?)(?:[.,]\s*Nhóm:\s*(?P<sub>.+?))?\s*$")


# --- knock-outs -----------------------------------------------------------------------------

# The knock-out catalogue (DOMAIN §3). Labels are short Vietnamese summaries; each sheet keeps
# the exact legal text it comes from.
KNOCKOUTS = [
    {"code": "forged_dossier", "kind": "dossier", "stops_evaluation": True,
     "label": "Giả mạo hồ sơ",
     "description": "Dossier forged: rejected outright (sheet header)."},
    {"code": "food_safety_certificate", "kind": "dossier", "stops_evaluation": True,
     "label": "Không tuân thủ quy định về giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
     "description": "Food-safety eligibility certificate missing or not complied with "
                    "(food and beverage sets; sheet header)."},
    {"code": "production_licence", "kind": "dossier", "stops_evaluation": True,
     "label": "Không có giấy phép sản xuất theo quy định",
     "description": "No production licence (alcoholic and other beverages; sheet header)."},
    {"code": "production_conditions", "kind": "dossier", "stops_evaluation": True,
     "label": "Không đủ điều kiện bắt buộc để sản xuất sản phẩm (GMP hoặc tương đương)",
     "description": "Mandatory production conditions not met (GMP or equivalent; "
                    "herbal sets; sheet header)."},
    {"code": "product_declaration", "kind": "dossier", "stops_evaluation": True,
     "label": "Không có bản công bố sản phẩm theo quy định",
     "description": "No product (quality) declaration: dossier rejected or evaluation stops "
                    "(sheet header of sets 18, 20; note of section 6 in sets 19, 20)."},
    {"code": "dossier_nonconforming", "kind": "dossier", "stops_evaluation": True,
     "label": "Không đáp ứng quy định về hồ sơ đăng ký",
     "description": "Registration dossier not as required (sheet header)."},
    {"code": "imported_raw_material", "kind": "product", "stops_evaluation": False,
     "label": "Sử dụng toàn bộ nguyên liệu nhập khẩu hoặc không rõ nguồn gốc",
     "description": "All raw material imported or of unknown origin (note of 1.1)."},
    {"code": "origin_outside_province", "kind": "product", "stops_evaluation": False,
     "label": "Không đáp ứng yêu cầu 100% sản phẩm trên địa bàn cấp tỉnh",
     "description": "Requirement that 100% of the product is grown/raised in the province "
                    "not met (note of 1.1, fresh produce and ornamentals)."},
    {"code": "copied_product", "kind": "product", "stops_evaluation": False,
     "label": "Giống hệt sản phẩm của nhà sản xuất khác, chỉ thay đổi tên sản phẩm, "
              "nhà sản xuất",
     "description": "Identical to another producer's product with only the name changed "
                    "(note of 2.1)."},
    {"code": "common_product", "kind": "product", "stops_evaluation": True,
     "label": "Sản phẩm phổ biến của nhóm sản phẩm chủ lực, không có sự nổi trội, đặc sắc",
     "description": "Common product of a national/provincial key product group without "
                    "outstanding quality: not evaluated (note of 2.1, sets 1-4)."},
    {"code": "unacceptable_impurities", "kind": "product", "stops_evaluation": True,
     "label": "Có tạp chất không chấp nhận được (nguy cơ mất an toàn thực phẩm)",
     "description": "Unacceptable impurities found in the sample: evaluation stops "
                    "(note of the first sensory criterion)."},
    {"code": "sensory_zero", "kind": "product", "stops_evaluation": True,
     "label": "Được 0 điểm tại một trong các chỉ tiêu cảm quan",
     "description": "Zero points on one of the sensory criteria: evaluation stops "
                    "(note of 6.4, set 16)."},
    {"code": "ip_violation", "kind": "product", "stops_evaluation": False,
     "label": "Sản phẩm vi phạm sở hữu trí tuệ",
     "description": "The product infringes intellectual property (note of 6.2, sets 21-22)."},
]

# Clauses of a sheet header ("disqualify_when"), first match wins.
HEADER_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("forged_dossier", re.compile(r"^giả mạo hồ sơ", re.IGNORECASE)),
    ("food_safety_certificate", re.compile(r"an toàn thực phẩm", re.IGNORECASE)),
    ("production_licence", re.compile(r"giấy phép sản xuất", re.IGNORECASE)),
    ("production_conditions", re.compile(r"điều kiện (bắt buộc để )?sản xuất", re.IGNORECASE)),
    ("product_declaration", re.compile(r"công bố", re.IGNORECASE)),
    ("dossier_nonconforming", re.compile(r"hồ sơ đăng ký", re.IGNORECASE)),
]

# Criterion / section notes that exclude a product, first match wins.
NOTE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("imported_raw_material", re.compile(r"Bị loại nếu sử dụng toàn bộ nguyên liệu nhập khẩu")),
    ("copied_product", re.compile(r"giống hệt sản phẩm", re.IGNORECASE)),
    ("sensory_zero", re.compile(r"0 điểm tại một trong các chỉ tiêu", re.IGNORECASE)),
    # "… sẽ không đánh giá các bước tiếp theo" / "Không xem xét các chỉ tiêu khác nếu … tạp chất"
    ("unacceptable_impurities", re.compile(
        r"^(?=.*tạp chất)(?=.*(không đánh giá các bước tiếp theo|không xem xét các chỉ tiêu khác))",
        re.IGNORECASE | re.DOTALL)),
    ("product_declaration", re.compile(r"không có Phiếu công bố", re.IGNORECASE)),
    ("ip_violation", re.compile(r"vi phạm sở hữu trí tuệ", re.IGNORECASE)),
    ("common_product", re.compile(r"Không đánh giá những sản phẩm có tính phổ biến", re.IGNORECASE)),
    ("origin_outside_province", re.compile(r"^Yêu cầu: 100% sản phẩm")),
]

# Knock-outs that apply to every sheet because they are procedural: the dossier rules of the
# decision bind every product set, whether or not the extracted header repeats them.
GENERIC_HEADER_KNOCKOUTS = ("forged_dossier", "dossier_nonconforming")


# --- the fixes table ------------------------------------------------------------------------

@dataclass(frozen=True)
class Fix:
    """One explicit correction of the reference, applied to each listed set."""

    id: str
    sets: tuple[int, ...]
    target: str
    change: str
    reason: str
    apply: Callable[[dict], None]


def _find(raw_set: dict, code: str) -> dict:
    """The section or criterion dict with that code in a reference set."""
    for part in raw_set["parts"]:
        for section in part["sections"]:
            if section["code"] == code:
                return section
            for criterion in section["criteria"]:
                if criterion["code"] == code:
                    return criterion
    raise ConversionError(f"set {raw_set['no']}: no item {code}")


def _expect(actual, expected, where: str) -> None:
    if actual != expected:
        raise ConversionError(
            f"{where}: reference has {actual!r}, the fix expects {expected!r}; "
            "the reference changed - review the fix"
        )


def _set_points(code: str, index: int, before, after) -> Callable[[dict], None]:
    def apply(raw: dict) -> None:
        option = _find(raw, code)["options"][index]
        _expect(option["points"], before, f"set {raw['no']} {code} option {index} points")
        option["points"] = after
    return apply


def _set_max(code: str, before, after) -> Callable[[dict], None]:
    def apply(raw: dict) -> None:
        item = _find(raw, code)
        _expect(item["max"], before, f"set {raw['no']} {code} max")
        item["max"] = after
    return apply


def _fix_part_label(part_code: str, before: str, after: str) -> Callable[[dict], None]:
    def apply(raw: dict) -> None:
        part = next(p for p in raw["parts"] if p["part"] == part_code)
        _expect(part["label"], before, f"set {raw['no']} part {part_code} label")
        part["label"] = after
    return apply


def _strip_label_suffix(code: str, index: int, suffix: str) -> Callable[[dict], None]:
    def apply(raw: dict) -> None:
        option = _find(raw, code)["options"][index]
        label = option["label"].rstrip()
        if not label.endswith(suffix):
            raise ConversionError(f"set {raw['no']} {code} option {index}: no {suffix!r}")
        option["label"] = label[: -len(suffix)].rstrip()
    return apply


def _split_star_and_note(code: str, index: int, marker: str, star: int) -> Callable[[dict], None]:
    """An option label that swallowed its star marker and the criterion's note."""
    def apply(raw: dict) -> None:
        item = _find(raw, code)
        option = item["options"][index]
        _expect(option["min_for_star"], None, f"set {raw['no']} {code} option {index} star")
        label, sep, note = option["label"].partition(marker)
        if not sep:
            raise ConversionError(f"set {raw['no']} {code} option {index}: no {marker!r}")
        option["label"] = label.strip()
        option["min_for_star"] = star
        if note.strip():
            item["notes"] = [*item["notes"], note.strip()]
    return apply


_CASE_NOTE = re.compile(r"^[a-z]\.\s*(?P<label>Trường hợp (?P<key>\d+):.*)$")


def _split_cases(code: str, sizes: tuple[int, int]) -> Callable[[dict], None]:
    """Turn a section listing both cases' options one after the other into two cases."""
    def apply(raw: dict) -> None:
        section = _find(raw, code)
        _expect(len(section["options"]), sum(sizes), f"set {raw['no']} section {code} options")
        labels = [m for n in section["notes"] if (m := _CASE_NOTE.match(n.strip()))]
        _expect(len(labels), len(sizes), f"set {raw['no']} section {code} case notes")
        cases, start = [], 0
        for match, size in zip(labels, sizes):
            cases.append({"key": match["key"], "label": match["label"].strip(),
                          "options": section["options"][start:start + size]})
            start += size
        section["cases"] = cases
        section["options"] = []
        section["notes"] = [n for n in section["notes"] if not _CASE_NOTE.match(n.strip())]
    return apply


def _generic_header(raw: dict) -> None:
    _expect(raw["disqualify_when"], None, f"set {raw['no']} disqualify_when")
    raw["_generic_header"] = True


FIXES: list[Fix] = [
    Fix("F01", (4,), "section 7 (Dinh dưỡng), option 2 'Có trên 2 chỉ tiêu'", "points 13 → 3",
        "Known anomaly: 13 points under a 3-point section maximum is a transcription error; "
        "the same option is worth 3 in every other food sheet.",
        _set_points("7", 2, 13.0, 3.0)),
    Fix("F02", (11,), "criterion 6.1.1 (Tạp chất), option 1", "points 11 → 1",
        "Known anomaly: 11 points under a 2-point maximum; the options read 0/?/2 and the "
        "sibling 6.1.2 reads 0/1/2.",
        _set_points("6.1.1", 1, 11.0, 1.0)),
    Fix("F03", (23,), "section 9 (Hướng dẫn sử dụng)", "max null ('4 1') → 4",
        "Known anomaly: the max cell reads '4 1'; the options go to 4 and part C only sums to "
        "its 35 points with 4.",
        _set_max("9", None, 4.0)),
    Fix("F04", (26,), "part A heading", "'(35 Điểm)' → '(40 Điểm)'",
        "Known anomaly: the heading text says 35 while the score cell says 40; sections 1-3 sum "
        "to 40 and the parts must total 100 (A40/B25/C35), so the heading text is the typo.",
        _fix_part_label("A", "SẢN PHẨM VÀ SỨC MẠNH CỘNG ĐỒNG (35 Điểm)",
                        "SẢN PHẨM VÀ SỨC MẠNH CỘNG ĐỒNG (40 Điểm)")),
    Fix("F05", (26,), "sections 8, 9 and 15", "4 options → 2 cases of 2 options",
        "Known anomaly: each section lists the options of case 1 (service provided by the "
        "community) then case 2 (tourist site / service by an organisation); the sheet says "
        "'Lựa chọn một trong hai trường hợp sau'. The evaluator picks the case, then an option "
        "(index from 0 within the case).",
        lambda raw: [_split_cases(c, (2, 2))(raw) for c in ("8", "9", "15")]),
    Fix("F06", (7,), "criterion 3.1, option 1 (Công ty TNHH/DNTN/CTCP <51%)", "points 1 → 2",
        "Known anomaly (to verify): the option is worth 2 in the 25 other sheets and 1 would "
        "make it equal to a household business. Read as 2, which protects the producer.",
        _set_points("3.1", 1, 1.0, 2.0)),
    Fix("F07", (4, 7, 10, 11), "criterion 1.2, option 0 'Không được cấp giấy chứng nhận'",
        "points null → 0",
        "Found while converting: the points cell was lost; the option is worth 0 in every "
        "other sheet and the criterion reads 0/1/2.",
        _set_points("1.2", 0, None, 0.0)),
    Fix("F08", (3,), "criterion 5.1, option 4", "trailing '* * *' removed from the label",
        "Found while converting: leftover of the star marker in the label; the parsed marker "
        "(4 stars) matches the same option in every other sheet and is kept.",
        _strip_label_suffix("5.1", 4, "* * *")),
    Fix("F09", (21, 22), "criterion 6.2, option 2", "'*****' and the note split off the label",
        "Found while converting: the label swallowed its 5-star marker and the criterion's "
        "note 'Nếu sản phẩm vi phạm sở hữu trí tuệ, sẽ bị loại bỏ'. The marker becomes "
        "min_for_star 5, the note a criterion note (knock-out ip_violation).",
        _split_star_and_note("6.2", 2, "*****", 5)),
    Fix("F10", (19, 26), "sheet header (dossier rejection)",
        "null → generic knock-outs forged_dossier, dossier_nonconforming",
        "Found while converting: the extraction has no header for these sheets. Rejecting a "
        "forged or non-conforming dossier is part of the procedure for every product, so the "
        "record must be able to hold it; no other header ground is invented.",
        _generic_header),
]

# Cleanups that apply to every sheet; recorded in rulebook.json and docs/rulebooks.md.
NORMALISATIONS = [
    ("N01", "labels and notes", "surrounding whitespace stripped (text otherwise unchanged)"),
    ("N02", "criterion labels with ' Yêu cầu: …'",
     "the requirement is split off the label into the first note (5.3 in sets 1-25)"),
    ("N03", "notes of the last section",
     ("the star legend moves to the sheet's legend; the evaluator-comment placeholder "
      "('Ý kiến của người đánh giá …') is dropped: it is a form field, not a rule")),
    ("N04", "criteria without options (2.4 / 2.3 bilingual label)",
     "become yes/no items: option 0 'Không' = 0 points, option 1 'Có' = the maximum"),
    ("N05", "sub-criteria x.y.z",
     "nested under their heading x.y; the sub-criteria are scored, the heading never"),
    ("N06", "classification",
     ("ngành spelled 'Hàng thủ công mỹ nghệ' (set 22) read as 'Thủ công mỹ nghệ'; the nhóm of "
      "sets 23-26 (not named in the extraction) inferred as listed in docs/rulebooks.md")),
]


# --- conversion -----------------------------------------------------------------------------

_LEGEND = re.compile(r"^(Ghi chú:\s*Dấu sao.*?)\s*(Ý kiến của người đánh giá.*)?$", re.DOTALL)
_COMMENT_PLACEHOLDER = re.compile(r"^Ý kiến của người đánh giá")
_REQUIREMENT_IN_LABEL = re.compile(r"^(?P<label>.+?)\s+(?P<req>Yêu cầu:.*)$", re.DOTALL)


def _num(value) -> int | float:
    """A JSON number for points: 3 rather than 3.0, 0.5 stays 0.5."""
    d = Decimal(str(value))
    return int(d) if d == d.to_integral_value() else float(d)


def _option(index: int, raw: dict) -> dict:
    if raw["points"] is None:
        raise ConversionError(f"option {raw['label'][:40]!r} has no points")
    return {"index": index, "label": raw["label"].strip(), "points": _num(raw["points"]),
            "min_for_star": raw["min_for_star"]}


def _options(raw_options: list[dict]) -> list[dict]:
    return [_option(i, o) for i, o in enumerate(raw_options)]


def _yes_no(max_points) -> list[dict]:
    return [{"index": 0, "label": NO_LABEL, "points": 0, "min_for_star": None},
            {"index": 1, "label": YES_LABEL, "points": _num(max_points), "min_for_star": None}]


def _clean_notes(notes: list[str], sheet: dict) -> list[str]:
    out = []
    for note in (n.strip() for n in notes):
        if not note:
            continue
        if m := _LEGEND.match(note):
            sheet["legend"] = m.group(1).strip()
            continue
        if _COMMENT_PLACEHOLDER.match(note):
            continue
        out.append(note)
    return out


def _criterion(raw: dict, sheet: dict) -> dict:
    label, notes = raw["label"].strip(), _clean_notes(raw["notes"], sheet)
    if m := _REQUIREMENT_IN_LABEL.match(label):
        label, notes = m["label"].strip(), [m["req"].strip(), *notes]
    out = {"code": raw["code"], "label": label}
    if raw.get("parent"):
        out.update(kind="sub_criterion", max=_num(raw["max"]), notes=notes,
                   options=_options(raw["options"]))
    elif raw["options"]:
        out.update(kind="criterion", max=_num(raw["max"]), notes=notes,
                   options=_options(raw["options"]))
    else:
        out.update(kind="yes_no", max=_num(raw["max"]), notes=notes, options=_yes_no(raw["max"]))
    return out


def _section(raw: dict, part_code: str, sheet: dict) -> dict:
    out = {"code": raw["code"], "label": raw["label"].strip(),
           "max": None if raw["max"] is None else _num(raw["max"]),
           "notes": _clean_notes(raw["notes"], sheet)}
    if raw.get("cases"):
        out["cases"] = [{"key": c["key"], "label": c["label"], "options": _options(c["options"])}
                        for c in raw["cases"]]
        return out
    if raw["options"]:
        out["options"] = _options(raw["options"])
        return out
    # Nest sub-criteria under their heading (N05): the heading keeps its label and max.
    entries: list[dict] = []
    by_code: dict[str, dict] = {}
    for raw_criterion in raw["criteria"]:
        parent = raw_criterion.get("parent")
        if parent:
            heading = by_code.get(parent)
            if heading is None:
                raise ConversionError(f"{raw_criterion['code']}: parent {parent} not before it")
            if heading["kind"] == "yes_no":  # a heading has no options of its own
                heading.update(kind="group", children=[])
                del heading["options"]
            heading["children"].append(_criterion(raw_criterion, sheet))
            continue
        entry = _criterion(raw_criterion, sheet)
        by_code[entry["code"]] = entry
        entries.append(entry)
    out["criteria"] = entries
    return out


def _split_clauses(text: str) -> list[str]:
    """Split a header on '; hoặc' / ' hoặc ' / ';' outside parentheses."""
    clauses, depth, buf, i = [], 0, "", 0
    while i < len(text):
        ch = text[i]
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            m = re.match(r";\s*hoặc\s+|\s+hoặc\s+|;\s*", text[i:])
            if m:
                clauses.append(buf.strip())
                buf, i = "", i + m.end()
                continue
        buf += ch
        i += 1
    clauses.append(buf.strip())
    return [c for c in clauses if c]


def _knockouts(raw: dict, sheet: dict) -> list[dict]:
    found: dict[str, dict] = {}
    header = raw.get("disqualify_when")
    if header:
        for clause in _split_clauses(header.strip()):
            code = next((c for c, p in HEADER_PATTERNS if p.search(clause)), None)
            if code is None:
                raise ConversionError(f"set {raw['no']}: header clause not understood: {clause!r}")
            found.setdefault(code, {"code": code, "source": "header", "text": clause,
                                    "suggest_when_zero": []})
    elif raw.get("_generic_header"):
        for code in GENERIC_HEADER_KNOCKOUTS:
            found[code] = {"code": code, "source": "procedure", "text": "",
                           "suggest_when_zero": []}
    for part in sheet["parts"]:
        for section in part["sections"]:
            entries = [section] + [
                e for c in section.get("criteria", []) for e in (c, *c.get("children", []))
            ]
            for entry in entries:
                for note in entry["notes"]:
                    code = next((c for c, p in NOTE_PATTERNS if p.search(note)), None)
                    if code is None or code in found and found[code]["source"] != "header":
                        continue
                    suggest: list[str] = []
                    if code == "sensory_zero":  # "0 điểm tại một trong các chỉ tiêu trên"
                        suggest = [i["code"] for c in section["criteria"]
                                   for i in c.get("children", [c])]
                    elif code == "product_declaration":  # no declaration = option worth 0
                        suggest = [entry["code"]]
                    if code in found:  # header and a note: keep the header, add the trigger
                        found[code]["suggest_when_zero"] = suggest
                        continue
                    found[code] = {"code": code, "source": entry["code"], "text": note,
                                   "suggest_when_zero": suggest}
    order = [k["code"] for k in KNOCKOUTS]
    return sorted(found.values(), key=lambda k: order.index(k["code"]))


def _classify(raw: dict) -> tuple[str, str | None]:
    m = _CLASSIFICATION.match(raw["classification"].strip())
    if not m:
        raise ConversionError(f"set {raw['no']}: classification not understood")
    name = m["group"].strip()
    group = next((g for g in GROUPS if name in g["names"]), None)
    if group is None:
        raise ConversionError(f"set {raw['no']}: unknown ngành {name!r}")
    sub = m["sub"].strip() if m["sub"] else INFERRED_SUBGROUPS.get(raw["no"])
    if sub is None:
        raise ConversionError(f"set {raw['no']}: no nhóm and none inferred")
    return group["code"], sub


def convert_set(raw: dict) -> dict:
    """One reference set (already fixed) → the shipped sheet dict (without classification)."""
    sheet: dict = {"rulebook": RULEBOOK_CODE, "number": raw["no"], "title": raw["title"].strip(),
                   "classification": raw["classification"].strip(),
                   "group": None, "subgroup": None, "total_max": TOTAL_MAX,
                   "dossier_rejection": (raw["disqualify_when"] or "").strip() or None,
                   "legend": None, "knockouts": [], "parts": []}
    for part in raw["parts"]:
        sheet["parts"].append({
            "code": part["part"], "label": part["label"].strip(), "max": _num(part["max"]),
            "sections": [_section(s, part["part"], sheet) for s in part["sections"]],
        })
    if str(raw.get("total", TOTAL_MAX)).strip() != str(TOTAL_MAX):
        raise ConversionError(f"set {raw['no']}: total {raw['total']!r} is not {TOTAL_MAX}")
    sheet["knockouts"] = _knockouts(raw, sheet)
    return sheet


def convert(reference: dict) -> tuple[dict, list[dict]]:
    """The whole conversion: (rulebook dict, list of sheet dicts)."""
    raw_sets = {s["no"]: copy.deepcopy(s) for s in reference["sets"]}
    if sorted(raw_sets) != list(range(1, 27)):
        raise ConversionError(f"expected sets 1-26, got {sorted(raw_sets)}")
    for fix in FIXES:
        for number in fix.sets:
            fix.apply(raw_sets[number])

    sheets = [convert_set(raw_sets[n]) for n in sorted(raw_sets)]

    # Classification tree: nhóm codes in order of first appearance within each ngành.
    tree = {g["code"]: {"code": g["code"], "label": g["label"], "subgroups": []} for g in GROUPS}
    for sheet, n in zip(sheets, sorted(raw_sets)):
        group_code, sub_label = _classify(raw_sets[n])
        subgroups = tree[group_code]["subgroups"]
        sub = next((s for s in subgroups if s["label"] == sub_label), None)
        if sub is None:
            sub = {"code": f"{group_code}.{len(subgroups) + 1}", "label": sub_label, "sets": [],
                   "inferred": n in INFERRED_SUBGROUPS}
            subgroups.append(sub)
        sub["sets"].append(n)
        sheet["group"], sheet["subgroup"] = group_code, sub["code"]

    bands = []
    for band in reference["star_bands"]:
        out = {"star": band["star"], "min": _num(band["min"])}
        if "max_exclusive" in band:
            out["max_exclusive"] = _num(band["max_exclusive"])
        else:
            out["max_inclusive"] = _num(band["max_inclusive"])
        out["recognised"] = bool(band["recognised"])
        out["authority"] = band.get("authority")
        bands.append(out)

    meta = reference.get("meta", {})
    rulebook = {
        **RULEBOOK_META,
        "total_max": TOTAL_MAX,
        "parts": PARTS,
        "star_bands": bands,
        "minimum_stars": MINIMUM_STARS,
        "classification": list(tree.values()),
        "knockouts": KNOCKOUTS,
        "source": meta.get("source", ""),
        "status": meta.get("status", ""),
        "corrections": [
            {"id": f.id, "sets": list(f.sets), "target": f.target, "change": f.change,
             "reason": f.reason} for f in FIXES
        ] + [
            {"id": nid, "sets": [], "target": target, "change": change, "reason": "normalisation"}
            for nid, target, change in NORMALISATIONS
        ],
    }
    return rulebook, sheets


def _dump(data: dict, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write(rulebook: dict, sheets: list[dict], out: Path) -> None:
    """Write the folder; stale ``set-*.json`` files are removed so the folder is exact."""
    out.mkdir(parents=True, exist_ok=True)
    written = {out / "rulebook.json"}
    _dump(rulebook, out / "rulebook.json")
    for sheet in sheets:
        path = out / f"set-{sheet['number']:02d}.json"
        _dump(sheet, path)
        written.add(path)
    for stale in out.glob("set-*.json"):
        if stale not in written:
            stale.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ocop_rating.rulebook.convert",
        description="Build the qd26-2026 rulebook folder from the reference extraction.")
    parser.add_argument("reference", type=Path, help="ocop-qd26-2026-criteria.json")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output folder (default: {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    try:
        reference = json.loads(args.reference.read_text(encoding="utf-8"))
        rulebook, sheets = convert(reference)
    except (OSError, ValueError, KeyError, ConversionError) as e:
        print(f"conversion failed: {e}", file=sys.stderr)
        return 2
    write(rulebook, sheets, args.out)

    from .loader import clear_cache, load_rulebook_dir
    from .validate import Severity, check_rulebook

    clear_cache()  # the folder was just rewritten
    issues = check_rulebook(load_rulebook_dir(args.out))
    errors = [i for i in issues if i.severity is Severity.ERROR]
    print(f"Wrote {args.out}: rulebook.json and {len(sheets)} sets; "
          f"{len(FIXES)} fixes applied; {len(errors)} errors, "
          f"{len(issues) - len(errors)} warnings.")
    for issue in issues:
        print(f"  {issue}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
