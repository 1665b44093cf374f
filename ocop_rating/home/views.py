from flask import redirect, render_template, url_for
from flask_login import current_user

from . import bp


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return render_template("home/dashboard.html")
