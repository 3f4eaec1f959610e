"""``protokoll ingest``: bulk import of whole archives (see :mod:`protokoll.pipeline`)."""

from __future__ import annotations

import json
import os
import signal
import sys
from contextlib import ExitStack

import click
from click.core import ParameterSource

from protokoll import ingest as reading, log, paths, pipeline, store
from protokoll.cli_options import EXIT_INTERRUPTED, count, exit_codes, progress_enabled, silent_option
from protokoll.errors import DatabaseBusy, DatabaseError, ProtokollError
from protokoll.pipeline.walk import is_url
from protokoll.progress import Progress
from protokoll.store import shards


def _cluster_address(ctx, param, value):
    if value is None:
        return None
    from protokoll.pipeline.cluster import check_address

    try:
        return check_address(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


class _Archive(click.Path):
    """A file or folder that exists, or a URL that fsspec opens (``s3://bucket/archive``),
    checked when the import walks it."""

    def __init__(self):
        super().__init__(exists=True)

    def convert(self, value, param, ctx):
        if is_url(value):
            return str(value)
        return super().convert(value, param, ctx)


@click.command(epilog=exit_codes("some file failed, or the database cannot be written"))
@click.argument("archive", nargs=-1, required=True, type=_Archive())
@click.option("--db", "db_path", required=True, type=click.Path(),
              help="The SQLite database to fill; with --shard-by, the folder of databases.")
@click.option("--shard-by", type=click.Choice(shards.BY),
              help="Write one database per year of the meeting (FOLDER/2024.db) or per body "
                   "(FOLDER/kommunstyrelsen.db) into the folder --db; failures go to FOLDER/_failures.db. "
                   "Every later import into the folder needs the same --shard-by.")
@click.option("-w", "--workers", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="all cores",
              help="Worker processes reading files in parallel.")
@click.option("--cluster", metavar="ADDRESS", callback=_cluster_address,
              help="Read the files on a Dask cluster: its scheduler's tcp://HOST:PORT (every worker must see "
                   "ARCHIVE at the same path), or 'local' for a cluster of --workers processes on this machine. "
                   "The database is written here.")
@click.option("--retry-failed", is_flag=True, help="Try files that failed in an earlier import again.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=pipeline.DEFAULT_TIMEOUT,
              show_default=True, help="Seconds one file may take before its worker is stopped.")
@click.option("--max-size", type=click.IntRange(min=1), default=reading.DEFAULT_MAX_SIZE, show_default=True,
              help="Refuse files larger than this many bytes.")
@click.option("--max-memory", type=click.IntRange(min=64), default=pipeline.DEFAULT_MAX_MEMORY, show_default=True,
              help="Memory one file may take in a worker, in MB, on top of the worker's start-up footprint.")
@click.option("--files-per-worker", type=click.IntRange(min=1), default=pipeline.DEFAULT_FILES_PER_WORKER,
              show_default=True, help="Replace each worker by a fresh one after this many files (bounds memory).")
@click.option("--tag/--no-tag", default=True, show_default=True,
              help="Tag people, organisations, amounts and dates with spaCy.")
@click.option("--prune", is_flag=True,
              help="After the import, forget stored paths under ARCHIVE whose files are gone (moved, renamed, "
                   "deleted); a document left without a path is deleted. Folders that cannot be listed or hold "
                   "no files are left alone.")
@silent_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary; failures are still named.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option("-v", "--verbose", count=True, help="Log every file to stderr (-vv: more).")
@click.option("--log-json", is_flag=True, help="Log one JSON object per line to stderr.")
def ingest(archive, db_path, shard_by, workers, cluster, retry_failed, timeout, max_size, max_memory, files_per_worker,
           tag, prune, silent, quiet, as_json, verbose, log_json):
    """Import every protocol in ARCHIVE (folders, files, .zip archives) into the database.

    ARCHIVE may also be a URL that fsspec opens (s3://…, with its package, e.g. s3fs,
    installed here and on every worker).

    Files are chosen by content; others are skipped with a reason. Files already
    imported (same bytes) are skipped in milliseconds, so the import can be stopped at
    any moment (Ctrl-C, kill) and run again to continue, e.g. every night. A file
    that fails is recorded with its reason and does not stop the import.

    Paths of files that have gone stay in the database unless --prune is given: then
    a renamed file keeps only its new path and a deleted file's document goes.

    \b
    Examples:
        protokoll ingest archive/ --db protokoll.db
        protokoll ingest 2023.zip 2024/ --db protokoll.db --workers 2 --timeout 600
        protokoll ingest archive/ --db protokoll.db --retry-failed --json
        protokoll ingest archive/ --db protokoll.db --prune
        protokoll ingest archive/ --db protokoll.db --quiet --log-json 2> import.log
        protokoll ingest archive/ --db arkiv/ --shard-by year
        protokoll ingest /mnt/archive --db arkiv.db --cluster tcp://sched:8786
        protokoll ingest archive/ --db protokoll.db --cluster local --workers 2
        protokoll ingest s3://bucket/archive --db arkiv.db --cluster tcp://sched:8786
    """
    ctx = click.get_current_context()
    if cluster not in (None, "local") and ctx.get_parameter_source("workers") != ParameterSource.DEFAULT:
        raise click.UsageError("--workers is for --cluster local: on a cluster, each worker host sets its own "
                               "(dask worker --nthreads N)")
    logging_on = log.configure(verbose, log_json)
    quiet = quiet or silent
    lock_path = _check_target(db_path, shard_by)  # before the walk: fail in a second
    signal.signal(signal.SIGTERM, _interrupt)
    with _locked(lock_path, db_path):
        db = shards.Shards.create(db_path, shard_by) if shard_by else store.open(db_path)
        progress = Progress(label="ingest", enabled=progress_enabled(quiet) and not logging_on)
        with progress:
            try:
                summary = pipeline.import_archive(
                    archive, db, workers=workers, retry_failed=retry_failed, timeout=timeout, max_size=max_size,
                    max_memory_mb=max_memory, tag=tag, files_per_worker=files_per_worker, progress=progress,
                    prune=prune, cluster=cluster,
                )
            except ProtokollError as e:
                if tag and e.reason.startswith("a worker could not start"):
                    e.hint = f"{e.hint}, or import with --no-tag"
                raise
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    report(summary, quiet)
    sys.exit(EXIT_INTERRUPTED if summary.interrupted else summary.exit_code)


def _check_target(db_path: str, shard_by: str | None) -> str:
    """What --db and --shard-by say together, checked; the path the import's lock goes beside."""
    if not shard_by:
        if os.path.isdir(db_path):
            found = shards.shard_by(db_path)
            raise click.UsageError(f"--db {db_path} is a folder: " + (
                f"it holds databases sharded by {found}: add --shard-by {found}" if found
                else "give a database file, or --shard-by year|body for a folder of databases"))
        paths.check_writable(db_path, DatabaseError, folder_too=True)
        return db_path
    if os.path.isfile(db_path) or (not os.path.exists(db_path) and db_path.endswith(".db")):
        raise click.UsageError(f"--shard-by writes a folder of databases, but --db {db_path} names a file: "
                               "give a folder (arkiv/), or drop --shard-by")
    folder = os.path.abspath(db_path)
    if not os.path.isdir(folder):
        paths.check_writable(folder, DatabaseError)  # its parent must let it be made
        os.makedirs(folder)
    paths.check_writable(os.path.join(folder, shards.MARKER), DatabaseError, folder_too=True)
    return os.path.join(folder, shards.MARKER)


def _locked(lock_path: str, db_path: str) -> ExitStack:
    """The import's lock (one for a whole folder of shards), with a busy folder named as such."""
    stack = ExitStack()
    try:
        stack.enter_context(pipeline.lock(lock_path))
    except DatabaseBusy as e:
        if lock_path == db_path:
            raise
        raise DatabaseBusy(e.reason.replace("this database", "this folder of databases"), path=db_path) from None
    return stack


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def report(s: pipeline.Summary, quiet: bool, *, skipped: bool = True) -> None:
    """The summary on stderr: a line of counts, then every failure by name (also `load`'s)."""
    if not quiet:
        done = f"{s.imported} imported ({count(s.pages, 'page')})"
        rest = [f"{s.unchanged} unchanged", count(s.duplicates, "duplicate")]
        rest += [f"{len(s.skipped)} skipped"] if skipped else []
        rest += [f"{len(s.failed)} failed"] + ([count(len(s.pruned), "path") + " pruned"] if s.pruned else [])
        rate = f" in {s.seconds:.1f} s ({s.files / s.seconds:.1f} files/s)" if s.seconds else ""
        click.echo(f"{count(s.files, 'file')}{rate}: {done}, " + ", ".join(rest), err=True)
        for path, reason in s.skipped:
            click.echo(f"Skipped: {path}: {reason}", err=True)
    for f in s.failed:
        click.echo(f"Failed: {f.path}: {f.reason} ({f.stage}, {f.code})", err=True)
    if s.failed_earlier:
        click.echo(f"Failed in an earlier import ({len(s.failed_earlier)}; --retry-failed tries them again):",
                   err=True)
        for path in s.failed_earlier:
            click.echo(f"  {path}", err=True)
    if s.interrupted:
        click.echo("Interrupted: run the same command again to continue.", err=True)
