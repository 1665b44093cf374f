"""Province → commune select pairs, filled server-side (and refreshed by a small script)."""
from flask_babel import gettext as _

from .services import communes_of, provinces_sorted


def fill_unit_choices(province_field, commune_field, *, provinces=None, communes=None) -> None:
    """Give the two selects their choices: all (or the given) provinces, and the communes of
    the chosen province, so a re-rendered form keeps what the person picked."""
    provinces = provinces if provinces is not None else provinces_sorted()
    province_field.choices = [("", _("— Chọn tỉnh —"))] + [(p.code, p.name) for p in provinces]
    if communes is None:
        code = province_field.data or (provinces[0].code if len(provinces) == 1 else None)
        communes = communes_of(code) if code else []
    commune_field.choices = [("", _("— Chọn xã/phường —"))] + [(c.code, c.name)
                                                                 for c in communes]
