"""The English catalogue covers every Vietnamese message, keeps its placeholders, and holds no
empty or fuzzy entry; `make messages` maintains it with Babel's own tools.

Extraction here is `pybabel extract -F babel.cfg -k _l -k lazy_gettext` done in-process (the
same mapping file, the same keywords); nothing is rendered and no database is used. After
adding messages run ``make messages`` and write their English in messages.po.
"""
import fnmatch
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "ocop_rating/translations/en/LC_MESSAGES/messages.po"
IGNORE_DIRS = (".*", "__pycache__", "build")

# A %-placeholder as gettext(..., name=value) fills it: %(name)s, %(n)d, %(x).2f, %%.
# (No space flag, so a literal "50% sản phẩm" is not read as "% s".)
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0+]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrs%]")


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text or ""))


def _strings(value):
    return value if isinstance(value, tuple) else (value,)


def placeholder_mismatch(message) -> bool:
    ids, strings = _strings(message.id), _strings(message.string)
    wanted = placeholders(ids[-1])  # a plural's forms follow the plural msgid
    return any(s and placeholders(s) != wanted for s in strings)


def extract() -> Catalog:
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

    def wanted_dir(path: str) -> bool:
        return not any(fnmatch.fnmatch(os.path.basename(path), p) for p in IGNORE_DIRS)

    catalog = Catalog(locale=None, project="ocop-rating")
    for _filename, _lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords, directory_filter=wanted_dir):
        catalog.add(message, None, auto_comments=comments, context=context)
    return catalog


@pytest.fixture(scope="module")
def extracted():
    return [m for m in extract() if m.id]


@pytest.fixture(scope="module")
def english():
    with PO.open("rb") as f:
        return read_po(f, locale="en")


def test_extraction_finds_the_messages(extracted):
    ids = {m.id for m in extracted}
    assert len(ids) > 100
    assert "Đăng nhập" in ids  # a template message
    assert "Hai mật khẩu không khớp nhau." in ids  # a Python one
    assert "%(n)s sao" in ids  # templates/_macros: folders starting with "_" are searched
    assert "Hồ sơ & chủ thể" in ids  # a lazy one (_l), the menu group


def test_every_message_has_english(extracted, english):
    def has_english(message):
        found = english.get(message.id, message.context)
        return found is not None and all(_strings(found.string)) and not found.fuzzy

    missing = [m.id for m in extracted if not has_english(m)]
    assert not missing, (f"{len(missing)} message(s) without English; run `make messages` and "
                         f"write their English in {PO.relative_to(ROOT)}: {missing}")


def test_no_english_entry_is_empty_or_fuzzy(english):
    assert not english.fuzzy, "the catalogue header is fuzzy: pybabel compile would skip it"
    empty = [m.id for m in english if m.id and not all(_strings(m.string))]
    fuzzy = [m.id for m in english if m.id and m.fuzzy]
    assert not empty, f"English entries with an empty msgstr: {empty}"
    assert not fuzzy, f"fuzzy English entries (check and remove the flag): {fuzzy}"


def test_the_checks_see_an_empty_and_a_fuzzy_entry():
    catalog = Catalog(locale="en")
    catalog.add("Đăng nhập", "")
    catalog.add("Đăng xuất", "Log out", flags=("fuzzy",))
    assert [m.id for m in catalog if m.id and not all(_strings(m.string))] == ["Đăng nhập"]
    assert [m.id for m in catalog if m.id and m.fuzzy] == ["Đăng xuất"]


def test_english_keeps_the_placeholders(english):
    wrong = [(m.id, m.string) for m in english
             if m.id and any(_strings(m.string)) and placeholder_mismatch(m)]
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


@pytest.mark.parametrize("text,expected", [
    ("Tệp “%(name)s” không phải %(kinds)s.", {"%(name)s": 1, "%(kinds)s": 1}),
    ("Còn %(n)d mục chưa chấm: %(codes)s.", {"%(n)d": 1, "%(codes)s": 1}),
    ("Đạt 50% sản phẩm, 100%% mẫu", {"%%": 1}),
    ("Không có", {}),
])
def test_placeholders(text, expected):
    assert placeholders(text) == expected


def test_a_changed_placeholder_is_caught(english):
    message = next(m for m in english if m.id == "Xin chào %(name)s!")
    assert not placeholder_mismatch(message)
    assert placeholder_mismatch(Message(message.id, "Hello %(user)s!"))


def test_make_messages_uses_babels_tools_and_no_python_dictionary():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = makefile[makefile.index("\nmessages:"):]
    target = target[:target.index("\n\n")]
    for step in ("pybabel extract -F babel.cfg", "pybabel update", "pybabel compile"):
        assert step in target, step
    assert not (ROOT / "tools" / "en_catalog.py").exists()
