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


from protokoll.commands import export, ingest, load, parse, serve, status, text  # noqa: E402

for _command in (text.text, parse.parse, ingest.ingest, status.status, load.load, export.export, serve.serve):
    cli.add_command(_command)
