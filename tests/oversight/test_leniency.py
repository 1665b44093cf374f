"""The leniency statistics find a planted lenient member and a planted lenient province — and
nothing when no bias is planted (issue 16 §3). The data come from the national generator
(ocop_rating/generate.py), limited to five provinces so that each council has enough sheets."""
from __future__ import annotations

from sqlalchemy import func, select

from ocop_rating.councils.models import CouncilMember
from ocop_rating.geo.models import Province
from ocop_rating.generate import Plant, generate
from ocop_rating.oversight import services
from ocop_rating.oversight.models import OversightEvaluation, OversightSheet
from ocop_rating.accounts.models import User


def _dataset(db, plant=None):
    codes = list(db.session.scalars(select(Province.code).order_by(Province.code)))[:5]
    generate("tiny", seed=5, producers=240, provinces_only=codes, plant=plant)
    db.session.commit()
    return codes


def test_planted_member_and_province_are_flagged_and_nothing_else(db):
    codes = list(db.session.scalars(select(Province.code).order_by(Province.code)))[:5]
    lenient_province, member_province = codes[1], codes[3]
    member_username = f"gen.{member_province}.hd5"
    _dataset(db, Plant(member_username=member_username, province_code=lenient_province,
                       shift=0.15))
    assert services.sync() == 0  # the generator writes the index with the seals

    view = services.overview(services.Filters(), national=True)
    flagged_members = [m for m in view.members if m.deviation.flagged]
    planted = db.session.scalar(select(CouncilMember).join(User).where(
        User.username == member_username))
    assert [m.member_id for m in flagged_members] == [planted.id], [
        (m.name, m.deviation) for m in view.members[:5]]
    assert flagged_members[0].deviation.mean > 3 and flagged_members[0].deviation.n >= 20
    flagged_provinces = [g.key for g in view.provinces if g.deviation and g.deviation.flagged]
    assert flagged_provinces == [lenient_province], [(g.key, g.deviation) for g in
                                                     view.provinces]
    # the lenient province's members agree with each other: none of them is flagged
    province_members = {m.member_id for m in view.members if m.province_code == lenient_province}
    assert province_members and not province_members & {m.member_id for m in flagged_members}

    # a province's own view: the member is flagged among its council only
    own = services.overview(services.Filters(province_code=member_province), national=False)
    assert [m.member_id for m in own.members if m.deviation.flagged] == [planted.id]
    assert all(m.province_code == member_province for m in own.members)


def test_nothing_is_flagged_without_a_planted_bias_and_the_index_rebuilds(db):
    _dataset(db)
    view = services.overview(services.Filters(), national=True)
    tested = [m for m in view.members if m.deviation.enough]
    assert len(tested) >= 40  # five councils of eight members, each with enough sheets
    assert not [m for m in view.members if m.deviation.flagged]
    assert not [g for g in view.provinces if g.deviation and g.deviation.flagged]
    # agreement is measured for every council that scored
    assert all(g.alpha is not None for g in view.provinces)

    # the index rebuilt from the seals (what `ocop oversight rebuild` does) equals the
    # generated one
    def fingerprint():
        return (db.session.execute(select(func.count(), func.sum(OversightEvaluation.mean_total),
                                          func.sum(OversightEvaluation.spread))).one(),
                db.session.execute(select(func.count(), func.sum(OversightSheet.total))).one())

    before = fingerprint()
    assert services.rebuild() == before[0][0]
    db.session.commit()
    assert fingerprint() == before
