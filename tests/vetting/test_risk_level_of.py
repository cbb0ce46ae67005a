"""`vetting.scoring.risk.level_of`: the level of a risk by the bounds of LEVELS."""

from __future__ import annotations

import pytest

from vetting.scoring.risk import level_of


@pytest.mark.parametrize(
    ("risk", "level"),
    [(0.0, "low"), (0.2999, "low"), (0.30, "medium"), (0.5999, "medium"), (0.60, "high"), (1.0, "high")],
)
def test_each_bound_starts_its_level(risk, level):
    assert level_of(risk) == level


@pytest.mark.parametrize("risk", [float("nan"), -0.01])
def test_a_value_that_is_no_risk_is_an_error_naming_it(risk):
    with pytest.raises(ValueError, match="not a risk"):
        level_of(risk)
