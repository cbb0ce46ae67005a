"""Calibrations of the follower scorer: fitting on a labelled file, refusing files that cannot
support one, the committed default and what the audience estimate takes from a calibration.

Labelled files here come from the synthetic generator: they test the code (fitting, storage,
lookup), never the model's accuracy — that is bench/vetting_validity.py on real labelled data."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import InputError
from vetting.scoring import synthetic
from vetting.scoring.audience_quality import audience_quality
from vetting.scoring.follower_calibration import (
    FIELDS,
    MIN_PER_CLASS,
    FollowerCalibration,
    fields_mask,
    fit_follower_calibration,
    load_default_calibration,
    mask_fields,
    roc_auc,
    row_masks,
    submasks,
    tpr_at_fpr,
)
from vetting.scoring.followers import FollowerBatch, batch_from_synthetic


def labelled(n: int, share: float, seed: int) -> tuple[FollowerBatch, np.ndarray]:
    data = synthetic.generate(n, fake_share=share, seed=seed)
    return batch_from_synthetic(data), np.asarray(data.is_fake, dtype=bool)


def test_a_calibration_is_fitted_with_cross_validated_figures_and_every_field_subset():
    batch, y = labelled(600, 0.3, seed=21)
    calibration = fit_follower_calibration(batch, y, name="agency-2026", source="agency.csv", folds=3)
    assert calibration.name == "agency-2026"
    assert calibration.provenance["rows"] == 600 and calibration.provenance["source"] == "agency.csv"
    assert calibration.metrics["rows"] == 600 and calibration.metrics["fakes"] == int(y.sum())
    assert 0.5 < calibration.metrics["roc_auc"] <= 1.0
    assert len(calibration.references) == 3
    known = fields_mask(calibration.provenance["known_fields"])
    for reference in calibration.references:
        assert set(reference.platts) == set(submasks(known))


def test_a_stored_calibration_gives_the_same_estimate_after_a_round_trip():
    batch, y = labelled(400, 0.4, seed=22)
    calibration = fit_follower_calibration(batch, y, name="rt", source="rt.csv", folds=3)
    again = FollowerCalibration.from_dict(calibration.as_dict())
    audience, _ = labelled(200, 0.1, seed=23)
    assert audience_quality(audience, again).fake_share == pytest.approx(
        audience_quality(audience, calibration).fake_share
    )


@pytest.mark.parametrize(
    ("n", "share", "message"),
    [
        (300, 0.0, "every labelled account is genuine"),
        (300, 1.0, "every labelled account is fake"),
        (60, 0.5, "too few"),
    ],
)
def test_a_labelled_file_that_cannot_support_a_calibration_is_refused(n, share, message):
    batch, y = labelled(n, share, seed=24)
    with pytest.raises(InputError) as caught:
        fit_follower_calibration(batch, y, name="x", source="labels.csv")
    assert message in str(caught.value) and caught.value.field == "is_fake" and "labels.csv" in str(caught.value)


def test_the_default_calibration_names_its_real_labelled_sources():
    calibration = load_default_calibration()
    assert calibration.name == "default"
    assert len(calibration.references) == 3
    for reference in calibration.references:
        assert reference.rows > 500 and MIN_PER_CLASS <= reference.fakes <= reference.rows - MIN_PER_CLASS
        assert reference.source  # where the labelled set comes from
        assert reference.platt_for(fields_mask(FIELDS)).b > 0  # higher logit, more likely fake


def test_accounts_showing_fewer_fields_get_the_calibration_fitted_without_them():
    calibration = load_default_calibration()
    batch, _ = labelled(2, 0.5, seed=25)
    counts_only = batch.without([f for f in FIELDS if f not in ("followers_count", "following_count", "media_count")])
    masks = row_masks(counts_only)
    assert mask_fields(int(masks[0])) == {"followers_count", "following_count", "media_count"}
    centre, references = calibration.row_calibrations(masks)
    expected = [ref.platt_for(int(masks[0])) for ref in calibration.references]
    assert centre.a[0] == pytest.approx(np.mean([p.a for p in expected]))
    assert [r.b[0] for r in references] == pytest.approx([p.b for p in expected])


def test_ranking_metrics_match_hand_computed_cases():
    scores = np.array([0.1, 0.4, 0.35, 0.8])
    y = np.array([False, False, True, True])
    assert roc_auc(scores, y) == pytest.approx(0.75)
    tpr, fpr, _ = tpr_at_fpr(np.array([0.9, 0.8, 0.3, 0.2, 0.1]), np.array([True, True, False, False, False]), 0.0)
    assert (tpr, fpr) == (1.0, 0.0)
