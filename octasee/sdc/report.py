"""The output-checking report: what the public edition withholds and whether it holds.

Written for the person who authorises the release (the role an output checker has in a
safe setting; ACRO's ``finalise`` report is the anchor): for each table and figure the
chapters publish (their ``publications.json``), the rules applied, the cells suppressed
(primary with the reason, complementary) and the attack audit's result; then an overall
verdict. One self-contained HTML file (no script, no network) and the same as JSON beside
it. It names withheld cells but never prints a withheld value: it is safe to keep with
the build, though it is meant for the release decision, not for publication.

:func:`check_release` is the whole check in one call: view, audit, report.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from octasee.errors import DisclosureError
from octasee.sdc.audit import AuditResult, Publication, audit
from octasee.sdc.rules import DisclosureRules
from octasee.sdc.view import PublicView, make_public_view

__all__ = ["check_release", "read_publications", "write_output_check"]

PUBLICATIONS_NAME = "publications.json"
REPORT_NAME = "output-check.html"


def read_publications(dirs: Iterable[str | os.PathLike[str]]) -> list[dict[str, Any]]:
    """The tables, figures and texts the public chapters publish: each folder's
    ``publications.json`` (a chapter that publishes nothing may have none), in order."""
    out: list[dict[str, Any]] = []
    for d in dirs:
        path = Path(d)
        path = path if path.name == PUBLICATIONS_NAME else path / PUBLICATIONS_NAME
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise DisclosureError(f"cannot read the list of publications: {exc}",
                                  where=str(path),
                                  hint="rebuild the chapter; the file is written by it") from None
        if not isinstance(data, list) or not all(isinstance(x, Mapping) and "label" in x
                                                  for x in data):
            raise DisclosureError("the list of publications is not a list of tables and "
                                  "figures with a label", where=str(path),
                                  hint='each item: {"label": "Table 4.2", "caption": …, '
                                       '"kind": "table", "chapter": "04", "structures": […]}')
        for item in data:
            structures = item.get("structures") or []
            if not isinstance(structures, list) or not all(
                    isinstance(s, Mapping) and "indicator" in s for s in structures):
                raise DisclosureError(f"{item['label']}: structures must be a list of "
                                      '{"indicator": …, "crime_area": …}', where=str(path),
                                      hint="fix the chapter that writes it")
            out.append({**item, "source": str(path)})
    return out


def _fmt(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, float):
        if math.isinf(x):
            return "no upper bound" if x > 0 else "-∞"
        return f"{x:,.6g}"
    return str(x)


def _entry(row: Mapping[str, Any]) -> str:
    k = row["kind"]
    if k == "cell":
        return f"{row['country']} {row['year']}"
    if k == "country":
        return f"{row['country']} total"
    if k == "year":
        return f"regional total {row['year']}"
    return "grand total"


def _summary(view: PublicView, result: AuditResult,
             publications: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    iv = result.intervals
    rules = view.rules
    by_structure: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for rec in iv.to_dict("records"):
        rec = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in rec.items()}
        by_structure.setdefault((rec["indicator"], rec["crime_area"]), []).append(rec)
    findings_by = {}
    for f in result.findings:
        findings_by.setdefault((f.cell["indicator"], f.cell["crime_area"]), []).append(f.message)
    st = view.structures()

    def structure_block(indicator: str, area: Any) -> list[dict[str, Any]]:
        rows = st[(st["indicator"] == indicator) & ((st["crime_area"] == area) if area
                                                    else True)]
        out = []
        for r in rows.to_dict("records"):
            recs = by_structure.get((r["indicator"], r["crime_area"]), [])
            if "cycle" in r and r["cycle"] is not None:
                recs = [x for x in recs if x.get("cycle") in (r["cycle"], None)]
            out.append({
                "indicator": r["indicator"], "crime_area": r["crime_area"],
                "cycle": r.get("cycle"), "unit": r["unit"], "kind": r["kind"],
                "rules": rules.describe(r["indicator"], r["unit"]),
                "countries": int(r["countries"]), "years": int(r["years"]),
                # an entry a reader can narrow: its width only (its interval would hold
                # the withheld value)
                "primary": [{"entry": _entry(x), "reason": x["reason"], "marker": x["marker"],
                             **({"interval": [x["lo"], x["hi"]]} if x["protected"] else
                                {"width": x["hi"] - x["lo"]}),
                             "protected": x["protected"]}
                            for x in recs if x["status"] == "primary"],
                "complementary": [{"entry": _entry(x), "reason": x["reason"]}
                                  for x in recs if x["status"] == "complementary"],
                "findings": findings_by.get((r["indicator"], r["crime_area"]), []),
            })
        return out

    pubs = []
    covered = set()
    for p in publications:
        blocks = []
        for s in p.get("structures") or ():
            blocks += structure_block(s["indicator"], s.get("crime_area"))
            covered.update((b["indicator"], b["crime_area"]) for b in blocks)
        verdict = "fails" if any(b["findings"] for b in blocks) else "passes"
        if not (p.get("structures") or ()):
            verdict = "not covered by the audit"
        pubs.append({"label": p.get("label"), "caption": p.get("caption", ""),
                     "kind": p.get("kind", ""), "chapter": p.get("chapter", ""),
                     "source": p.get("source", ""), "structures": blocks,
                     "audit": verdict})
    others = [b for r in st.to_dict("records") if (r["indicator"], r["crime_area"]) not in covered
              for b in structure_block(r["indicator"], r["crime_area"])
              if b["primary"] or b["complementary"]]
    reasons = view.cells.loc[view.cells["status"] == "primary", "reason"].value_counts()
    return {
        "verdict": "release" if result.ok else "do not release",
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "rules": {"threshold (persons, groups)": rules.threshold,
                  "threshold (other counts)": rules.min_other_count,
                  "protection ratio": rules.protection_ratio,
                  "dominance": rules.dominance if rules.dominance == "off" else (
                      f"nk n={rules.dominance_n} k={rules.dominance_k}"
                      if rules.dominance == "nk" else f"p={rules.dominance_p}"),
                  "rank countries": rules.rank_countries,
                  "per indicator": {k: {f: getattr(v, f) for f in
                                        ("threshold", "protection_ratio", "dominance")
                                        if getattr(v, f) is not None}
                                    for k, v in rules.indicators.items()}},
        "totals": {"tables": len(st), "cells": len(view.cells),
                   "primary": int((view.cells["status"] == "primary").sum()),
                   "complementary": int((view.cells["status"] == "complementary").sum()),
                   "margins suppressed": int((view.margins["status"] != "published").sum()),
                   "primary by reason": {str(k): int(v) for k, v in reasons.items()},
                   "rows not in the public view (breakdowns, blanks)": view.withheld_rows,
                   "cells published elsewhere (audited as equations)": len(view.elsewhere()),
                   "cells the other publication must withhold": len(view.mask_elsewhere),
                   "suppressed entries audited": len(iv),
                   "linear programmes solved": result.solves,
                   "findings": len(result.findings),
                   "tables and figures listed": len(pubs),
                   "of them not drawn from the public view (not audited)": sum(
                       1 for p in pubs if p["audit"] == "not covered by the audit"),
                   "published numbers equal the restricted ones":
                       result.restricted_equals_public},
        "findings": [f.message for f in result.findings],
        "publications": pubs,
        "other tables": others,
    }


_CSS = """body{font:14px/1.45 system-ui,sans-serif;max-width:60em;margin:2em auto;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
h3{font-size:1.05em}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top}
.verdict{padding:.6em 1em;font-weight:bold;font-size:1.2em}
.release{background:#e3f4e1}.norelease{background:#fbe2e2}.fail{color:#a00}
.small{color:#555;font-size:.9em}"""


def _html(summary: Mapping[str, Any]) -> str:
    e = html.escape
    ok = summary["verdict"] == "release"
    out = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
           "<title>Output check: public edition</title>", f"<style>{_CSS}</style></head><body>",
           "<h1>Output check: public edition</h1>",
           f"<p class='verdict {'release' if ok else 'norelease'}'>Verdict: "
           f"{e(summary['verdict'].upper())}</p>",
           "<p class='small'>Written " + e(summary["written"]) + ". For the person who "
           "authorises release. It names withheld cells but no withheld value.</p>",
           "<h2>Rules applied</h2><table>"]
    for k, v in summary["rules"].items():
        out.append(f"<tr><th>{e(k)}</th><td>{e(json.dumps(v) if isinstance(v, dict) else str(v))}"
                   "</td></tr>")
    out.append("</table><h2>Overall</h2><table>")
    for k, v in summary["totals"].items():
        out.append(f"<tr><th>{e(k)}</th><td>{e(json.dumps(v) if isinstance(v, dict) else str(v))}"
                   "</td></tr>")
    out.append("</table>")
    if summary["findings"]:
        out.append("<h2 class='fail'>Findings: cells a reader can narrow</h2><ul>")
        out += [f"<li class='fail'>{e(m)}</li>" for m in summary["findings"]]
        out.append("</ul>")
    else:
        out.append("<p>The attack audit found no suppressed cell of the questionnaire "
                   "indicators that a reader can work out or narrow below its protection "
                   "interval from what is published (the public view's cells and totals, "
                   "and the figures other tables print for the same cells).</p>")
    uncovered = [p for p in summary["publications"]
                 if p["audit"] == "not covered by the audit"]
    if uncovered:
        out.append("<p>Not covered by the audit (public sources, and the chapters' own "
                   "protected counts): " + e("; ".join(
                       f"{p['label']} ({p['caption']})" for p in uncovered)) + ".</p>")

    def block(b: Mapping[str, Any]) -> None:
        cyc = f", {b['cycle']}" if b.get("cycle") else ""
        out.append(f"<h3>{e(b['indicator'])} ({e(str(b['crime_area']))}{e(cyc)}) · "
                   f"{e(str(b['unit'] or ''))} · {b['countries']} countries × {b['years']} "
                   "years</h3>")
        out.append(f"<p class='small'>Rules: {e(b['rules'])}</p>")
        if b["primary"]:
            out.append("<table><tr><th>primary</th><th>reason</th><th>shown</th>"
                       "<th>a reader can tell</th><th>protected</th></tr>")
            for p in b["primary"]:
                tell = (f"{_fmt(p['interval'][0])} to {_fmt(p['interval'][1])}"
                        if "interval" in p else f"a range {_fmt(p['width'])} wide")
                out.append(f"<tr><td>{e(p['entry'])}</td><td>{e(p['reason'])}</td>"
                           f"<td>{e(p['marker'])}</td><td>{e(tell)}</td>"
                           f"<td>{'yes' if p['protected'] else '<b class=fail>NO</b>'}</td></tr>")
            out.append("</table>")
        if b["complementary"]:
            out.append("<p>Complementary: " + e("; ".join(
                f"{c['entry']} ({c['reason']})" for c in b["complementary"])) + "</p>")
        if not b["primary"] and not b["complementary"]:
            out.append("<p>Nothing suppressed.</p>")
        for m in b["findings"]:
            out.append(f"<p class='fail'>{e(m)}</p>")

    out.append("<h2>Tables and figures</h2>")
    if not summary["publications"]:
        out.append("<p>The chapters listed no publications: the tables below are every "
                   "table of the public view with something suppressed.</p>")
    for p in summary["publications"]:
        out.append(f"<h2>{e(str(p['label']))}: {e(str(p['caption']))}</h2>")
        out.append(f"<p class='small'>{e(str(p['kind']))}, chapter {e(str(p['chapter']))}; "
                   f"audit {e(p['audit'])}</p>")
        if not p["structures"]:
            src = f" (source: {e(str(p['source']))})" if p.get("source") else ""
            out.append(f"<p>Not drawn from the public view of the questionnaire "
                       f"indicators{src}: the audit does not cover it. Public sources are "
                       "printed as published (figures that are also questionnaire cells "
                       "are audited as published elsewhere); counts of groups and bands "
                       "are protected by the chapter's own rule (docs/report.md).</p>")
        for b in p["structures"]:
            block(b)
    if summary["other tables"]:
        out.append("<h2>Other tables of the public view with suppressions</h2>")
        for b in summary["other tables"]:
            block(b)
    out.append("</body></html>")
    return "\n".join(out)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def write_output_check(path: str | os.PathLike[str], view: PublicView, result: AuditResult,
                       *, publications: Sequence[Mapping[str, Any]] = (),
                       unaudited: Sequence[str] = ()) -> Path:
    """Write the output-checking report to ``path`` (HTML; a folder: its
    ``output-check.html``) and the same as JSON beside it; returns the HTML's path.
    ``unaudited``: earlier drafts whose public edition kept no record of what it showed
    (the audit could not take them into account: the report says so)."""
    path = Path(path)
    if path.is_dir() or not path.suffix:
        path = path / REPORT_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    summary = _summary(view, result, list(publications))
    summary["totals"]["earlier public editions audited against"] = list(result.earlier)
    if unaudited:
        summary["totals"]["earlier public editions not audited against (no record of "
                          "what they showed)"] = list(unaudited)
    _atomic_write(path, _html(summary))
    _atomic_write(path.with_suffix(".json"),
                  json.dumps(summary, indent=1, ensure_ascii=False, default=_json_default))
    return path


def _json_default(x: Any) -> Any:
    if isinstance(x, float) and math.isinf(x):
        return None
    if hasattr(x, "item"):
        return x.item()
    return str(x)


def check_release(indicators_restricted: pd.DataFrame, rules: DisclosureRules,
                  out_dir: str | os.PathLike[str],
                  publications: Sequence[Mapping[str, Any]] = (), *,
                  extra: Iterable[Publication] = (),
                  withheld_submissions: Iterable[Any] = (),
                  known: pd.DataFrame | None = None,
                  strict: bool = True) -> tuple[PublicView, AuditResult, list[Path]]:
    """The release check in one call: :func:`make_public_view`, :func:`audit`,
    :func:`write_output_check` into ``out_dir``. ``known``: figures the public edition
    prints from other sources (see :func:`make_public_view`). With ``strict`` (the
    default) a failed audit raises :class:`DisclosureError` after the report is written
    (it names the findings and the report)."""
    view = make_public_view(indicators_restricted, rules,
                            withheld_submissions=withheld_submissions, known=known)
    result = audit(view, extra=extra, publications=publications)
    html_path = write_output_check(Path(out_dir) / REPORT_NAME, view, result,
                                   publications=publications)
    paths = [html_path, html_path.with_suffix(".json")]
    if strict:
        result.raise_if_failed(hint=f"see the output-checking report {html_path}")
    return view, result, paths
