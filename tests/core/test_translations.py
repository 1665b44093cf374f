"""The English catalogue covers every Vietnamese message and keeps its placeholders.

Extraction is tools/en_catalog.py's own (babel over the code and templates); nothing is
rendered and no database is used. After adding messages, run ``make messages``.
"""
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_tool():
    spec = importlib.util.spec_from_file_location("en_catalog", ROOT / "tools" / "en_catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


en_catalog = _load_tool()


@pytest.fixture(scope="module")
def extracted():
    return [m for m in en_catalog.extract() if m.id]


@pytest.fixture(scope="module")
def english():
    return en_catalog.read_catalog()


def _strings(value):
    return value if isinstance(value, tuple) else (value,)


def test_extraction_finds_the_messages(extracted):
    ids = {m.id for m in extracted}
    assert len(ids) > 100
    assert "Đăng nhập" in ids  # a template message
    assert "Hai mật khẩu không khớp nhau." in ids  # a Python one
    assert "%(n)s sao" in ids  # templates/_macros: folders starting with "_" are searched


def test_every_message_has_english(extracted, english):
    def has_english(message):
        found = english.get(message.id, message.context)
        return found is not None and all(_strings(found.string))

    missing = [m.id for m in extracted if not has_english(m)]
    assert not missing, (f"{len(missing)} message(s) without English; run `make messages` and "
                         f"add them to EN in tools/en_catalog.py: {missing}")


def test_english_keeps_the_placeholders(english):
    wrong = [(m.id, m.string) for m in english
             if m.id and any(_strings(m.string)) and en_catalog.placeholder_mismatch(m)]
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


def test_en_dict_keeps_the_placeholders():
    wrong = [(k, v) for k, v in en_catalog.EN.items()
             if en_catalog.placeholders(k) != en_catalog.placeholders(v)]
    assert not wrong, wrong


@pytest.mark.parametrize("text,expected", [
    ("Tệp “%(name)s” không phải %(kinds)s.", {"%(name)s": 1, "%(kinds)s": 1}),
    ("Còn %(n)d mục chưa chấm: %(codes)s.", {"%(n)d": 1, "%(codes)s": 1}),
    ("Đạt 50% sản phẩm, 100%% mẫu", {"%%": 1}),
    ("Không có", {}),
])
def test_placeholders(text, expected):
    assert en_catalog.placeholders(text) == expected


def test_a_changed_placeholder_is_caught(english):
    message = next(m for m in english if m.id == "Xin chào %(name)s!")
    message = type(message)(message.id, "Hello %(user)s!")
    assert en_catalog.placeholder_mismatch(message)
