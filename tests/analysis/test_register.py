"""The judgement register (judgements.yaml): reading, every mistake an analyst can make
(with file, line and what to write instead), references to findings, figures and tables,
the starting register, the findings no judgement covers, and the state a chapter reads."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from octasee.analysis.findings import Finding
from octasee.analysis.register import (
    HEADER,
    REGISTER_NAME,
    STATE_ENV,
    TERMS,
    check_references,
    empty_state,
    parse_register,
    read_register,
    read_state,
    start_register,
    uncovered,
)
from octasee.errors import ConfigError
from octasee.scoring.trends import YARDSTICK

GOOD = """\
# a comment an analyst wrote
judgements:
  - id: KJ1
    chapter: "04"
    topic: routes
    statement: >
      The Balkan route will remain the main corridor
      for heroin bound for the EU.
    probability: Highly likely
    confidence: Moderate
    horizon: the next cycle, 2018-2022
    evidence:
      - trend:heroin:heroin_seized
      - fig:trend:heroin:heroin_seized
    public: Heroin will keep coming through the Balkans.
    state: agreed
  - id: KJ2
    chapter: 3
    statement: Networks will keep using corruption.
    probability: probable
    confidence: low
    horizon: 2018-2022
    evidence: [networks:corruption]
    agreed_in: draft 2
  - id: KJ3
    chapter: 04
    statement: Cocaine
    probability: likely or probable
    confidence: high
    horizon: h
    evidence:
      - dominance:cocaine:cocaine_seized
      - dominance:cocaine:cocaine_seized
    state: agreed
"""


def _finding(key: str, kind: str = "trend", *, numbers: dict | None = None, **kw) -> Finding:
    return Finding(key, kind, kw.pop("title", key.replace(":", " ")),
                   kw.pop("statement", f"What {key} shows."), numbers or {"total": "1"},
                   **kw)


FINDINGS = [
    _finding("trend:heroin:heroin_seized", crime_area="heroin", chapter="04",
             shows=("fig:trend:heroin:heroin_seized",), term="likely", confidence="moderate",
             horizon="the next cycle, 2018-2022", number=1),
    _finding("dominance:cocaine:cocaine_seized", "dominance", crime_area="cocaine",
             chapter="04", shows=("tab:countries:cocaine",), nd=True, number=2),
    _finding("networks:corruption", "networks", chapter="03",
             shows=("tab:groups:attributes",), number=3),
    _finding("coverage:thb:victims_identified", "coverage", crime_area="thb", chapter="06",
             number=4),
    _finding("trend:cocaine:cocaine_seized", crime_area="cocaine", chapter="04", number=5),
]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / REGISTER_NAME
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


# --------------------------------------------------------------------------- reading


def test_a_register_is_read_with_its_lines_and_normalised_values(tmp_path):
    path = _write(tmp_path, GOOD)
    reg = read_register(tmp_path)  # the workspace folder: judgements.yaml in it
    assert reg.exists and reg.path == path and len(reg) == 3
    kj1, kj2, kj3 = reg.judgements
    assert (kj1.id, kj1.chapter, kj1.topic, kj1.state, kj1.line) == ("KJ1", "04", "routes",
                                                                     "agreed", 3)
    assert kj1.statement == ("The Balkan route will remain the main corridor for heroin "
                             "bound for the EU.")
    assert (kj1.probability, kj1.confidence) == ("highly likely", "moderate")
    assert kj1.evidence == ("trend:heroin:heroin_seized", "fig:trend:heroin:heroin_seized")
    assert kj1.evidence_lines == (13, 14) and kj1.findings == ("trend:heroin:heroin_seized",)
    assert kj1.public == "Heroin will keep coming through the Balkans."
    # PHIA's "likely or probable" is one term: the yardstick's spelling is kept
    assert kj2.probability == kj3.probability == "likely"
    assert kj2.chapter == "03" and kj3.chapter == "04"  # 3 and YAML's octal 04 alike
    assert (kj2.state, kj2.agreed_in, kj2.public, kj2.topic) == ("draft", 2, None, None)
    assert kj3.evidence == ("dominance:cocaine:cocaine_seized",)  # given twice: once
    assert [j.id for j in reg.agreed()] == ["KJ1", "KJ3"]
    assert [j.id for j in reg.for_chapter("4")] == ["KJ1", "KJ3"]
    assert [j.id for j in reg.for_chapter(3)] == ["KJ2"] == [j.id for j in
                                                              reg.for_chapter("03")]
    assert read_register(path).judgements == reg.judgements  # the file itself


def test_a_missing_register_is_empty_and_an_empty_one_too(tmp_path):
    reg = read_register(tmp_path)
    assert not reg.exists and reg.judgements == () and reg.path == tmp_path / REGISTER_NAME
    assert reg.agreed() == []
    _write(tmp_path, "# nothing yet\n")
    assert read_register(tmp_path).exists and len(read_register(tmp_path)) == 0
    _write(tmp_path, "judgements:\n")
    assert len(read_register(tmp_path)) == 0


_ITEM = """\
judgements:
  - id: KJ1
    chapter: "04"
    statement: Heroin will keep coming.
    probability: likely
    confidence: high
    horizon: the next cycle
    evidence:
      - trend:heroin:heroin_seized
