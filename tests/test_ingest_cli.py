"""`protokoll text FILE [--json]` through click's CliRunner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from protokoll.cli import cli


def test_text_prints_blocks(samples):
    r = CliRunner().invoke(cli, ["text", str(samples / "lsvo-2024-12-13.docx")])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert "1. Att utse André Jönsson och Annika Mellqvist att jämte ordförande och sekreterare justera dagens protokoll." in lines
    assert lines[0].startswith("- Plats och tid:")


def test_text_json_shape(samples):
    r = CliRunner().invoke(cli, ["text", str(samples / "aldras.pdf"), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert set(d) == {"source", "blocks", "warnings"}
    assert d["source"]["format"] == "pdf" and d["source"]["pages"] == 16
    assert len(d["source"]["sha256"]) == 64 and d["source"]["path"].endswith("aldras.pdf")
    first = d["blocks"][0]
    assert {"kind", "text", "page", "level", "number"} <= set(first)
    assert first["page"] == 1 and first["text"] == "1). Godkännande av dagordningen (B)"
    assert all(b["kind"] in ("heading", "paragraph", "list_item", "table_row") for b in d["blocks"])
    assert all(1 <= b["page"] <= 16 for b in d["blocks"])


def test_text_json_pages_null_for_word(samples):
    r = CliRunner().invoke(cli, ["text", str(samples / "lsvo-2024-12-13.docx"), "--json"])
    d = json.loads(r.output)
    assert d["source"]["pages"] is None and {b["page"] for b in d["blocks"]} == {None}
    rows = [b for b in d["blocks"] if b["kind"] == "table_row"]
    assert rows and all(b["cells"] for b in rows)


def test_bad_input_is_one_line_error_and_exit_1(tmp_path):
    f = tmp_path / "empty.pdf"
    f.write_bytes(b"")
    r = CliRunner().invoke(cli, ["text", str(f)])
    assert r.exit_code == 1
    assert r.output.splitlines()[0] == f"Error: {f}: the file is empty (0 bytes)"
    assert r.output.splitlines()[1].startswith("Hint: ")
    assert "Traceback" not in r.output


def test_max_size_option(samples):
    r = CliRunner().invoke(cli, ["text", str(samples / "aldras.txt"), "--max-size", "100"])
    assert r.exit_code == 1 and "over the limit of 100" in r.output


def test_missing_argument_is_usage_error():
    assert CliRunner().invoke(cli, ["text"]).exit_code == 2
