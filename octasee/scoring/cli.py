"""``octasee index``: compute any composite index from a spec and a wide table.

The command is a click command object, :data:`index_command`, registered in the main
``octasee`` group as ``index``. Errors a user can cause (a bad spec, a missing indicator,
an unreadable table) are printed as one message with the file and line, and exit with
code 1 (usage errors 2), never as a traceback.
"""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from octasee.errors import OctaseeError, ScoringError, UsageError
from octasee.scoring.model import load_spec

__all__ = ["index_command"]


def _read_table(path: str) -> pd.DataFrame:
    p = Path(path)
    try:
        if p.suffix.lower() in (".xlsx", ".xls"):
            return pd.read_excel(p)
        return pd.read_csv(p, encoding="utf-8-sig", sep=None, engine="python")
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ScoringError(f"cannot read the data table: {exc}", where=str(path),
                           hint="give a CSV (one row a unit, one column an indicator)") from None


@click.command("index")
@click.option("--spec", "spec_path", required=True, metavar="SPEC",
              help="The index spec (YAML or TOML), or a shipped spec name such as gitoc_2023.")
@click.option("--data", "data_path", required=True, metavar="TABLE.csv",
              type=click.Path(exists=True, dir_okay=False),
              help="Wide table: one row a unit, one column an indicator.")
@click.option("--out", "out_path", required=True, metavar="RESULT.csv",
              type=click.Path(dir_okay=False), help="Where to write the result table.")
@click.option("--digits", type=click.IntRange(min=0), default=None,
              help="Decimals in the output (default: the spec's output.digits).")
@click.option("--previous", "previous_path", default=None, metavar="TABLE.csv",
              type=click.Path(exists=True, dir_okay=False),
              help="The previous cycle's table, for 'impute: previous'.")
@click.option("--show-log", is_flag=True, help="Print every step with its arguments.")
@click.option("--check-published", is_flag=True,
              help="Compare with the spec's published columns; exit 1 on any mismatch.")
def index_command(spec_path: str, data_path: str, out_path: str, digits: int | None,
                  previous_path: str | None, show_log: bool, check_published: bool) -> None:
    """Compute a composite index: one row a unit, a column for every node, a rank per aggregate."""
    try:
        model = load_spec(spec_path)
        data = _read_table(data_path)
        previous = _read_table(previous_path) if previous_path else None
        result = model.run(data, previous=previous)
        table = result.to_frame(digits=digits)
        # unit names come from the analyst's table: nothing in them may run in a spreadsheet
        from octasee.questionnaire.problems import safe_cell

        text = [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c])]
        table[text] = table[text].map(safe_cell)
        try:
            table.to_csv(out_path, index=False)
        except OSError as exc:
            raise ScoringError(f"cannot write the result: {exc.strerror}", where=out_path) from None
        click.echo(f"{model.name}: {len(table)} units, {len(model.indicators)} indicators, "
                   f"{len(model.aggregates)} aggregates -> {out_path}")
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
    except UsageError as exc:
        raise click.UsageError(exc.message) from None
    except OctaseeError as exc:
        raise click.ClickException(exc.message) from None
