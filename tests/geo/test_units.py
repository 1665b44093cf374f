from click.testing import CliRunner

from ocop_rating.db import db
from ocop_rating.geo.models import Commune, Province
from ocop_rating.geo.services import communes_of, provinces_sorted
from tests.conftest import drop_database, fresh_database_url, make_test_app


def test_import_units_twice_adds_34_provinces_and_3321_communes_once(tmp_path_factory):
    from flask_migrate import upgrade

    url = fresh_database_url(tmp_path_factory, "units")
    app = make_test_app(url, tmp_path_factory.mktemp("inst"))
    try:
        with app.app_context():
            upgrade()
        runner = app.test_cli_runner()
        first = runner.invoke(args=["ocop", "import-units"])
        assert first.exit_code == 0, first.output
        assert "Provinces: 34 added" in first.output
        assert "Communes: 3321 added" in first.output
        second = runner.invoke(args=["ocop", "import-units"])
        assert "Provinces: 0 added, 0 updated" in second.output
        assert "Communes: 0 added, 0 updated" in second.output
        with app.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(Province)) == 34
            assert db.session.scalar(db.select(db.func.count()).select_from(Commune)) == 3321
            db.engine.dispose()
    finally:
        drop_database(url)


def test_known_names_and_codes(db):
    assert db.session.get(Province, "01").name == "Thành phố Hà Nội"
    assert db.session.get(Province, "22").name == "Quảng Ninh"
    assert db.session.get(Province, "68").name == "Lâm Đồng"
    van_don = db.session.get(Commune, "06994")
    assert van_don.name == "Đặc khu Vân Đồn" and van_don.province_code == "22"
    assert db.session.get(Commune, "00070").name == "Phường Hoàn Kiếm"


def test_provinces_sorted_the_vietnamese_way(db):
    names = [p.name for p in provinces_sorted()]
    assert names.index("Đồng Nai") > names.index("Điện Biên") > names.index("Cà Mau")
    assert names.index("Đắk Lắk") < names.index("Điện Biên")


def test_communes_search_is_accent_insensitive(db):
    found = [c.name for c in communes_of("22", "van don")]
    assert "Đặc khu Vân Đồn" in found
