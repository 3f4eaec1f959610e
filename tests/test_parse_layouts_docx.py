"""The layout fixtures rebuilt as Word files parse like their text versions.

The .docx is generated here with python-docx the way municipal templates are built:
header and attendance as Word tables (several names in one cell, one per paragraph),
"§ 41 …" / "4 §" as headings, "1. att …" as real Word numbering (the number is not
in the text), bullets as Word bullets, check boxes as ☒/☐.
"""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest

from protokoll import ingest, parsers
from protokoll.records import to_dict

from test_parse_gold import ITEM_LISTS, _decision, _gold, norm

LAYOUTS = Path(__file__).resolve().parent / "data" / "layouts"
HEADING = re.compile(r"^(§\s*\d+\b.*|\d+\s*§)$")
NUMBERED = re.compile(r"^\d+\.\s+(?=att\b)")


def build_docx(text: str, path: Path) -> Path:
    d = docx.Document()
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "\t" in line and not line.startswith("\t"):
            rows = []
            while i < len(lines) and "\t" in lines[i]:
                cells = lines[i].split("\t")
                if lines[i].startswith("\t") and rows:  # one more name in the cell above
                    rows[-1][1] += "\n" + "\t".join(cells[1:]).strip()
                else:
                    rows.append(cells)
                i += 1
            width = max(len(r) for r in rows)
            table = d.add_table(rows=len(rows), cols=width)
            for r, cells in enumerate(rows):
                for c, value in enumerate(cells):
                    cell = table.cell(r, c)
                    parts = value.split("\n")
                    cell.paragraphs[0].text = parts[0]
                    for part in parts[1:]:
                        cell.add_paragraph(part)
            continue
        stripped = line.strip()
        if HEADING.match(stripped):
            d.add_heading(stripped, level=2)
        elif NUMBERED.match(stripped):
            d.add_paragraph(NUMBERED.sub("", stripped), style="List Number")
        elif stripped.startswith("- "):
            d.add_paragraph(stripped[2:], style="List Bullet")
        elif stripped.startswith("[X] ") or stripped.startswith("[ ] "):
            box = "☒" if stripped[1] == "X" else "☐"
            d.add_paragraph(f"{box} {stripped[4:]}")
        elif stripped:
            d.add_paragraph(stripped)
        i += 1
    d.save(path)
    return path


@pytest.mark.parametrize("name", ["kommunstyrelsen", "nämnd", "stadsstyrelsen-fi"])
def test_docx_variant_matches_gold(name, tmp_path):
    text = (LAYOUTS / f"{name}.txt").read_text(encoding="utf-8")
    path = build_docx(text, tmp_path / f"{name}.docx")
    got = to_dict(parsers.parse(ingest.read(path)))
    want = _gold(name)
    assert got["meeting"] == want["meeting"]
    strip = lambda a: {k: v for k, v in a.items() if k != "canonical"}  # noqa: E731
    assert [strip(a) for a in got["attendance"]] == want["attendance"]
    assert [(i["number"], i["label"], i["title"], i["dnr"]) for i in got["items"]] == [
        (i["number"], i["label"], i["title"], i["dnr"]) for i in want["items"]
    ]
    for g, w in zip(got["items"], want["items"]):
        assert [_decision(d) for d in g["decisions"]] == [_decision(d) for d in w["decisions"]], w["number"]
        for field in ITEM_LISTS:
            if field == "motions":
                assert [(m["by"], norm(m["text"])) for m in g[field]] == [(m["by"], m["text"]) for m in w.get(field, [])]
            else:
                assert [norm(x) for x in g[field]] == w.get(field, []), (w["number"], field)
        votes = g["votes"] and {**g["votes"], "members": [strip(m) for m in g["votes"]["members"]]}
        assert votes == w.get("votes"), w["number"]  # a member's canonical id is the tagger's
