"""The national-scale generator (issue 13 §1), at the tiny scale the suite can afford."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from ocop_rating.certificates.models import Certificate
from ocop_rating.councils.models import Evaluation
from ocop_rating.evaluation.models import ScoreEntry, ScoreSheet, SheetStatus
from ocop_rating.generate import generate
from ocop_rating.rulebook import get_rulebook
from tests.conftest import _empty_tables


def _fingerprint(db):
    certificates = db.session.execute(select(Certificate.number, Certificate.star,
                                             Certificate.expires_on, Certificate.product_name)
                                      .order_by(Certificate.number)).all()
    entries = db.session.execute(select(func.count(), func.sum(ScoreEntry.option_index))
                                 .select_from(ScoreEntry)).one()
    return certificates, tuple(entries)


def test_same_seed_same_data(db):
    first = generate("tiny", seed=7)
    print_one = _fingerprint(db)
    db.session.rollback()
    _empty_tables()
    db.session.commit()
    again = generate("tiny", seed=7)
    assert first.counts == again.counts
    assert _fingerprint(db) == print_one


def test_tiny_dataset_is_realistic_and_passes_the_integrity_checks(db, cli):
    from ocop_rating.immutability import maintenance

    result = cli("ocop", "generate", "--scale", "tiny", "--seed", "13")
    assert result.exit_code == 0, result.output
    assert "producers: 30" in result.output
    counts = {t: db.session.scalar(select(func.count()).select_from(m)) for t, m in (
        ("evaluations", Evaluation), ("score_sheets", ScoreSheet))}
    assert counts["evaluations"] >= 50 and counts["score_sheets"] == 8 * counts["evaluations"]

    stars = Counter(db.session.scalars(select(Certificate.star)))
    total = sum(stars.values())
    assert total >= 30
    assert 0.55 <= stars[3] / total <= 0.85, stars
    assert 0.12 <= stars[4] / total <= 0.40, stars
    assert stars[5] / total <= 0.05, stars
    # expiry dates spread over the 36 months ahead (and some already past)
    expiries = sorted(db.session.scalars(select(Certificate.expires_on)))
    assert (expiries[-1] - expiries[0]).days > 800
    assert len({(d.year, d.month) for d in expiries}) >= 20
    # a product's older certificate is superseded by its re-evaluation's
    assert db.session.scalar(select(func.count()).select_from(Certificate)
                             .where(Certificate.superseded_by_id.is_not(None))) > 0

    # every sheet is submitted and complete: one valid option per item of its sheet
    for sheet in db.session.scalars(select(ScoreSheet).limit(60)):
        assert sheet.status == SheetStatus.submitted
        definition = get_rulebook(sheet.rulebook_code).sheet(sheet.set_no)
        entries = sheet.entries_by_code()
        assert set(entries) == {item.code for item in definition.items}
        for item in definition.items:
            entry = entries[item.code]
            options = item.options_for(entry.case_key if item.cases else None)
            assert 0 <= entry.option_index < len(options)
    assert db.session.scalar(select(func.count()).select_from(Evaluation)
                             .where(Evaluation.star.is_(None))) < counts["evaluations"]

    result = cli("ocop", "integrity", "check")
    assert result.exit_code == 0, result.output
    assert f"Sealed results checked: {counts['evaluations']}; disagreements: 0" in result.output
    result = cli("ocop", "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "intact" in result.output

    # ... and they notice a score changed behind the application's back
    entry = db.session.scalar(select(ScoreEntry).order_by(ScoreEntry.id).limit(1))
    with maintenance():
        entry.option_index = 0 if entry.option_index else 1
        db.session.flush()
    db.session.commit()
    result = cli("ocop", "integrity", "check")
    assert result.exit_code == 1 and "choices" in result.output

    result = cli("ocop", "generate", "--scale", "tiny")
    assert result.exit_code != 0 and "already" in result.output
