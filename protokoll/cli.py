"""The command-line interface: a thin click layer over the Python API.

Each command lives in ``protokoll/commands/<name>.py`` and is registered below.
Library errors (:class:`protokoll.errors.ProtokollError`) become one-line messages
with a hint and exit code 1; usage errors exit 2.
"""

from __future__ import annotations

import sys

import click

from protokoll import __version__
from protokoll.errors import ProtokollError


class ProtokollGroup(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ProtokollError as e:
            click.echo(f"Error: {e.one_line()}", err=True)
            if e.hint:
                click.echo(f"Hint: {e.hint}", err=True)
            sys.exit(1)


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


from protokoll.commands import text as _text  # noqa: E402
from protokoll.commands import ingest as _ingest, status as _status  # noqa: E402
from protokoll.commands import serve as _serve  # noqa: E402

cli.add_command(_text.text)
cli.add_command(_ingest.ingest)
cli.add_command(_status.status)
cli.add_command(_serve.serve)
from protokoll.commands import parse as _parse  # noqa: E402

cli.add_command(_parse.parse)
from protokoll.commands import export as _export, load as _load  # noqa: E402

cli.add_command(_load.load)
cli.add_command(_export.export)
