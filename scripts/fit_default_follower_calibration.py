"""Fit the default follower calibration (vetting/scoring/data/follower_calibration.json) from
public labelled sets of real accounts.

usage: python scripts/fit_default_follower_calibration.py NAME=LABELLED.csv [NAME=LABELLED.csv ...]
           [--source NAME="citation"] [--output PATH] [--refit-weights]

Each LABELLED.csv has the `score_followers` input columns plus `is_fake` (true/false). With
--refit-weights, the scorecard terms that only real data sets (calibration.REAL_DATA_FEATURES)
are first refitted on these sets and written to data/follower_scorecard.json (every other weight
stays as the synthetic fit left it); then each set becomes one reference calibration (Platt per
set of known fields) of that scorecard. The labelled files themselves are not redistributed:
their sources are cited in the outputs' provenance.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django.setup()

import numpy as np  # noqa: E402

from vetting.scoring.calibration import labelled_features, refit_real_weights  # noqa: E402
from vetting.scoring.follower_calibration import (  # noqa: E402
    DEFAULT_CALIBRATION_PATH,
    DEFAULT_NAME,
    FollowerCalibration,
    fields_mask,
    ranking_metrics,
    reference_from_labelled,
    restricted_logits,
)
from vetting.scoring.follower_io import read_labelled_follower_csv  # noqa: E402
from vetting.scoring.followers import FIELDS, feature_matrix, load_scorecard  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="+", help="NAME=path/to/labelled.csv")
    parser.add_argument("--source", action="append", default=[], help='NAME="where the set comes from"')
    parser.add_argument("--output", default=str(DEFAULT_CALIBRATION_PATH))
    parser.add_argument(
        "--refit-weights", action="store_true", help="refit the real-data scorecard terms on these sets first"
    )
    args = parser.parse_args()
    sources = dict(item.split("=", 1) for item in args.source)
    files = {name: read_labelled_follower_csv(path) for name, path in (item.split("=", 1) for item in args.sets)}
    if args.refit_weights:
        data = refit_real_weights({n: labelled_features(b, y) for n, (b, y) in files.items()}, sources=sources)
        print(f"refitted real-data terms: {data['real_data_fit']['weights']}")
        load_scorecard.cache_clear()
    card = load_scorecard()
    references = []
    metrics = {}
    for name, (batch, y) in files.items():
        X, K = feature_matrix(batch)
        known = fields_mask(n for n, share in zip(FIELDS, batch.field_available().mean(axis=0)) if share >= 0.5)
        reference = reference_from_labelled(
            name,
            lambda mask, X=X, K=K: restricted_logits(card.intercept, card.weights, X, K, mask),
            y,
            known,
            source=sources.get(name, ""),
        )
        references.append(reference)
        metrics[name] = {**ranking_metrics(card.logits(X, K), y), "rows": len(y), "fakes": int(y.sum())}
        print(f"{name}: {len(y)} accounts, {int(y.sum())} fake; {metrics[name]}")
    calibration = FollowerCalibration(
        name=DEFAULT_NAME,
        scorecard=card,
        references=tuple(references),
        provenance={
            "built": dt.date.today().isoformat(),
            "method": "committed scorecard weights (real-data terms fitted on these sets, the rest on the synthetic "
            "set); per labelled set one Platt calibration per set of known fields (balanced prior); estimates use "
            "the mean of the sets' parameters, intervals their envelope",
            "sets": {r.name: {"rows": r.rows, "fakes": r.fakes, "source": r.source} for r in references},
        },
        metrics={"ranking_on_each_set": metrics, "fake_share_error": "see docs/scoring.md (bench/vetting_validity.py)"},
    )
    data = calibration.as_dict()
    data.pop("scorecard")  # the default calibrates the committed scorecard (data/follower_scorecard.json)
    Path(args.output).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.output} ({np.sum([len(r.platts) for r in references])} Platt mappings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
