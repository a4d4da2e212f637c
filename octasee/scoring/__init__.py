"""Threat scoring for OCTA-SEE: composite indices, OCG scoring, risk, trends, robustness.

* :func:`load_spec` / :class:`Model` / :class:`Result`: a composite-index model described by
  a YAML/TOML spec (indicator tree, steps chosen by name), run on a wide table; shipped
  specs reproduce the GI-TOC Global Organized Crime Index 2021 and 2023 exactly.
* :func:`score_groups` / :func:`load_attribute_set`: Sleipnir-style scoring of organised
  crime groups' attributes.
* :func:`priority_matrix`: threat x vulnerability x harm priorities per country and crime area.
* :func:`indicator_change`, :func:`robust_trend`, :func:`emerging_threats`,
  :func:`estimative_term`: trends, outlook and the PHIA probability yardstick.
* :func:`uncertainty_analysis`, :func:`sobol_indices`: Monte Carlo over imputation,
  treatment, normalisation, aggregation and weights; Saltelli/Jansen indices with
  bootstrap intervals.
* :func:`from_meta` / :func:`run_meta` / :func:`read_meta`: a model from an indicator
  metadata table in COINr's ``iMeta`` shape (:mod:`octasee.scoring.meta`);
  :func:`example_files` ("asem": COINr's ASEM example with its stored stages).
* :func:`screen_units`, :func:`screen_indicators`, :func:`indicator_stats`,
  :func:`correlations`, :func:`pca`, :func:`remove_elements`: the builder's analysis
  tools (:mod:`octasee.scoring.analysis`).
* :func:`round_half_up`: the rounding used at output.

See ``docs/scoring.md``.
"""

from __future__ import annotations

from octasee.scoring.analysis import (
    correlations,
    indicator_stats,
    pca,
    remove_elements,
    screen_indicators,
    screen_units,
)
from octasee.scoring.meta import example_files, read_meta
from octasee.scoring.model import LogEntry, Model, Result, from_meta, load_spec, run_meta
from octasee.scoring.ocg import AttributeSet, GroupScores, load_attribute_set, score_groups
from octasee.scoring.risk import PriorityResult, priority_matrix
from octasee.scoring.rounding import round_half_up
from octasee.scoring.sensitivity import SensitivityResult, sobol_indices, uncertainty_analysis
from octasee.scoring.trends import (
    emerging_threats,
    estimative_term,
    indicator_change,
    robust_trend,
)

__all__ = [
    "AttributeSet",
    "GroupScores",
    "LogEntry",
    "Model",
    "PriorityResult",
    "Result",
    "SensitivityResult",
    "correlations",
    "emerging_threats",
    "estimative_term",
    "example_files",
    "from_meta",
    "indicator_change",
    "indicator_stats",
    "load_attribute_set",
    "load_spec",
    "pca",
    "priority_matrix",
    "read_meta",
    "remove_elements",
    "robust_trend",
    "round_half_up",
    "run_meta",
    "score_groups",
    "screen_indicators",
    "screen_units",
    "sobol_indices",
    "uncertainty_analysis",
]
