"""``rulebook`` command group: check, list, show and score sheets from the shell.

Attached under ``flask ocop`` by the app (``flask --app ocop_rating ocop rulebook check``); it
needs no Flask app context and also runs alone: ``python -m ocop_rating.rulebook.cli check``.

Exit codes: 0 fine; 1 ``check`` found errors; 2 bad input (message on stderr, no traceback).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from .errors import RulebookError
from .loader import DATA_DIR, get_rulebook, latest_rulebook, load_rulebooks
from .model import CriterionGroup, Item, Option, Rulebook, Sheet
from .scoring import score_sheet, to_json
from .validate import LIKELY_LOSS, Severity, check_rulebook

RESERVED_KEYS = ("cases", "knockouts")


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def _paths(ctx: click.Context) -> tuple[Path, ...]:
    return (DATA_DIR, *ctx.obj["data_dirs"])


def _rulebook(ctx: click.Context, code: str | None) -> Rulebook:
    try:
        if code:
            return get_rulebook(code, paths=_paths(ctx))
        return latest_rulebook(paths=_paths(ctx))
    except RulebookError as e:
        _fail(e.message)


def _sheet(ctx: click.Context, code: str | None, number: int) -> Sheet:
    try:
        return _rulebook(ctx, code).sheet(number)
    except RulebookError as e:
        _fail(e.message)


@click.group("rulebook")
@click.option("--data-dir", "data_dirs", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Extra folder of rulebooks (or a rulebook folder) to load with the shipped "
                   "ones. Repeatable.")
@click.pass_context
def rulebook_cli(ctx: click.Context, data_dirs: tuple[Path, ...]) -> None:
    """OCOP criteria rulebooks: validate, show a sheet, score a sheet."""
    ctx.ensure_object(dict)
    ctx.obj["data_dirs"] = data_dirs


cli = rulebook_cli


@rulebook_cli.command("check")
@click.pass_context
def check_command(ctx: click.Context) -> None:
    """Validate every rulebook and print a report; exit code 1 on errors."""
    try:
        books = load_rulebooks(_paths(ctx), strict=False)
    except RulebookError as e:
        click.echo(f"error: {e.message}")
        sys.exit(1)
    total_errors = 0
    for book in books.values():
        issues = check_rulebook(book)
        errors = sum(i.severity is Severity.ERROR for i in issues)
        total_errors += errors
        losses = sum(LIKELY_LOSS in i.message for i in issues)
        click.echo(f"{book.code} ({book.instrument}, {len(book.sheets)} sets): "
                   f"{errors} error(s), {len(issues) - errors} warning(s) "
                   f"({losses} {LIKELY_LOSS}es, found by comparing sibling sheets)")
        for issue in issues:
            click.echo(f"  {issue}")
    click.echo(f"{len(books)} rulebook(s) checked: "
               f"{'FAILED' if total_errors else 'OK'} ({total_errors} error(s)).")
    if total_errors:
        sys.exit(1)


@rulebook_cli.command("list")
@click.pass_context
def list_command(ctx: click.Context) -> None:
    """List the rulebooks, their dates and product sets."""
    try:
        books = load_rulebooks(_paths(ctx))
    except RulebookError as e:
        _fail(e.message)
    for book in books.values():
        until = book.effective_to.isoformat() if book.effective_to else "…"
        click.echo(f"{book.code}  {book.instrument}  {book.effective_from.isoformat()} → {until}")
        for sheet in book.sheets:
            click.echo(f"  {sheet.number:>2}  {sheet.group}/{sheet.subgroup}  {sheet.name}")


def _fmt(d) -> str:
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _option_line(o: Option) -> str:
    star = f"  [min {'*' * o.min_for_star}]" if o.min_for_star else ""
    return f"[{o.index}] {_fmt(o.points):>3} đ  {o.label}{star}"


def _show_item(item: Item, indent: str) -> None:
    kind = {"yes_no": "  (có/không)", "section": ""}.get(item.kind.value, "")
    label = (f"{item.code} {item.label}" if item.kind.value != "section"
             else f"{item.code} (mục chấm trực tiếp, mã {item.code!r})")
    click.echo(f"{indent}{label}  (tối đa {_fmt(item.max_points)}){kind}")
    for note in item.notes if item.kind.value != "section" else ():
        click.echo(f"{indent}    ghi chú: {note}")
    if item.cases:
        for case in item.cases:
            click.echo(f"{indent}    case {case.key!r}: {case.label}")
            for o in case.options:
                click.echo(f"{indent}      {_option_line(o)}")
    else:
        for o in item.options:
            click.echo(f"{indent}    {_option_line(o)}")


@rulebook_cli.command("show")
@click.option("--set", "set_number", type=int, required=True, help="Product set number (1-26).")
@click.option("--rulebook", "code", default=None, help="Rulebook code (default: the latest).")
@click.pass_context
def show_command(ctx: click.Context, set_number: int, code: str | None) -> None:
    """Print a sheet: parts, sections, criteria with option indexes, points and star markers."""
    book = _rulebook(ctx, code)
    sheet = _sheet(ctx, book.code, set_number)
    group, subgroup = book.group_of(sheet.number)
    click.echo(f"{book.code} · {book.instrument} · bộ {sheet.number}: {sheet.name}")
    click.echo(f"Ngành {group.code} {group.label} · nhóm {subgroup.code} {subgroup.label}")
    if sheet.knockouts:
        click.echo("Knock-outs: " + ", ".join(f"{k.code} ({k.source})" for k in sheet.knockouts))
    for part in sheet.parts:
        click.echo("")
        click.echo(f"PHẦN {part.code}  {part.label}  (tối đa {_fmt(part.max_points)})")
        for section in part.sections:
            click.echo(f"  {section.code}. {section.label}  (tối đa {_fmt(section.max_points)})")
            for note in section.notes:
                click.echo(f"      ghi chú: {note}")
            for entry in section.entries:
                if isinstance(entry, CriterionGroup):
                    click.echo(f"    {entry.code} {entry.label}  (tối đa "
                               f"{_fmt(entry.max_points)}; chấm theo tiêu chí con)")
                    for child in entry.children:
                        _show_item(child, "      ")
                else:
                    _show_item(entry, "    ")
    if sheet.legend:
        click.echo("")
        click.echo(sheet.legend)


def _read_choices(path: Path) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        _fail(f"cannot read {path}: {e.strerror}")
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        _fail(f"{path} is not valid JSON: {e}")
    if not isinstance(data, dict):
        _fail(f'{path} must hold a JSON object {{"<criterion code>": <option index>, ...}}.')
    cases = data.get("cases") or {}
    if not isinstance(cases, dict):
        _fail('"cases" must be an object such as {"8": "1"}.')
    knockouts = data.get("knockouts") or []
    if not isinstance(knockouts, list) or not all(isinstance(k, str) for k in knockouts):
        _fail('"knockouts" must be a list of knock-out codes.')
    choices = {k: v for k, v in data.items() if k not in RESERVED_KEYS}
    return choices, cases, knockouts


@rulebook_cli.command("score")
@click.option("--set", "set_number", type=int, required=True, help="Product set number (1-26).")
@click.option("--choices", "choices_file", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help='JSON file: {"<criterion code>": <option index from 0>, ..., '
                   '"cases": {"8": "1"}, "knockouts": [...]}. Yes/no: 0 = no, 1 = yes.')
@click.option("--rulebook", "code", default=None, help="Rulebook code (default: the latest).")
@click.pass_context
def score_command(ctx: click.Context, set_number: int, choices_file: Path,
                  code: str | None) -> None:
    """Score a sheet from a choices file and print the result as JSON."""
    sheet = _sheet(ctx, code, set_number)
    choices, cases, knockouts = _read_choices(choices_file)
    try:
        result = score_sheet(sheet, choices, cases=cases, knockouts=knockouts)
    except RulebookError as e:
        _fail(e.message)
    data = result.to_dict()
    out = {key: data[key] for key in (
        "rulebook", "set", "parts", "total", "star", "recognised", "band_star",
        "minimums_failed", "knockouts", "knockouts_suggested", "missing", "complete",
        "max_reachable_total", "star_ceiling")}
    click.echo(to_json(out, indent=2))


if __name__ == "__main__":  # pragma: no cover
    rulebook_cli()
