from flask import redirect, render_template, url_for
from flask_login import current_user

from . import bp
from .inbox import inbox_for, report_links


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return render_template("home/dashboard.html", sections=inbox_for(current_user),
                           reports=report_links(current_user))
