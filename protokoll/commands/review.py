"""``protokoll review``: what to look at before publishing a database (see :mod:`protokoll.review`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from protokoll import export, review as reviewing, store
from protokoll.cli_options import count, exit_codes
from protokoll.store import shards

# The table's columns and how many characters of each it shows (CSV and JSON give all).
TABLE = {"date": 10, "body": 24, "paragraph": 8, "title": 48, "reason": 19, "detail": 72, "link": 60}


@click.command(epilog=exit_codes("the database cannot be read"))
@click.argument("db_path", metavar="DB", type=click.Path(exists=True))
@click.option("--csv", "fmt", flag_value="csv",
              help="Output CSV for Swedish Excel (UTF-8 with BOM, ';'), every column in full.")
@click.option("--json", "fmt", flag_value="json", help="Output JSON: a list of rows, every column in full.")
def review(db_path, fmt):
    """List what to look at in DB before publishing it: one row per item and reason.

    \b
    Reasons:
      personnummer         the item holds a personal identity number or samordningsnummer
                           (check digit valid); the detail shows them masked
      private individual   people named in the item who are neither in the meeting's
                           attendance nor known anywhere in DB as members or officials
      confidential matter  words of a typically confidential matter (individärende,
                           bistånd enligt SoL/LSS, LVU, placering, vårdnad, umgänge,
                           elevärende, sekretess, OSL 26 kap.)

    Columns: date, body, § (as written), title, reason, detail, link (the item's
    page under `protokoll serve`), source file and page. `protokoll serve` and
    `protokoll export` mask personnummer already; names and confidential matters
    need a human decision. DB is only read; it may be the folder of an import with
    --shard-by. The summary goes to stderr.

    \b
    Examples:
        protokoll review protokoll.db
        protokoll review protokoll.db --csv > granska.csv
        protokoll review protokoll.db --json | jq '.[] | select(.reason == "personnummer")'
    """
    rows = []
    for name, path in _databases(db_path):
        db = store.open_read(path)
        try:
            rows += reviewing.review(db, database=name)
        finally:
            db.close()
    if fmt == "csv":
        sys.stdout.buffer.write(export.to_csv(rows, columns=reviewing.COLUMNS))
        sys.stdout.buffer.flush()
    elif fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        _table(rows)
    items = len({r["link"] for r in rows})
    click.echo(f"{count(len(rows), 'row')} in {count(items, 'item')} to look at before publishing", err=True)


def _databases(db_path) -> list[tuple[str, Path]]:
    if Path(db_path).is_dir():
        return [(Path(p).stem, Path(p)) for _name, p in shards.databases(db_path)]
    return [(Path(db_path).stem, Path(db_path))]


def _table(rows: list[dict]) -> None:
    if not rows:
        return
    cells = [{c: _cut(r[c], n) for c, n in TABLE.items()} for r in rows]
    heads = {c: "§" if c == "paragraph" else c for c in TABLE}
    widths = {c: max(len(heads[c]), *(len(r[c]) for r in cells)) for c in TABLE}
    click.echo("  ".join(heads[c].ljust(widths[c]) for c in TABLE).rstrip())
    click.echo("  ".join("-" * widths[c] for c in TABLE))
    for r in cells:
        click.echo("  ".join(r[c].ljust(widths[c]) for c in TABLE).rstrip())


def _cut(value, width: int) -> str:
    text = "–" if value is None else " ".join(str(value).split())
    return text if len(text) <= width else text[:width - 1] + "…"
