"""Dossiers (hồ sơ): Form 01 registration, Form 02 self-assessment with evidence, the
commune's check (Form 03) and the province's intake."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")

from .. import nav  # noqa: E402
from ..accounts.roles import Role  # noqa: E402
from . import views  # noqa: E402,F401

nav.register("dossiers.index", _l("Hồ sơ"),
             lambda u: getattr(u, "role", None) in {Role.admin, Role.ministry, Role.province,
                                                    Role.commune, Role.producer}, order=10, group="dossiers")


ACTION_LABELS = {
    "created": _l("lập hồ sơ"),
    "registration_updated": _l("cập nhật phiếu đăng ký"),
    "self_assessment_saved": _l("cập nhật phiếu tự đánh giá"),
    "evidence_added": _l("thêm minh chứng"),
    "evidence_removed": _l("xóa minh chứng"),
    "commune_check_saved": _l("lưu phiếu kiểm tra cấp xã"),
}


@bp.app_context_processor
def dossier_helpers():
    from .states import DossierStatus

    def event_status_label(value):
        try:
            return DossierStatus(value).label
        except ValueError:
            return value

    def action_label(action):
        return str(ACTION_LABELS.get(action, action))

    return {"event_status_label": event_status_label, "action_label": action_label}
