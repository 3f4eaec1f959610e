"""The command-line interface: a thin click layer over the Python API.

Each command lives in ``protokoll/commands/<name>.py`` and is registered below.
Library errors (:class:`protokoll.errors.ProtokollError`), and the errors of the
operating system and of SQLite that reach this far, become one `Error:` line and a
`Hint:` line; the exit codes are :data:`protokoll.cli_options.EXIT_CODES`.
"""

from __future__ import annotations

import os
import sqlite3
import sys

import click

from protokoll import __version__, cli_hints
from protokoll.cli_options import EXIT_BROKEN_PIPE, EXIT_FAILED, EXIT_INTERRUPTED
from protokoll.errors import DatabaseError, ProtokollError, os_reason


class ProtokollGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ProtokollError as e:
            _fail(e)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:  # `protokoll … | head`: the reader has all it wanted
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no error at exit's flush
            sys.exit(EXIT_BROKEN_PIPE)
        except OSError as e:  # a file or the output that the command's own checks did not foresee
            reason = os_reason(e) if e.filename else f"the output cannot be written: {os_reason(e)}"
            _fail(ProtokollError(reason, path=e.filename, hint="check the path, the free space and your permissions"))
        except sqlite3.Error as e:
            _fail(DatabaseError(" ".join(str(e).split()) or "the database could not be read"))


def _fail(e: ProtokollError):
    click.echo(f"Error: {e.one_line()}", err=True)
    hint = cli_hints.hint(e)
    if hint:
        click.echo(f"Hint: {hint}", err=True)
    sys.exit(EXIT_FAILED)


@click.group(cls=ProtokollGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="protokoll")
def cli():
    """Turn Swedish meeting minutes (protokoll) into structured, searchable data.

    \b
    Typical use:
        protokoll text samples/lsvo-2024-12-13.docx      # the extracted blocks
        protokoll parse samples/aldras.pdf --json        # meeting, items, decisions
        protokoll ingest archive/ --db protokoll.db      # bulk import, resumable
        protokoll serve protokoll.db                     # browse in Datasette

    Run `protokoll COMMAND --help` for each command's options and examples.
    """


from protokoll.commands import export, ingest, load, parse, review, serve, status, text  # noqa: E402

for _command in (text.text, parse.parse, ingest.ingest, status.status, load.load, export.export, serve.serve, review.review):
    cli.add_command(_command)
