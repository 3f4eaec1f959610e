"""Every sample, in every format, parses to its hand-written gold JSON, field by field.

Gold files (tests/data/gold/) were written from the documents' text, not from parser
output. Item texts are not in the gold (see test_parse_props.py for what they must
satisfy); everything else is compared. Fields an item's gold leaves out are expected
empty (lists) or null (votes).

Formats differ in two honest ways, both handled here rather than by loosening:
bullet glyphs ("•" / "-" / "-x") are compared as "- ", and where the *document* itself
differs (the Word file of aldras joins two recipient lines in one paragraph) the
difference is listed in DOCUMENT_DIFFERENCES.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from protokoll import ingest, parsers
from protokoll.records import to_dict

ROOT = Path(__file__).resolve().parent
GOLD = ROOT / "data" / "gold"
SAMPLES = ROOT.parent / "samples"
LAYOUTS = ROOT / "data" / "layouts"

ITEM_LISTS = ("presenters", "motions", "reservations", "conflicts", "notes", "sent_to")
SLOW = pytest.mark.slow  # LibreOffice conversions

CASES = [
    ("lsvo-2024-12-13", SAMPLES / "lsvo-2024-12-13.md"),
    ("lsvo-2024-12-13", SAMPLES / "lsvo-2024-12-13.docx"),
    ("lsvo-2024-12-13", SAMPLES / "lsvo-2024-12-13.pdf"),
    pytest.param("lsvo-2024-12-13", SAMPLES / "lsvo-2024-12-13.odt", marks=SLOW),
    pytest.param("lsvo-2024-12-13", SAMPLES / "lsvo-2024-12-13.rtf", marks=SLOW),
    ("aldras", SAMPLES / "aldras.txt"),
    ("aldras", SAMPLES / "aldras.docx"),
    ("aldras", SAMPLES / "aldras.pdf"),
    pytest.param("aldras", SAMPLES / "aldras.doc", marks=SLOW),
    ("kommunstyrelsen", LAYOUTS / "kommunstyrelsen.txt"),
    ("nämnd", LAYOUTS / "nämnd.txt"),
    ("stadsstyrelsen-fi", LAYOUTS / "stadsstyrelsen-fi.txt"),
]

# (file name, item index, field) -> value, where the document's own text differs.
DOCUMENT_DIFFERENCES = {
    # aldras.docx/.doc: "Protokollet ska skickas till Ledamöter LSVO" is one paragraph.
    ("aldras.docx", 14, "sent_to"): ["Ledamöter LSVO", "Föredragande"],
    ("aldras.doc", 14, "sent_to"): ["Ledamöter LSVO", "Föredragande"],
    ("aldras.pdf", 14, "sent_to"): ["Ledamöter LSVO", "Föredragande"],  # printed from the .docx
}

def norm(text):
    """Whitespace collapsed; a bullet ("-", "–", "•", with or without a space) as "- "."""
    if text is None:
        return None
    text = " ".join(text.split())
    return re.sub(r"(^|\s)[-–•]\s*(?=\w)", r"\1- ", text)


@pytest.fixture(scope="module")
def parsed():
    cache = {}

    def get(path: Path) -> dict:
        if path not in cache:
            cache[path] = to_dict(parsers.parse(ingest.read(path)))
        return cache[path]

    return get


def _gold(name: str) -> dict:
    return json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name,path", CASES)
def test_meeting(name, path, parsed):
    assert parsed(path)["meeting"] == _gold(name)["meeting"]


@pytest.mark.parametrize("name,path", CASES)
def test_attendance(name, path, parsed):
    want = _gold(name)["attendance"]
    got = [{k: v for k, v in a.items() if k != "canonical"} for a in parsed(path)["attendance"]]
    assert [a["name"] for a in got] == [a["name"] for a in want]
    for g, w in zip(got, want):
        assert g == w, w["name"]


@pytest.mark.parametrize("name,path", CASES)
def test_items(name, path, parsed):
    want = _gold(name)["items"]
    got = parsed(path)["items"]
    assert [(i["number"], i["label"]) for i in got] == [(i["number"], i["label"]) for i in want]
    for n, (g, w) in enumerate(zip(got, want)):
        for field in ("title", "kind", "dnr"):
            assert g[field] == w[field], (w["number"], field)
        for field in ITEM_LISTS:
            expected = DOCUMENT_DIFFERENCES.get((path.name, n, field), w.get(field, []))
            if field == "motions":
                assert [(m["by"], norm(m["text"])) for m in g[field]] == [(m["by"], m["text"]) for m in expected]
            else:
                assert [norm(x) for x in g[field]] == expected, (w["number"], field)
        votes = g["votes"] and {**g["votes"], "members": [
            {k: v for k, v in m.items() if k != "canonical"} for m in g["votes"]["members"]]}
        assert votes == w.get("votes"), w["number"]


@pytest.mark.parametrize("name,path", CASES)
def test_decisions(name, path, parsed):
    want = _gold(name)["items"]
    got = parsed(path)["items"]
    for n, (g, w) in enumerate(zip(got, want)):
        gd = [_decision(d) for d in g["decisions"]]
        wd = [_decision(d) for d in w["decisions"]]
        assert gd == wd, w["number"]


def _decision(d):
    return (d["by"], d["kind"], d["outcome"], [norm(c) for c in d["clauses"]])


@pytest.mark.parametrize("name,path", CASES)
def test_warnings(name, path, parsed):
    want = _gold(name)["warnings"]
    got = parsed(path)["warnings"]
    parser_warnings = [w for w in got if w.startswith(("item", "items", "no items"))]
    assert len(parser_warnings) == len(want), got
    for g, w in zip(parser_warnings, want):
        assert g.startswith(w)


def test_pdf_items_have_pages(parsed):
    items = parsed(SAMPLES / "lsvo-2024-12-13.pdf")["items"]
    assert [i["page"] for i in items][:3] == [2, 3, 3]
    assert all(i["page"] for i in items)
    assert [i["page"] for i in items] == sorted(i["page"] for i in items)


@SLOW
def test_ocr_scan_matches_the_gold_for_its_pages(parsed):
    """aldras-scanned.pdf is pages 1-2 of aldras.pdf as images: items 1-4 begin there."""
    got = parsed(SAMPLES / "aldras-scanned.pdf")
    want = _gold("aldras")
    assert got["meeting"] == want["meeting"]
    head = lambda i: (i["number"], i["label"], i["title"], i["kind"], i["presenters"])  # noqa: E731
    assert [head(i) for i in got["items"]] == [head(i) for i in want["items"][:4]]
    for g, w in zip(got["items"][:3], want["items"][:3]):
        assert [_decision(d) for d in g["decisions"]] == [_decision(d) for d in w["decisions"]]
