"""Library errors name no command-line option; the CLI adds the option to the hint."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from protokoll import cli_hints, errors
from protokoll.cli import cli
from protokoll.store import shards

ROOT = Path(__file__).resolve().parent.parent


def _options() -> set[str]:
    """Every long option of every protokoll command ("--max-size", "--db", …)."""
    found = set()
    for command in cli.commands.values():
        for param in command.params:
            found.update(o for o in (*param.opts, *param.secondary_opts) if o.startswith("--"))
    return found - {"--help", "--version"}


def _strings(path: Path) -> list[str]:
    return [n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _named(text: str, options: set[str]) -> list[str]:
    return [o for o in options if re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text)]


@pytest.mark.parametrize("module", ["protokoll/errors.py", "protokoll/serve.py"])
def test_library_errors_name_no_option(module):
    options = _options()
    assert {"--max-size", "--timeout", "--port", "--db"} <= options
    assert [s for s in _strings(ROOT / module) if _named(s, options)] == []


def test_the_check_can_fail():
    assert _named("raise the limit with --max-size if the file is genuine", _options()) == ["--max-size"]


@pytest.mark.parametrize("error, shown", [
    (errors.FileTooLarge("too big"), "raise the limit with --max-size if the file is genuine"),
    (errors.TimeLimitExceeded("slow"), "raise the per-file limit with --timeout, or import the file on its own"),
    (errors.ServerError("in use", hint=f"{errors.ServerError.hint} (ss -ltnp 'sport = :8001' names it)"),
     "choose another port with --port, or stop the program that uses it (ss -ltnp 'sport = :8001' names it)"),
    (errors.ServerError("root", hint=errors.PORT_FROM_1024), "choose a port from 1024 up, e.g. --port 8001"),
    (errors.DatabaseError("bad"), "check the database path; `protokoll status DB` shows what is in it"),
    (errors.DatabaseError("not shards", hint=shards.NOT_SHARDS_HINT),
     "give a database file, or the --db folder of an import with --shard-by"),
    (errors.DatabaseError("empty", hint=shards.EMPTY_HINT),
     "import into it first: protokoll ingest ARCHIVE --db FOLDER --shard-by year|body"),
    (errors.DecompressionBomb("bomb"), errors.DecompressionBomb.hint),  # its own hint, kept
    (errors.FileTooLarge("x", hint="another hint"), "another hint"),
])
def test_the_cli_names_the_option(error, shown):
    assert cli_hints.hint(error) == shown


def test_a_too_large_file_on_the_command_line(samples):
    r = CliRunner().invoke(cli, ["text", str(samples / "aldras.txt"), "--max-size", "100"])
    assert r.exit_code != 0
    assert "Hint: raise the limit with --max-size if the file is genuine" in r.output
