from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from octasee.errors import ScoringError
from octasee.scoring.rounding import round_half_even, round_half_up, round_values


@pytest.mark.parametrize(("x", "digits", "expected"), [
    (4.625, 2, 4.63), (4.6249999999999996, 2, 4.63), (2.675, 2, 2.68), (1.005, 2, 1.01),
    (0.125, 2, 0.13), (-0.125, 2, -0.13), (5.375, 2, 5.38), (4.624, 2, 4.62),
    (2.5, 0, 3.0), (3.5, 0, 4.0), (12345.6785, 3, 12345.679), (1e12 + 0.5, 0, 1e12 + 1),
])
def test_half_up(x: float, digits: int, expected: float) -> None:
    assert round_half_up(x, digits) == expected


def test_float_noise_from_a_sum_rounds_up() -> None:
    x = sum([4.5, 4.5, 4.5, 5.0]) / 4 + 1e-16 - 0.125 + 0.125  # 4.625 with noise
    assert round_half_up(x - 2e-16, 2) == 4.63
    assert round(4.625, 2) == 4.62  # Python's own rounding: half-even on binary


def test_half_even_differs() -> None:
    assert round_half_even(4.625) == 4.62
    assert round_half_even(4.635) == 4.64
    assert round_values(0.125, 2, mode="half_even") == 0.12


def test_shapes_and_missing() -> None:
    s = pd.Series([0.125, np.nan, 2.5], name="a")
    out = round_half_up(s, 1)
    assert out.name == "a" and out.iloc[0] == 0.1 and np.isnan(out.iloc[1]) and out.iloc[2] == 2.5
    df = pd.DataFrame({"x": [0.005], "t": ["keep"]})
    assert round_half_up(df, 2).to_dict("list") == {"x": [0.01], "t": ["keep"]}
    assert round_half_up(np.array([0.5, 1.5, -0.5]), 0).tolist() == [1.0, 2.0, -1.0]


def test_bad_arguments() -> None:
    with pytest.raises(ScoringError):
        round_half_up(1.0, -1)
    with pytest.raises(ScoringError, match="half_up"):
        round_values(1.0, 2, mode="bankers")  # type: ignore[arg-type]
