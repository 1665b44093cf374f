"""Language, dates and numbers. Vietnamese is the source language of every message
(msgids are Vietnamese); ``translations/en`` holds the English catalogue."""
from __future__ import annotations

import functools
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import Babel, LazyString, get_locale
from flask_login import current_user

from .urls import safe_next

bp = Blueprint("i18n", __name__)

TRANSLATIONS = Path(__file__).parent / "translations"


def label_once(method):
    """An enum's ``label`` (under ``@property``) translated once per request and language: a
    list shows the same few labels on each of its rows, so each is looked up in the catalogue
    once a page, not once a row (issue 13). The language is part of the key, so a
    ``force_locale`` block (a notice rendered for its addressee) gets its own; outside a
    request (CLI, jobs) the label is translated every time."""
    @functools.wraps(method)
    def label(self):
        if not has_request_context():
            return method(self)
        cache = g.setdefault("_labels", {})
        key = (method, self, str(get_locale()))
        value = cache.get(key)
        if value is None:
            value = cache[key] = method(self)
        return value

    return label


def compile_catalogs() -> list[Path]:
    """Compile each messages.po whose .mo is missing or older (no build step to forget)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog)
        tmp.replace(mo)
        written.append(mo)
    return written


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The language text is being rendered in now: the request's, or the one a
    ``flask_babel.force_locale`` block chose (a notification rendered for its addressee)."""
    if not current_app:
        return "vi"  # pure code outside the application (rulebook tools): the source language
    locale = get_locale()
    if locale is None:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return locale.language


def user_language(user) -> str:
    """The language a person reads their notifications and e-mails in: the one they last
    chose with the language switch (``User.locale``), else Vietnamese (the default)."""
    languages = current_app.config["LANGUAGES"]
    chosen = getattr(user, "locale", None)
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def later(func, *args, **kwargs) -> LazyString:
    """``func(*args, **kwargs)`` called when the text is rendered (an enum's ``label``, a
    name from the English layer) — a parameter of a lazy message rendered per addressee."""
    return LazyString(func, *args, **kwargs)


def lazy_points(value: Decimal | float | int | None, places: int = 2) -> LazyString:
    """``format_points`` done when the text is rendered, in the language of that moment:
    for a message stored once per addressee (``_l("…%(m)s điểm", m=lazy_points(x))``)."""
    return LazyString(format_points, value, places)


def _local(value: datetime) -> datetime:
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return value.astimezone(tz) if value.tzinfo else value


def format_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy whatever the language: the form every Vietnamese office writes."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return _local(value).strftime("%d/%m/%Y %H:%M")


def format_points(value: Decimal | float | int | None, places: int = 2) -> str:
    """Points with a decimal comma in Vietnamese (85,50) and a point in English."""
    if value is None:
        return ""
    text = f"{Decimal(value):.{places}f}"
    return text.replace(".", ",") if current_language() == "vi" else text


_NUMBERED = re.compile(r"^((?:\d+|[IVX]+)\.\s+)(.+)$", re.S)


def _translate(text: str, language: str) -> str | None:
    """The English layer's text, also for a numbered label ("1. Rau, củ, quả, hạt tươi",
    "I. Thực phẩm": the number kept, the name translated)."""
    from .rulebook.english import translate

    found = translate(text, language)
    if found is None and (numbered := _NUMBERED.match(text.strip())):
        name = translate(numbered.group(2), language)
        found = numbered.group(1) + name if name else None
    return found


def legal_text(text: str | None, sentence: bool = False, *, language: str | None = None) -> str:
    """A legal text (set name, part, criterion, ...) as plain text in the current language
    (or ``language``): the rulebook's English layer in English when it has the text, else the
    Vietnamese. ``sentence``: first letter capitalised (legal fragments read as labels)."""
    from .text import sentence_case

    if not text:
        return ""
    shown = _translate(text, language or current_language()) or text
    return sentence_case(shown) if sentence else shown


def legal(text: str | None, sentence: bool = False):
    """A legal text for a page: in English, the English layer followed by the Vietnamese
    legal text (the authority, marked lang="vi"); in Vietnamese, the text alone.
    ``sentence``: each shown with its first letter capitalised ("không tuân thủ …" reads as
    a label; the legal text itself is not edited)."""
    from markupsafe import Markup, escape

    from .text import sentence_case

    if not text:
        return ""
    language = current_language()
    translated = _translate(text, language)
    if sentence:
        text = sentence_case(text)
        translated = sentence_case(translated) if translated else translated
    if translated is None:
        return Markup('<span lang="vi">%s</span>') % text if language != "vi" \
            else escape(text)
    return Markup('<span lang="%s">%s</span> <span class="legal-vi" lang="vi">%s</span>') % (
        language, translated, text)


def init_app(app: Flask, babel: Babel) -> None:
    try:
        compile_catalogs()
    except OSError:  # read-only install: the packaged .mo files are used as they are
        pass
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(TRANSLATIONS))
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["points"] = format_points
    app.jinja_env.filters["legal"] = legal
    app.jinja_env.filters["legal_text"] = legal_text
    from .text import sentence_case

    app.jinja_env.filters["sentence"] = sentence_case
    app.register_blueprint(bp)

    @app.context_processor
    def language_context():
        return {"current_language": current_language(), "languages": app.config["LANGUAGES"]}


@bp.get("/language/<lang>")
def choose_language(lang: str):
    """The anonymous visitor's switch: a plain link, so that public pages carry no form (and
    so no CSRF token, session or cookie) and can be cached. It changes only this visitor's
    session; a signed-in person's saved language changes through the form below."""
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.args.get("next")) or url_for("home.index"))


@bp.post("/language")
def set_language():
    """Switch the interface language (a CSRF-protected form in the navigation bar)."""
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if getattr(current_user, "is_authenticated", False):
            from .db import db

            current_user.locale = lang
            db.session.commit()
    target = request.form.get("next") or ""
    return redirect(safe_next(target) or url_for("home.index"))
