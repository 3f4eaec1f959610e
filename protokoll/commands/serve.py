from __future__ import annotations

import ipaddress
import os
import webbrowser

import click

from protokoll import serve as serving
from protokoll.cli_options import exit_codes, show_personnummer_option


class _Setting(click.types.CompositeParamType):
    """Datasette's own ``--setting NAME VALUE`` type, imported only when the option is used,
    so that every other command starts without loading Datasette."""

    name = "setting"
    arity = 2

    def convert(self, value, param, ctx):
        from datasette.cli import Setting

        return Setting().convert(value, param, ctx)


@click.command(epilog=exit_codes("the database cannot be read, or the port is in use"))
@click.argument("db", type=click.Path())
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback publishes the database.")
@click.option("-p", "--port", default=8001, show_default=True, type=click.IntRange(1, 65535),
              help="Port to listen on.")
@click.option("-o", "--open", "open_browser", is_flag=True, help="Open the site in your web browser.")
@click.option("--archive", type=click.Path(file_okay=False, exists=True),
              help="Directory of the source files: rows link to the file and page in it. "
                   "Nothing outside it is ever served.")
@click.option("--immutable", is_flag=True,
              help="The database will not change while served (faster counts). "
                   "Not while an import writes to it.")
@click.option("--setting", "settings", type=_Setting(), multiple=True,
              help="Override a Datasette setting, e.g. --setting sql_time_limit_ms 3000.")
@show_personnummer_option("every page, API response, CSV/.xlsx download and feed, and send every source file")
def serve(db, host, port, open_browser, archive, immutable, settings, show_personnummer):
    """Browse and search DB in Datasette, read-only. DB may be the folder of an import
    with --shard-by: every database in it is served, and the search page /-/sok searches
    all of them.

    Starts Datasette with protokoll's configuration: Swedish and English titles
    and descriptions, facets (body, year, kind, outcome, organisation, party),
    saved queries (the decision register, decisions by organisation, amount,
    person or date range) and Swedish full-text search in the normal search box
    ("budget" finds "budgeten", "för" never matches "for"). Queries are limited
    to 1 s and 1,000 rows; there is no way to write to the database. A database in a
    folder that cannot be written (a read-only medium) is served as immutable.
    Personal identity numbers (personnummer, samordningsnummer, checked by their
    check digit) are masked in everything served, and source files whose text holds
    one are withheld, unless --show-personnummer is given. Run `protokoll review DB`
    before publishing. Ctrl+C stops the server.

    \b
    Examples:
        protokoll serve protokoll.db
        protokoll serve protokoll.db --archive samples --open
        protokoll serve protokoll.db --port 8080 --setting sql_time_limit_ms 3000
        protokoll serve arkiv/ --archive /archive
        protokoll serve protokoll.db --show-personnummer     # internal use only
    """
    import uvicorn

    serving.check_database(db)
    if not immutable and serving.must_be_immutable(db):
        immutable = True
        click.echo("Note: the database's folder cannot be written (a read-only medium or folder): "
                   "served as immutable, as it is now", err=True)
    ds = serving.datasette(db, archive=archive, immutable=immutable, settings=dict(settings),
                           show_personnummer=show_personnummer)
    sock = serving.bind(host, port)
    url = f"http://{host}:{port}/" + ("" if os.path.isdir(db) else serving.database_name(db))
    click.echo(f"Serving {db} read-only at {url} (Ctrl+C stops)", err=True)
    if not _is_loopback(host):
        click.echo("Note: anyone who can reach this address sees every name in the database; "
                   "see docs/publishing.md", err=True)
    if open_browser:
        webbrowser.open(url)
    server = uvicorn.Server(uvicorn.Config(ds.app(), host=host, port=port, log_level="warning", lifespan="on"))
    with sock:
        server.run(sockets=[sock])  # re-raises a Ctrl+C after shutting down: exit code 130


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
