"""``octasee index``: compute any composite index from a spec (or a metadata table) and a
wide table.

The command is a click command object, :data:`index_command`, registered in the main
``octasee`` group as ``index``. Errors a user can cause (a bad spec, a missing indicator,
an unreadable table) are raised as octasee's errors, naming the file and line; the
``octasee`` group (:mod:`octasee.cli`) prints each as one message and exits with code 1
(usage errors 2), never with a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from octasee.errors import ScoringError, UsageError
from octasee.questionnaire.problems import safe_cell
from octasee.scoring.meta import read_table
from octasee.scoring.model import Model, from_meta, load_spec

__all__ = ["index_command"]


STAGES = ("raw", "screened", "denominated", "imputed", "treated", "normalised")


@click.command("index")
@click.option("--spec", "spec_path", default=None, metavar="SPEC",
              help="The index spec (YAML or TOML), or a shipped spec name such as gitoc_2023. "
                   "With --meta, only its steps and output options are used.")
@click.option("--meta", "meta_path", default=None, metavar="META.csv",
              type=click.Path(exists=True, dir_okay=False),
              help="An indicator metadata table (COINr's iMeta: iCode, Level, Direction, "
                   "Weight, Parent, Type …) giving the tree instead of a spec.")
@click.option("--data", "data_path", required=True, metavar="TABLE.csv",
              type=click.Path(exists=True, dir_okay=False),
              help="Wide table: one row a unit, one column an indicator.")
@click.option("--denominators", "den_path", default=None, metavar="DENOMS.csv",
              type=click.Path(exists=True, dir_okay=False),
              help="A separate table of denominators: one row a unit, one column a "
                   "denominator.")
@click.option("--unit", default=None, metavar="COLUMN",
              help="The unit column with --meta and no spec (default uCode).")
@click.option("--start", type=click.Choice(STAGES), default=None,
              help="The stage the data is at: the steps up to it are not run again "
                   "(normalised data is not flipped a second time).")
@click.option("--out", "out_path", required=True, metavar="RESULT.csv",
              type=click.Path(dir_okay=False), help="Where to write the result table.")
@click.option("--stages", "stages_dir", default=None, metavar="DIR",
              type=click.Path(file_okay=False),
              help="Also write every stage (raw … aggregated), unrounded, as DIR/<stage>.csv.")
@click.option("--digits", type=click.IntRange(min=0), default=None,
              help="Decimals in the output (default: the spec's output.digits).")
@click.option("--previous", "previous_path", default=None, metavar="TABLE.csv",
              type=click.Path(exists=True, dir_okay=False),
              help="The previous cycle's table, for 'impute: previous'.")
@click.option("--show-log", is_flag=True, help="Print every step with its arguments.")
@click.option("--check-published", is_flag=True,
              help="Compare with the spec's published columns; exit 1 on any mismatch.")
def index_command(spec_path: str | None, meta_path: str | None, data_path: str,
                  den_path: str | None, unit: str | None, start: str | None, out_path: str,
                  stages_dir: str | None, digits: int | None, previous_path: str | None,
                  show_log: bool, check_published: bool) -> None:
    """Compute a composite index: one row a unit, a column for every node, a rank per aggregate.

    The model comes from a spec (--spec) or from an indicator metadata table (--meta,
    optionally with --spec for the steps).
    """
    if spec_path is None and meta_path is None:
        raise UsageError("give --spec SPEC or --meta META.csv (or both)")
    model = _model(spec_path, meta_path, unit)
    data = read_table(data_path, what="data table")
    previous = read_table(previous_path, what="data table") if previous_path else None
    denominators = read_table(den_path, what="denominators table") if den_path else None
    result = model.run(data, previous=previous, denominators=denominators, start=start)
    table = result.to_frame(digits=digits)
    # unit names come from the analyst's table: nothing in them may run in a spreadsheet
    text = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
    table[text] = table[text].map(safe_cell)
    try:
        table.to_csv(out_path, index=False)
    except OSError as exc:
        raise ScoringError(f"cannot write the result: {exc.strerror}", where=out_path) from None
    click.echo(f"{model.name}: {len(table)} units, {len(model.indicators)} indicators, "
               f"{len(model.aggregates)} aggregates -> {out_path}")
    removed = result.screened_out
    if removed:  # the screen step: the units left out of the result, and why
        click.echo(f"  screened out {len(removed)} units (not in the result):")
        for u, why in removed.items():
            click.echo(f"    {safe_cell(u)}: {why}")
    if stages_dir:
        _write_stages(result, Path(stages_dir), safe_cell)
        click.echo(f"  stages {', '.join(result.stages)} (unrounded) -> {stages_dir}")
    if show_log:
        for entry in result.log:
            click.echo(f"  {entry}")
    if check_published:
        cmp = result.compare_published(digits=digits)
        bad = cmp[~cmp["match"]]
        click.echo(f"published composites: {len(cmp)} compared, {len(bad)} mismatches")
        if len(bad):
            click.echo(bad.head(20).to_string(index=False))
            raise ScoringError(f"{len(bad)} composites differ from the published values")


def _model(spec_path: str | None, meta_path: str | None, unit: str | None) -> Model:
    if meta_path is None:
        model = load_spec(str(spec_path))
        if unit:
            model = model.variant(unit=unit)
        return model
    if spec_path is None:
        return from_meta(meta_path, unit=unit or "uCode")
    base = load_spec(spec_path).spec
    raw = {k: v for k, v in base.raw.items() if k not in ("tree", "weights", "meta")}
    if unit:
        raw["unit"] = unit
    raw.setdefault("unit", "uCode")
    return from_meta(meta_path, **raw)


def _write_stages(result: Any, folder: Path, safe_cell: Any) -> None:
    """Every stage as ``<stage>.csv``: the unit column, then one column a node, unrounded
    (floats written as the shortest text that reads back to the same number)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        unit = result.model.spec.unit
        for name, frame in result.stages.items():
            out = frame.reset_index()
            out = out.rename(columns={out.columns[0]: unit})
            out[unit] = out[unit].map(safe_cell)
            out.to_csv(folder / f"{name}.csv", index=False)
    except OSError as exc:
        raise ScoringError(f"cannot write the stages: {exc.strerror}", where=str(folder)) from None
