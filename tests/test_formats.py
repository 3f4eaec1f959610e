"""The same protocol in every format gives the same key lines.

Real sample files: lsvo as .md/.docx/.pdf/.odt/.rtf, aldras as .txt/.docx/.doc/.pdf.
Text is compared with whitespace collapsed, since each format wraps lines differently.
"""

from __future__ import annotations

import pytest

from protokoll import ingest
from protokoll.records import HEADING, LIST_ITEM

LSVO_KEYS = [
    "Plats och tid: Digitalt via Teams, den 13 december 2024",
    "Närvarande ledamöter: Bodil Sundlöf, ordförande §§94-100",
    "1. Att utse André Jönsson och Annika Mellqvist att jämte ordförande och sekreterare justera dagens protokoll.",
    "2. Att justeringen sker digitalt senast den 30 december klockan 16.00.",
    "Val av justerare samt tid för justering",
    "att godkänna för sammanträdet upprättad föredragningslista",
    "§ 105/24",
    "Annelie Runesson-Ottosson, projektledare §98",
    "- Avtalsförlängning av utbildningsplattform till SIP-utbildning",
    "-419 515",
]
ALDRAS_KEYS = [
    "1). Godkännande av dagordningen (B)",
    "Föredragande: Mats Wennstig",
    "a/ Fysiska möten för Samverkansgrupp att åldras våren 2025.",
    "Samverkansgruppen beslutar",
    "att godkänna för 2024-11-25 upprättat sammanträdesprotokoll.",
    "3). Protokoll LSVO:s ledningsgrupp (I)",
    "- Beslut togs om de tre dagarna i LOS-avtalet ett år till.",
    "9 a/",
    "4,1 miljoner kronor",
]
CASES = [("lsvo-2024-12-13", ext, LSVO_KEYS) for ext in ("md", "docx", "pdf", "odt", "rtf")] + [
    ("aldras", ext, ALDRAS_KEYS) for ext in ("txt", "docx", "doc", "pdf")
]


def _flat(doc) -> str:
    return " ".join(doc.text.split())


@pytest.mark.parametrize(("stem", "ext", "keys"), CASES, ids=[f"{s}.{e}" for s, e, _ in CASES])
def test_key_lines_in_every_format(samples, stem, ext, keys):
    doc = ingest.read(samples / f"{stem}.{ext}")
    assert doc.source.format == ext
    text = _flat(doc)
    missing = [k for k in keys if k not in text]
    assert not missing
    pages = {b.page for b in doc.blocks}
    if ext == "pdf":
        assert None not in pages and doc.source.pages > 1
    else:
        assert pages == {None} and doc.source.pages is None


@pytest.mark.parametrize("ext", ["docx", "odt", "rtf"])
def test_word_list_numbering_recovered(samples, ext):
    doc = ingest.read(samples / f"lsvo-2024-12-13.{ext}")
    numbered = [b for b in doc.blocks if b.kind == LIST_ITEM and b.number and b.number[0].isdigit()]
    assert numbered[0].text.startswith("1. Att utse André Jönsson")
    assert numbered[0].number == "1."
    assert numbered[1].text.startswith("2. Att justeringen sker digitalt")


def test_docx_headings_and_tables_in_order(samples):
    doc = ingest.read(samples / "lsvo-2024-12-13.docx")
    kinds = [(b.kind, b.text) for b in doc.blocks]
    i = kinds.index((HEADING, "§ 94/24"))
    assert doc.blocks[i].level == 2
    assert kinds[i + 1] == (HEADING, "Val av justerare samt tid för justering")
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert any(r.cells[:2] == ("2024-06-18", "Olofström återbetalning (Nickos lösa)") for r in rows)
    # the table sits after the paragraph that introduces it
    intro = next(n for n, b in enumerate(doc.blocks) if b.text.startswith("Den ekonomiska rapporten"))
    assert doc.blocks[intro + 1].kind == "table_row"


def test_docx_running_header_and_footer_not_in_body(samples):
    doc = ingest.read(samples / "lsvo-2024-12-13.docx")
    assert not any("Sida" in b.text and " av " in b.text for b in doc.blocks)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_text_encodings(samples, tmp_path, encoding):
    text = (samples / "aldras.txt").read_text("utf-8")
    text = text.replace("•", "-")  # cp1252 has "•" but not every char of the sample; keep it simple
    f = tmp_path / f"aldras-{encoding}.txt"
    f.write_bytes(text.encode(encoding, errors="strict"))
    doc = ingest.read(f)
    assert doc.source.format == "txt"
    flat = _flat(doc)
    assert "Godkännande av dagordningen" in flat
    assert "Samverkansgruppen beslutar" in flat
    assert "\ufffd" not in flat


def test_markdown_headings(tmp_path):
    f = tmp_path / "x.md"
    f.write_text("# Kommunstyrelsen\n\n## § 12 Budget\n\n**Beslut**\n\n1. Att godkänna\n", "utf-8")
    doc = ingest.read(f)
    assert [(b.kind, b.level, b.text) for b in doc.blocks] == [
        (HEADING, 1, "Kommunstyrelsen"),
        (HEADING, 2, "§ 12 Budget"),
        ("paragraph", None, "Beslut"),
        (LIST_ITEM, 0, "1. Att godkänna"),
    ]


def test_format_detected_from_content_not_name(samples, tmp_path):
    f = tmp_path / "protokoll.txt"
    f.write_bytes((samples / "aldras.docx").read_bytes())
    assert ingest.read(f).source.format == "docx"
