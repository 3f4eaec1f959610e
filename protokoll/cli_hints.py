"""The command-line options that the hints of library errors leave unnamed.

A library error's hint says what to change in words ("raise the size limit if the file
is genuine"); on the command line the hint names the option that changes it. Each row is
a library hint and what the CLI shows instead; a hint that goes on after it (the
command that names the program holding a port) keeps its ending.
"""

from __future__ import annotations

from protokoll.errors import (
    DOWNLOAD_HINT, PORT_FROM_1024, DatabaseError, FileTooLarge, ProtokollError, ServerError, TimeLimitExceeded,
)
from protokoll.store.shards import EMPTY_HINT as EMPTY_SHARDS_HINT, NOT_SHARDS_HINT

CLI_HINTS = {
    FileTooLarge.hint: "raise the limit with --max-size if the file is genuine",
    TimeLimitExceeded.hint: "raise the per-file limit with --timeout, or import the file on its own",
    ServerError.hint: "choose another port with --port, or stop the program that uses it",
    PORT_FROM_1024: "choose a port from 1024 up, e.g. --port 8001",
    DatabaseError.hint: "check the database path; `protokoll status DB` shows what is in it",
    NOT_SHARDS_HINT: "give a database file, or the --db folder of an import with --shard-by",
    DOWNLOAD_HINT: "leave --setting allow_download off, or add --show-personnummer (only where that is lawful)",
    EMPTY_SHARDS_HINT: "import into it first: protokoll ingest ARCHIVE --db FOLDER --shard-by year|body",
}


def hint(e: ProtokollError) -> str | None:
    """The hint of ``e`` as the command line shows it."""
    if not e.hint:
        return e.hint
    for said, shown in CLI_HINTS.items():
        if e.hint == said or e.hint.startswith(said + " "):
            return shown + e.hint[len(said):]
    return e.hint