"""


@pytest.mark.parametrize(("old", "new", "line", "what", "hint"), [
    # an unknown key: its line, and the key it should be
    ("    confidence: high\n", "    confidence: high\n    probabilty: likely\n", 7,
     "unknown key 'probabilty' in judgement KJ1", "did you mean 'probability'?"),
    # a term outside the yardstick: the closest terms, and every term with its range
    ("probability: likely", "probability: very likely", 5,
     "judgement KJ1: probability 'very likely' is not a term of the PHIA yardstick",
     "did you mean 'likely'"),
    ("probability: likely", "probability: maybe", 5,
     "probability 'maybe' is not a term", "realistic possibility (40-50 %)"),
    # a confidence level outside the list
    ("confidence: high", "confidence: medium", 6,
     "judgement KJ1: confidence 'medium' is not a confidence level",
     "write high, moderate or low"),
    ("confidence: high", "confidence: hihg", 6, "confidence 'hihg'", "did you mean 'high'?"),
    # no evidence: an empty list, or none at all
    ("    evidence:\n      - trend:heroin:heroin_seized\n", "    evidence: []\n", 8,
     "judgement KJ1: no evidence", "one a line after '- '"),
    ("    evidence:\n      - trend:heroin:heroin_seized\n", "    evidence:\n", 8,
     "judgement KJ1: no evidence", "'octasee judgements' lists the findings"),
    # a missing key: the judgement's line, and what to add
    ("    horizon: the next cycle\n", "", 2, "'horizon' is missing in judgement KJ1",
     "add horizon: the next cycle"),
    # invalid YAML: the line, and how to quote
    ("statement: Heroin will keep coming.", "statement: Heroin: it will keep coming.", 4,
     "not valid YAML", "goes in double quotes"),
    ("  - id: KJ1\n", "  - id: KJ1\n   chapter: 3\n", 3, "not valid YAML", "indentation"),
    # a key given twice in one judgement
    ("    confidence: high\n", "    confidence: high\n    confidence: low\n", 7,
     "duplicate key 'confidence'", "first given on line 6"),
    # other values outside their lists
    ("    confidence: high\n", "    confidence: high\n    state: agred\n", 7,
     "state 'agred' is not a state", "did you mean 'agreed'?"),
    ("    confidence: high\n", "    confidence: high\n    topic: market\n", 7,
     "topic 'market' is not a topic", "did you mean 'markets'?"),
    ("    confidence: high\n", "    confidence: high\n    agreed_in: the second\n", 7,
     "agreed_in 'the second' does not name a draft", "agreed_in: draft 2"),
    ('chapter: "04"', "chapter: four", 3, "chapter 'four' is not a chapter number",
     'chapter: "04"'),
    ("statement: Heroin will keep coming.", "statement: ''", 4, "statement is empty",
     "statement:"),
    # the top of the file
    ("judgements:\n", "judgement:\n", 1, "unknown key 'judgement'",
     "did you mean 'judgements'?"),
])
def test_every_mistake_names_the_file_the_line_and_what_to_write(tmp_path, old, new, line,
                                                                   what, hint):
    assert old in _ITEM
    path = _write(tmp_path, _ITEM.replace(old, new, 1))
    with pytest.raises(ConfigError) as exc:
        read_register(tmp_path)
    message = str(exc.value)
    assert message.startswith(f"{path}, line {line}: "), message
    assert what in message and hint in message, message
    assert "Traceback" not in message and "LineDict" not in message


def test_an_id_given_twice_names_both_lines_and_a_free_id(tmp_path):
    body = _ITEM.split("\n", 1)[1]
    _write(tmp_path, _ITEM + body)
    with pytest.raises(ConfigError, match=r"line 10: the id 'KJ1' is given twice; it is "
                                          r"first given on line 2; .* e\.g\. KJ2"):
        read_register(tmp_path)


def test_a_list_without_judgements_heading_is_refused_with_what_to_write(tmp_path):
    _write(tmp_path, _ITEM.split("\n", 1)[1])
    with pytest.raises(ConfigError, match=r"line 1: the register does not start with "
                                          r"'judgements:'; start the file with"):
        read_register(tmp_path)


def test_every_yardstick_term_is_accepted_as_written_in_phia():
    assert tuple(t[0] for t in YARDSTICK) == TERMS
    for term in (*TERMS, "Likely or probable", "PROBABLE", "remote  chance"):
        text = _ITEM.replace("probability: likely", f"probability: {term}")
        (j,) = parse_register(text, path=Path("j.yaml")).judgements
        assert j.probability in TERMS


# --------------------------------------------------------------------------- references


def test_references_resolve_or_name_the_line_and_the_closest_key(tmp_path):
    reg = read_register(_write(tmp_path, GOOD))
    keys = [f.key for f in FINDINGS]
    check_references(reg, findings=keys)  # figures and tables: not known before execution
    check_references(reg, findings=keys, evidence=["fig:trend:heroin:heroin_seized"])
    with pytest.raises(ConfigError) as exc:
        check_references(reg, findings=keys, evidence=["fig:trend:heroin:heroin_total"])
    assert str(exc.value).startswith(f"{tmp_path / REGISTER_NAME}, line 14: judgement KJ1 "
                                     "cites 'fig:trend:heroin:heroin_seized', which is not a "
                                     "figure of this report; did you mean "
                                     "'fig:trend:heroin:heroin_total'?")

    bad = read_register(_write(tmp_path, GOOD.replace("- trend:heroin:heroin_seized",
                                                      "- trend:heroin:heroin_seizd")
                               .replace("[networks:corruption]", "[networks:corupt]")))
    with pytest.raises(ConfigError) as exc:
        check_references(bad, findings=keys)
    message = str(exc.value)
    assert message.startswith(f"{tmp_path / REGISTER_NAME}, line 13: judgement KJ1 cites "
                              "'trend:heroin:heroin_seizd', which is not a finding of this "
                              "cycle; did you mean 'trend:heroin:heroin_seized'?")
    assert "1 other reference does not resolve either: KJ2 'networks:corupt'" in message


def test_an_unresolved_reference_always_names_the_closest_existing_key(tmp_path):
    reg = read_register(_write(tmp_path, _ITEM.replace("trend:heroin:heroin_seized",
                                                       "xyz")))
    with pytest.raises(ConfigError, match=r"line 9: judgement KJ1 cites 'xyz', which is not "
                                          r"a finding of this cycle; the closest existing "
                                          r"key is '.+'"):
        check_references(reg, findings=["networks:corruption", "routes:heroin"])


# --------------------------------------------------------------------------- suggestions


def test_uncovered_findings_are_those_no_judgement_cites(tmp_path):
    reg = read_register(_write(tmp_path, GOOD))
    assert [f.key for f in uncovered(reg, FINDINGS)] == [
        "coverage:thb:victims_identified", "trend:cocaine:cocaine_seized"]


def test_a_started_register_suggests_drafts_to_rewrite_and_reads_back(tmp_path):
    text = start_register(FINDINGS, cycle="2013-2017")
    assert text.startswith(HEADER) and "SUGGESTION" in text
    reg = parse_register(text, path=tmp_path / REGISTER_NAME)
    # trends the model judged, dominance, networks, routes; not coverage, nor a trend
    # without a probability term
    assert [j.evidence[0] for j in reg.judgements] == [
        "trend:heroin:heroin_seized", "dominance:cocaine:cocaine_seized",
        "networks:corruption"]
    assert all(j.state == "draft" for j in reg.judgements) and reg.agreed() == []
    trend, dominance, networks = reg.judgements
    assert [j.id for j in reg.judgements] == ["KJ1", "KJ2", "KJ3"]
    assert trend.evidence == ("trend:heroin:heroin_seized", "fig:trend:heroin:heroin_seized")
    assert (trend.probability, trend.confidence, trend.chapter, trend.topic) == (
        "likely", "moderate", "04", "markets")
    assert trend.statement == "What trend:heroin:heroin_seized shows."
    # no term of its own: placeholders, said so; the next cycle as horizon
    assert (dominance.probability, dominance.confidence) == ("realistic possibility", "low")
    assert dominance.horizon == "the next cycle, 2018-2022"
    assert (networks.topic, networks.chapter) == ("networks", "03")
    assert "placeholders: choose them" in text
    assert text.count("rests on rows not for dissemination") == 1  # the dominance one
    check_references(reg, findings=[f.key for f in FINDINGS])


def test_a_started_register_without_suggestions_is_a_valid_empty_register(tmp_path):
    text = start_register([FINDINGS[3]], cycle="2013-2017")
    reg = parse_register(text, path=tmp_path / REGISTER_NAME)
    assert reg.exists and len(reg) == 0 and "write your own here" in text


def test_the_header_example_is_a_valid_register(tmp_path):
    example = "\n".join(line[2:] for line in HEADER.split("# Example:", 1)[1].splitlines()
                        if line.startswith("# "))
    (j,) = parse_register(example, path=tmp_path / REGISTER_NAME).judgements
    assert j.id == "KJ1" and j.probability == "highly likely" and j.state == "draft"


# --------------------------------------------------------------------------- state


def test_read_state_is_empty_outside_a_build_and_reads_the_build_file(tmp_path, monkeypatch):
    monkeypatch.delenv(STATE_ENV, raising=False)
    assert read_state() == empty_state() == {"register": None, "version": None,
                                             "judgements": {}, "uncovered": []}
    state = {"register": "/ws/judgements.yaml", "version": "Draft 2",
             "judgements": {"KJ1": {"state": "stale", "agreed_in": "Draft 1", "moved": [
                 {"finding": "trend:heroin:heroin_seized", "title": "Heroin seized",
                  "was": {"total": "1,984"}, "now": {"total": "2,134"}}]}},
             "uncovered": ["networks:corruption"]}
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state), "utf-8")
    monkeypatch.setenv(STATE_ENV, str(path))
    assert read_state() == state
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "gone.json"))
    with pytest.raises(ConfigError, match=f"{STATE_ENV}=.*cannot be read"):
        read_state()
