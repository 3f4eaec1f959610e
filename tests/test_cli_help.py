"""Every command has a help text with an example (sqlite-utils style)."""

import pytest
from click.testing import CliRunner

from protokoll.cli import cli


def _commands():
    return sorted(cli.commands)


def test_top_level_help_lists_commands():
    r = CliRunner().invoke(cli, ["--help"])
    assert r.exit_code == 0
    for name in _commands():
        assert name in r.output


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_with_example(name):
    r = CliRunner().invoke(cli, [name, "--help"])
    assert r.exit_code == 0, r.output
    assert "Example" in r.output, f"`protokoll {name} --help` shows no example"
    assert f"protokoll {name}" in r.output


def test_unknown_command_is_usage_error():
    r = CliRunner().invoke(cli, ["no-such-command"])
    assert r.exit_code == 2
