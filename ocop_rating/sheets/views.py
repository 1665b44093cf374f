from flask import abort, render_template

from ..rulebook import RulebookError, get_rulebook, load_rulebooks
from . import bp


@bp.get("/")
def index():
    rulebooks = sorted(load_rulebooks().values(), key=lambda r: r.effective_from, reverse=True)
    return render_template("sheets/index.html", rulebooks=rulebooks)


@bp.get("/<code>/sets/<int:number>")
def sheet(code: str, number: int):
    try:
        rulebook = get_rulebook(code)
        sheet_ = rulebook.sheet(number)
    except RulebookError:
        abort(404)
    knockouts = {k.code: k for k in rulebook.knockouts}
    return render_template("sheets/sheet.html", rulebook=rulebook, sheet=sheet_,
                           knockouts=knockouts)
