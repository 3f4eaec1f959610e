"""The shared output options (--json/--nl/--csv and the default table) of protokoll/cli_options.py."""

import csv
import io
import json

import pytest
from click.testing import CliRunner

from protokoll import store
from protokoll.cli import cli
from protokoll.records import Meeting, Protocol, Source


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "p.db"
    db = store.open(path)
    store.save(db, Protocol(Source("/a/ks.txt", "a" * 64, "txt"), Meeting(body="Kommunstyrelsen", date="2024-03-01")))
    store.save(db, Protocol(Source("/a/okänt.txt", "b" * 64, "txt"), Meeting()))
    db.conn.close()
    return path


def status(*args):
    r = CliRunner().invoke(cli, ["status", *map(str, args)])
    assert r.exit_code == 0, r.output
    return r.output


def test_table_shows_missing_values_as_a_dash(db_path):
    lines = status(db_path).splitlines()
    assert lines[0].split() == ["group", "value", "documents", "meetings"]
    assert ["body", "–", "1", "1"] in [line.split() for line in lines]
    assert ["year", "2024", "1", "1"] in [line.split() for line in lines]


def test_json_nl_and_csv_keep_missing_values_empty(db_path):
    rows = json.loads(status(db_path, "--json"))
    assert {"group": "body", "value": None, "documents": 1, "meetings": 1} in rows
    nl = [json.loads(line) for line in status(db_path, "--nl").splitlines()]
    assert nl == rows
    got = list(csv.DictReader(io.StringIO(status(db_path, "--csv"))))
    assert {"group": "body", "value": "", "documents": "1", "meetings": "1"} in got
