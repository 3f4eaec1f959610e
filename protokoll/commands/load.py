"""``protokoll load``: parse files and save them into a database, one transaction each."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import click

from protokoll import bulk, store
from protokoll.cli_options import progress_enabled, silent_option
from protokoll.errors import ProtokollError
from protokoll.progress import Progress


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False), help="The SQLite database to fill.")
@click.option("--tag/--no-tag", default=True, show_default=True,
              help="Tag people, organisations, amounts and dates with spaCy.")
@silent_option
def load(files, db_path, tag, silent):
    """Parse each FILE and save it into the --db database (created if missing).

    Each file is saved in one transaction. Loading the same bytes again changes
    nothing; new bytes at the same path replace the earlier version. A file that
    cannot be read or parsed is recorded as failed with its reason, named on stderr,
    and the others are still loaded. Exit code 1 if any file failed.
    For whole archives, in parallel and resumable, use `protokoll ingest`.

    \b
    Examples:
        protokoll load samples/lsvo-2024-12-13.docx --db protokoll.db
        protokoll load samples/*.pdf samples/aldras.txt --db protokoll.db --no-tag
    """
    db = store.open(db_path)
    nlp = _load_nlp() if tag else None
    known = store.known(db)
    failed = 0
    with Progress(total=len(files), label="load", enabled=progress_enabled(silent)) as progress:
        for path in files:
            reason = _load_one(db, path, nlp, known)
            if reason:
                failed += 1
                click.echo(f"Failed: {path}: {reason}", err=True)
            progress.update(failed=bool(reason))
    sys.exit(1 if failed else 0)


def _load_one(db, path: str, nlp, known: dict[str, str]) -> str | None:
    """Save one file; the one-line reason if it failed, else None."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        return e.strerror or str(e)
    sha = hashlib.sha256(data).hexdigest()
    # known bytes at a new path; imported again if an earlier file took their last path
    if known.get(sha) == "ok" and bulk._add_path(db, sha, path, {}, known):
        return None
    result = bulk.convert(path, data, nlp=nlp)
    if isinstance(result, bulk.Failure):
        store.record_failure(db, path=path, sha256=sha, format=Path(path).suffix.lstrip(".").lower() or None,
                             error=result, stage=result.stage, size=len(data))
        return f"{result.reason} ({result.stage}, {result.code})"
    try:
        store.save(db, result, path=path)
    except ProtokollError as e:
        return f"{e.reason} (save, {e.code})"
    known[sha] = "ok"
    return None


def _load_nlp():
    from protokoll import nlp

    return nlp.load()
