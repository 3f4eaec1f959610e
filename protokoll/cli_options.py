"""Option decorators shared by the commands (like sqlite-utils' output options)."""

from __future__ import annotations

import csv
import io
import json
import sys

import click

# The exit codes of every command (README "The commands", each command's --help).
EXIT_OK = 0
EXIT_FAILED = 1  # a file failed, or the database, output file or port could not be used
EXIT_USAGE = 2  # click's own code for a wrong option or argument
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as a shell reports it
EXIT_BROKEN_PIPE = 141  # the program reading stdout stopped early (128 + SIGPIPE)


def exit_codes(failed: str) -> str:
    """The --help epilogue listing the exit codes; ``failed`` says what 1 means for the command."""
    return (
        "\b\nExit codes (an Error: or Failed: line on stderr says why):\n"
        "  0    ok\n"
        f"  1    {failed}\n"
        "  2    usage error: a wrong option or argument\n"
        "  130  interrupted (Ctrl-C)\n"
        "  141  the program reading the output stopped early (| head)"
    )


def count(n: int, one: str, many: str | None = None) -> str:
    """ "1 file", "2 files": a number and the noun in the right number."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def output_options(fn):
    """--json / --nl / --csv output formats."""
    fn = click.option("--csv", "fmt", flag_value="csv", help="Output CSV.")(fn)
    fn = click.option("--nl", "fmt", flag_value="nl", help="Output newline-delimited JSON.")(fn)
    fn = click.option("--json", "fmt", flag_value="json", help="Output JSON.")(fn)
    return fn


def show_personnummer_option(what: str):
    """--show-personnummer: personal identity numbers as stored, not masked."""
    return click.option(
        "--show-personnummer", is_flag=True,
        help=f"Show personal identity numbers (personnummer, samordningsnummer) as stored in {what}. "
             "By default they are masked (19121212-XXXX): under the GDPR an identity number is "
             "personal data that publishing seldom needs, so it is left out unless you have a "
             "lawful reason to show it.")


def silent_option(fn):
    return click.option("-s", "--silent", is_flag=True, help="No progress output on stderr.")(fn)


def progress_enabled(silent: bool) -> bool:
    return not silent and sys.stderr.isatty()


def emit_rows(rows: list[dict], fmt: str | None, *, default: str = "table") -> None:
    """Print rows as JSON, newline-delimited JSON, CSV or an aligned table."""
    fmt = fmt or default
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "nl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        buf = io.StringIO()
        if rows:
            w = csv.DictWriter(buf, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)
        click.echo(buf.getvalue(), nl=False)
    else:
        if not rows:
            return
        cols = list(rows[0].keys())
        widths = {c: max(len(str(c)), *(len(_cell(r.get(c))) for r in rows)) for c in cols}
        click.echo("  ".join(str(c).ljust(widths[c]) for c in cols))
        click.echo("  ".join("-" * widths[c] for c in cols))
        for r in rows:
            click.echo("  ".join(_cell(r.get(c)).ljust(widths[c]) for c in cols))


def _cell(v) -> str:
    """A table cell: a missing value shows as "–" (JSON and CSV keep null/empty)."""
    return "–" if v is None else str(v)
