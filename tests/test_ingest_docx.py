"""The .docx reader on documents made here with python-docx, and Word numbering rules."""

from __future__ import annotations

import docx
import pytest
from docx.oxml import parse_xml

from protokoll import ingest
from protokoll.ingest.numbering import Numbering, format_number
from protokoll.records import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.fixture
def made_docx(tmp_path):
    d = docx.Document()
    d.sections[0].header.paragraphs[0].text = "RUNNING HEADER Kommunstyrelsen"
    d.sections[0].footer.paragraphs[0].text = "RUNNING FOOTER Sida 1 av 3"
    d.add_heading("Protokoll", level=1)
    d.add_heading("§ 12 Budget", level=2)
    p = d.add_paragraph("Första raden")
    p.add_run().add_break()
    p.add_run("andra raden")
    for text in ("Att godkänna budgeten", "Att uppdra åt förvaltningen", "Att förklara paragrafen justerad"):
        d.add_paragraph(text, style="List Number")
    d.add_paragraph("Punkt med bullet", style="List Bullet")
    outer = d.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "Namn"
    outer.cell(0, 1).text = "Parti"
    outer.cell(1, 0).text = "Anna Andersson"
    inner = outer.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "S"
    inner.cell(0, 1).text = "ordförande"
    d.add_paragraph("Efter tabellen")
    f = tmp_path / "made.docx"
    d.save(f)
    return f


def test_document_order_headings_breaks_tables(made_docx):
    doc = ingest.read(made_docx)
    got = [(b.kind, b.text, b.level) for b in doc.blocks]
    assert got[:3] == [
        (HEADING, "Protokoll", 1),
        (HEADING, "§ 12 Budget", 2),
        (PARAGRAPH, "Första raden\nandra raden", None),
    ]
    assert [b.text for b in doc.blocks if b.kind == LIST_ITEM] == [
        "1. Att godkänna budgeten",
        "2. Att uppdra åt förvaltningen",
        "3. Att förklara paragrafen justerad",
        "- Punkt med bullet",
    ]
    rows = [b for b in doc.blocks if b.kind == TABLE_ROW]
    assert [r.cells for r in rows] == [("Namn", "Parti"), ("Anna Andersson", ""), ("S", "ordförande")]
    assert rows[2].level == 1  # the nested table follows the row that holds it
    assert doc.blocks[-1].text == "Efter tabellen"
    assert "RUNNING" not in doc.text


NUMBERING = f"""<w:numbering {W}>
  <w:abstractNum w:abstractNumId="7">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1.%2)"/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%3"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="8">
    <w:lvl w:ilvl="0"><w:start w:val="94"/><w:numFmt w:val="decimal"/><w:lvlText w:val="§ %1"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>
  <w:num w:numId="2"><w:abstractNumId w:val="7"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
  <w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num>
  <w:num w:numId="4"><w:abstractNumId w:val="8"/></w:num>
</w:numbering>"""


def test_numbering_levels_restarts_and_continuation():
    n = Numbering(parse_xml(NUMBERING))
    assert [n.label("1", 0), n.label("1", 1), n.label("1", 1), n.label("1", 2), n.label("1", 0)] == [
        "1.", "1.a)", "1.b)", "I", "2."
    ]
    assert n.label("1", 1) == "2.a)"  # a deeper level restarts after its parent advanced
    assert n.label("2", 0) == "1."  # startOverride restarts the list
    assert n.label("3", 0) == "2."  # another instance of the same list continues it
    assert [n.label("4", 0), n.label("4", 0)] == ["§ 94", "§ 95"]
    assert n.label("0", 0) is None and n.label("99", 0) is None


def test_number_formats():
    assert [format_number(i, "lowerLetter") for i in (1, 26, 27)] == ["a", "z", "aa"]
    assert format_number(14, "upperRoman") == "XIV"
    assert format_number(3, "decimalZero") == "03"
