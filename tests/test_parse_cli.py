"""`protokoll parse FILE [--json]`: the documented output contract and clean errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from protokoll.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


def run(*args):
    """`protokoll parse --no-tag`: the parser's own output, without spaCy."""
    return CliRunner().invoke(cli, ["parse", "--no-tag", *map(str, args)])


def test_json_contract():
    r = run(SAMPLES / "lsvo-2024-12-13.md", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert set(d) >= {"source", "meeting", "attendance", "items", "entities", "canonicals", "warnings"}
    assert d["entities"] == [] and d["canonicals"] == []
    assert set(d["source"]) >= {"path", "sha256", "format", "pages"}
    assert set(d["meeting"]) >= {"body", "date", "start", "end", "place"}
    assert set(d["attendance"][0]) >= {"name", "status", "role", "party", "organisation", "paragraphs"}
    item = d["items"][0]
    assert set(item) >= {
        "number", "label", "title", "kind", "page", "dnr", "presenters", "text", "decisions",
        "motions", "votes", "reservations", "conflicts", "notes", "sent_to",
    }
    assert set(item["decisions"][0]) >= {"by", "kind", "outcome", "text", "clauses"}
    assert item["number"] == "94" and item["decisions"][0]["clauses"][1].startswith("att justeringen")


def test_votes_shape():
    r = run(Path(__file__).parent / "data" / "layouts" / "kommunstyrelsen.txt", "--json")
    votes = json.loads(r.stdout)["items"][1]["votes"]
    assert set(votes) == {"yes", "no", "abstain", "members", "yes_means", "no_means"}
    assert set(votes["members"][0]) == {"name", "vote", "canonical"}
    assert votes["members"][0]["canonical"] is None  # the tagger's (nlp.tag), not the parser's


def test_plain_output_lists_items_and_clauses():
    r = run(SAMPLES / "aldras.txt")
    assert r.exit_code == 0
    assert "1).  Godkännande av dagordningen" in r.output
    assert "att godkänna för 2024-11-25 upprättat sammanträdesprotokoll." in r.output
    assert "Warning: item 8 appears more than once" in r.stderr


def test_missing_file_is_one_line_error(tmp_path):
    r = run(tmp_path / "nope.docx")
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert r.output.strip().startswith("Error:")


def test_unknown_layout_is_not_an_error(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("Inköpslista\nmjölk\nbröd\n", encoding="utf-8")
    r = run(f, "--json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["items"] == []
    assert "no items found" in r.stderr


def test_tagging_adds_entities_and_canonical_ids():
    """Default `parse` tags: entities with offsets into their item's text, normalised
    values, and attendance names carrying the canonical id their mentions use."""
    r = CliRunner().invoke(cli, ["parse", str(SAMPLES / "lsvo-2024-12-13.md"), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    texts = [i["text"] for i in d["items"]]  # entities name their item by position
    for e in d["entities"]:
        assert e["label"] in {"PER", "ORG", "MONEY", "DATE"}
        if e["item_index"] is not None:
            assert texts[e["item_index"]][e["start"]:e["end"]] == e["text"]
    money = {e["text"]: e["value"] for e in d["entities"] if e["label"] == "MONEY"}
    assert money["1 476 576 kr"] == 1476576
    dates = {(d["items"][e["item_index"]]["number"], e["text"]): e["value"]
             for e in d["entities"] if e["label"] == "DATE" and e["item_index"] is not None}
    assert dates[("94", "30 december")] == "2024-12-30"
    ids = {c["id"] for c in d["canonicals"]}
    andre = next(a for a in d["attendance"] if a["name"] == "André Jönsson")
    assert andre["canonical"] in ids
    assert any(e["canonical"] == andre["canonical"] for e in d["entities"] if e["label"] == "PER")
