"""``protokoll export``: the decision register as CSV, .xlsx or JSON (see :mod:`protokoll.export`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from protokoll import export as exporting, store
from protokoll.cli_options import output_options

_SUFFIX_FORMATS = {".xlsx": "xlsx", ".json": "json", ".jsonl": "nl", ".ndjson": "nl", ".csv": "csv"}


@click.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False))
@click.option("--body", help="Only this body (as in meetings.body), e.g. LSVO.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="First meeting date.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="Last meeting date.")
@output_options
@click.option("--xlsx", "fmt", flag_value="xlsx", help="Output an Excel workbook (.xlsx).")
@click.option("--dialect", type=click.Choice(sorted(exporting.DIALECTS)), default="excel-sv", show_default=True,
              help="CSV flavour: excel-sv (BOM, ';', decimal comma) or rfc4180 (',', decimal point).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file (format from its suffix unless given) instead of stdout.")
def export(db_path, body, date_from, date_to, fmt, dialect, output):
    """Export the decision register of DB: one row per decision clause.

    Columns: date, body, paragraph, title, dnr, decision kind and outcome, clause,
    amount (sum of the amounts in the clause), decided amount (only the money the clause
    decides: no financing, breakdowns or comparisons; sum this), amounts, sent to, source
    file and page.
    CSV (the default) opens correctly in Swedish Excel; use --dialect rfc4180 for
    other programs. Text that starts with = + - @ never runs as a formula.

    \b
    Examples:
        protokoll export protokoll.db --body LSVO --from 2024-01-01 --to 2024-12-31 -o lsvo-2024.csv
        protokoll export protokoll.db --xlsx -o beslutsregister.xlsx
        protokoll export protokoll.db --csv --dialect rfc4180 > register.csv
        protokoll export protokoll.db --json --body LSVO | jq '.[0]'
    """
    fmt = fmt or (_SUFFIX_FORMATS.get(Path(output).suffix.lower(), "csv") if output else "csv")
    if fmt == "xlsx" and not output and sys.stdout.isatty():
        raise click.UsageError("an .xlsx workbook is binary: give -o FILE or redirect stdout")
    rows = exporting.register(
        store.open(db_path), body=body,
        date_from=date_from and date_from.date().isoformat(), date_to=date_to and date_to.date().isoformat(),
    )
    data = {
        "csv": lambda: exporting.to_csv(rows, dialect),
        "xlsx": lambda: exporting.to_xlsx(rows),
        "json": lambda: exporting.to_json(rows),
        "nl": lambda: exporting.to_nl(rows),
    }[fmt]()
    with click.open_file(output or "-", "wb") as f:
        f.write(data)
