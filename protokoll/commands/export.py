"""``protokoll export``: the decision register as CSV, .xlsx or JSON (see :mod:`protokoll.export`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from protokoll import export as exporting, paths
from protokoll.cli_options import count, exit_codes, output_options, show_personnummer_option
from protokoll.errors import OutputError, os_reason
from protokoll.store import shards

_SUFFIX_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".jsonl": "nl", ".ndjson": "nl"}
_FLAGS = {"csv": "--csv", "xlsx": "--xlsx", "json": "--json", "nl": "--nl"}


@click.command(epilog=exit_codes("the database cannot be read or the file cannot be written"))
@click.argument("db_path", metavar="DB", type=click.Path(exists=True))
@click.option("--body", help="Only this body (as in meetings.body, any case), e.g. LSVO.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="First meeting date.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), metavar="YYYY-MM-DD", help="Last meeting date.")
@output_options
@click.option("--xlsx", "fmt", flag_value="xlsx", help="Output an Excel workbook (.xlsx).")
@click.option("--dialect", type=click.Choice(sorted(exporting.DIALECTS)), default="excel-sv", show_default=True,
              help="CSV flavour: excel-sv (BOM, ';', decimal comma) or rfc4180 (',', decimal point).")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to this file instead of stdout: .csv, .xlsx, .json, .jsonl or .ndjson "
                   "(the format follows the suffix).")
@show_personnummer_option("the export")
def export(db_path, body, date_from, date_to, fmt, dialect, output, show_personnummer):
    """Export the decision register of DB: one row per decision clause.

    Columns: date, body, paragraph, title, dnr, case key, decision kind and outcome, clause,
    amount (sum of the amounts in the clause), decided amount (only the money the clause
    decides: no financing, breakdowns or comparisons; sum this), amounts, sent to, source
    file and page (the meeting's main source), and every file of the meeting (sources).
    CSV (the default) opens correctly in Swedish Excel; use --dialect rfc4180 for
    other programs. Text that starts with = + - @ never runs as a formula.
    Personal identity numbers are masked (19121212-XXXX) unless --show-personnummer.
    DB is only read: it may be on a read-only medium. --body names a body in any
    case ("lsvo"). When the filters leave no rows, stderr says so (and lists the
    bodies if --body names none of them); the export then has only its header.
    DB may be the folder of an import with --shard-by: its databases are exported as
    one register, in date order.

    \b
    Examples:
        protokoll export protokoll.db --body LSVO --from 2024-01-01 --to 2024-12-31 -o lsvo-2024.csv
        protokoll export protokoll.db --xlsx -o beslutsregister.xlsx
        protokoll export protokoll.db --csv --dialect rfc4180 > register.csv
        protokoll export protokoll.db --json --body LSVO | jq '.[0]'
        protokoll export arkiv/ -o beslutsregister.csv
    """
    output = None if output == "-" else output
    fmt = _format(fmt, output)
    if fmt == "xlsx" and not output and sys.stdout.isatty():
        raise click.UsageError("an .xlsx workbook is binary: give -o FILE.xlsx or redirect stdout (> FILE.xlsx)")
    if date_from and date_to and date_from > date_to:
        raise click.BadParameter("--from is after --to", param_hint="'--from'")
    if output:
        paths.check_writable(output)
    date_from, date_to = (d and d.date().isoformat() for d in (date_from, date_to))
    rows = exporting.register_of(shards.read_each(db_path), body=body, date_from=date_from, date_to=date_to,
                                 mask=not show_personnummer)
    data = {
        "csv": lambda: exporting.to_csv(rows, dialect),
        "xlsx": lambda: exporting.to_xlsx(rows),
        "json": lambda: exporting.to_json(rows),
        "nl": lambda: exporting.to_nl(rows),
    }[fmt]()
    _write(output, data)
    if not rows:
        _nothing_matched(db_path, body, date_from, date_to)
    elif output:
        click.echo(f"{count(len(rows), 'row')} written to {output}", err=True)


def _nothing_matched(db_path, body, date_from, date_to) -> None:
    """Say on stderr that the export has no rows, and why: which filter found nothing."""
    if body is not None and not [b for db in shards.read_each(db_path) for b in exporting.bodies(db, body)]:
        known = ", ".join(sorted({b for db in shards.read_each(db_path) for b in exporting.bodies(db)})) or "none"
        click.echo(f'Nothing matched: no meeting of the body "{body}" (the bodies are: {known}); '
                   "the export has only the header.", err=True)
        return
    what = ", ".join(x for x in (body and f"body {body}", date_from and f"from {date_from}",
                                 date_to and f"to {date_to}") if x)
    click.echo(f"Nothing matched: no decisions{f' ({what})' if what else ''}; the export has only the header.",
               err=True)


def _format(fmt: str | None, output: str | None) -> str:
    """The output format: from the flag and the -o suffix, which must agree."""
    if not output:
        return fmt or "csv"
    suffix = Path(output).suffix.lower()
    named = _SUFFIX_FORMATS.get(suffix)
    if named is None:
        raise click.BadParameter(
            f"{'unknown extension ' + suffix if suffix else 'no extension'} in {output}: "
            "use .csv, .xlsx, .json, .jsonl or .ndjson", param_hint="'-o'")
    if fmt and fmt != named:
        raise click.BadParameter(f"{output} names a {suffix} file but {_FLAGS[fmt]} was given: "
                                 "drop the flag or change the name", param_hint="'-o'")
    return named


def _write(output: str | None, data: bytes) -> None:
    if not output:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        with open(output, "wb") as f:
            f.write(data)
    except OSError as e:
        raise OutputError(os_reason(e), path=output) from None
