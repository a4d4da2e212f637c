"""The [disclosure] settings: strict, with the key and the line of every bad value."""

from __future__ import annotations

import pytest

from octasee.errors import OctaseeError
from octasee.workspace import CONFIG_NAME, Workspace, create_workspace


def _edited(tmp_path, old, new):
    ws = create_workspace(tmp_path / "w", cycle="2013-2017")
    cfg = ws.path / CONFIG_NAME
    text = cfg.read_text("utf-8")
    assert old in text, old
    cfg.write_text(text.replace(old, new, 1), "utf-8")
    return ws.path


@pytest.mark.parametrize(("old", "new", "message"), [
    ("threshold = 5", "threshold = 0", r"line 26: key disclosure.threshold: 0 is not a whole "
                                        r"number of 1 or more"),
    ("threshold = 5", "threshold = -3", r"line 26: key disclosure.threshold: -3 is not"),
    ("threshold = 5", 'threshold = "five"', r"line 26: key disclosure.threshold: 'five' is not"),
    ("min_other_count = 3", "min_other_count = 0", r"line 28: key disclosure.min_other_count"),
    ("protection_ratio = 0.2", "protection_ratio = 0",
     r"line 30: key disclosure.protection_ratio: 0 is not a share above 0"),
    ('dominance = "off"', 'dominance = "pq"', r"line 32: key disclosure.dominance: 'pq' is not "
                                              r"one of off, nk, p"),
    ("rank_countries = false", "rank_contries = true",
     r"line 34: unknown key 'rank_contries' in \[disclosure\]; did you mean 'rank_countries'"),
    ("\n[chapters]", "\n[disclosure.indicators.victims_identifed]\nthreshold = 10\n\n[chapters]",
     r"line 37: key disclosure.indicators.victims_identifed: unknown indicator "
     r"'victims_identifed'; did you mean 'victims_identified'"),
    ("\n[chapters]", "\n[disclosure.indicators.heroin_seized]\nthreshold = 10\n\n[chapters]",
     r"line 38: key disclosure.indicators.heroin_seized.threshold: heroin_seized is measured "
     r"in mass"),
    ("\n[chapters]", "\n[disclosure.indicators.arrests]\ntreshold = 10\n\n[chapters]",
     r"line 38: unknown key 'treshold' in \[disclosure.indicators.arrests\]"),
])
def test_bad_disclosure_settings_name_key_and_line(tmp_path, old, new, message):
    path = _edited(tmp_path, old, new)
    with pytest.raises(OctaseeError, match=message):
        Workspace.open(path)


def test_settings_make_the_rules(tmp_path):
    from octasee.sdc import DisclosureRules

    path = _edited(tmp_path, "\n[chapters]",
                   "\n[disclosure.indicators.victims_identified]\nthreshold = 10\n\n[chapters]")
    ws = Workspace.open(path)
    rules = DisclosureRules.from_settings(ws)
    assert (rules.threshold, rules.min_other_count, rules.protection_ratio, rules.dominance,
            rules.rank_countries) == (5, 3, 0.2, "off", False)
    assert rules.threshold_for("victims_identified", "count") == 10
    assert rules.threshold_for("arrests", "count") == 5
    assert rules.threshold_for("cases", "count") == 3
    assert rules.threshold_for("heroin_seized", "kg") is None
    assert DisclosureRules.from_settings(ws.settings.disclosure) == rules
