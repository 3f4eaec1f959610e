"""`protokoll export`: the decision register as CSV (Swedish Excel / RFC 4180), .xlsx and JSON.

The expected files in tests/data/expected/ were checked by hand: BOM, ';', decimal
comma and CRLF for excel-sv; neutralised formula cells; negative and decimal amounts.
"""

import json
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from protokoll import export, store
from protokoll.cli import cli
from protokoll.records import Protocol

DATA = Path(__file__).parent / "data"
EXPECTED = DATA / "expected"


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "protokoll.db"
    db = store.open(path)
    for name in ("lsvo", "aldras", "bun"):
        p = Protocol.from_dict(json.loads((DATA / "store" / f"{name}.json").read_text()))
        store.save(db, p, imported_at="2025-03-01T12:00:00+00:00")
    db.close()
    return path


def run(*args) -> bytes:
    r = CliRunner().invoke(cli, ["export", *map(str, args)])
    assert r.exit_code == 0, r.output
    return r.stdout_bytes


@pytest.mark.parametrize("args, expected", [
    (["--body", "LSVO", "--from", "2024-01-01", "--to", "2024-12-31"], "register-lsvo-2024.csv"),
    (["--csv", "--dialect", "rfc4180"], "register-rfc4180.csv"),
    (["--json"], "register.json"),
])
def test_exports_byte_for_byte(db_path, args, expected):
    assert run(db_path, *args) == (EXPECTED / expected).read_bytes()


def test_excel_sv_csv_is_what_swedish_excel_expects(db_path):
    data = run(db_path)
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[-1] == "" and "\n" not in "".join(lines)  # CRLF only
    assert lines[0].split(";")[:3] == ["date", "body", "paragraph"]
    assert ";15816660,06;" in text and ";-419515;" in text  # decimal comma, negative number
    assert ";'=SUMMA(A1:A3) enligt bilaga;" in text and ";'@förskolorna" in text
    assert ";'-647 771 kr från insatser" in text


def test_rfc4180_has_no_bom_and_decimal_point(db_path):
    data = run(db_path, "--dialect", "rfc4180")
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b",15816660.06," in data and b",-419515," in data
    assert b",'=SUMMA(A1:A3) enligt bilaga," in data  # neutralised here too


def test_xlsx_has_typed_cells_and_no_formulas(db_path, tmp_path):
    out = tmp_path / "register.xlsx"
    r = CliRunner().invoke(cli, ["export", str(db_path), "-o", str(out)])  # format from the suffix
    assert r.exit_code == 0, r.output
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header == list(export.COLUMNS)
    col = {name: i for i, name in enumerate(header)}
    rows = [list(r) for r in ws.iter_rows(min_row=2)]
    db = store.open(db_path)
    assert len(rows) == db.execute("SELECT count(*) FROM decision_register").fetchone()[0]
    assert all(r[col["date"]].value.__class__ is datetime for r in rows)
    assert rows[0][col["date"]].number_format == "yyyy-mm-dd"
    amounts = {r[col["amount"]].value for r in rows if r[col["amount"]].value is not None}
    assert {-419515, 600000, 415000, 15816660.06, 312500000} <= amounts
    assert all(r[col["amount"]].data_type == "n" for r in rows if r[col["amount"]].value is not None)
    assert all(isinstance(r[col["page"]].value, int) for r in rows)
    formulas = [r[col["clause"]] for r in rows if str(r[col["clause"]].value)[0] in "=+-@"]
    assert [c.value[:6] for c in formulas] == ["-647 7", "=SUMMA", "@försk"]
    assert all(c.data_type == "s" and c.quotePrefix for c in formulas)
    # Same content as the machine CSV export.
    first = export.register(db)[0]
    assert rows[0][col["clause"]].value == first["clause"] and rows[0][col["title"]].value == first["title"]


def test_filters_are_inclusive(db_path):
    rows = json.loads(run(db_path, "--json", "--from", "2025-01-20", "--to", "2025-01-20"))
    assert {r["body"] for r in rows} == {"Samverkansgrupp att åldras"}
    rows = json.loads(run(db_path, "--json", "--from", "2025-01-21"))
    assert {r["date"] for r in rows} == {"2025-02-11"}
    assert json.loads(run(db_path, "--json", "--body", "KS")) == []
    assert run(db_path, "--body", "KS").decode("utf-8-sig").count("\r\n") == 1  # header only


def test_json_lines(db_path):
    lines = run(db_path, "--nl").decode().splitlines()
    assert [json.loads(line) for line in lines] == json.loads(run(db_path, "--json"))


@pytest.mark.parametrize("args", [
    ["--from", "13/12/2024"],
    ["--dialect", "excel-us"],
])
def test_usage_errors_exit_2(db_path, args):
    r = CliRunner().invoke(cli, ["export", str(db_path), *args])
    assert r.exit_code == 2


def test_missing_database_is_a_usage_error(tmp_path):
    r = CliRunner().invoke(cli, ["export", str(tmp_path / "none.db")])
    assert r.exit_code == 2
    assert "does not exist" in r.output
