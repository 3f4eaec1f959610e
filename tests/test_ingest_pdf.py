"""PDF extraction: reading order, running headers/footers, hyphenation, pages, OCR.

``make_pdf`` writes small real PDFs by hand (Helvetica text at given positions, in the
order given), so the tests control the content-stream order that PDFium sees.
"""

from __future__ import annotations

import re

import pytest

from protokoll import ingest
from protokoll.ingest import pages
from protokoll.ingest import pdf as pdf_reader
from protokoll.progress import Progress
from protokoll.records import LIST_ITEM


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(pages: list[list[tuple[float, float, str]]], *, size: int = 11) -> bytes:
    """A PDF with one Helvetica text run per (x, y, text), written in the order given."""
    objects: list[bytes] = []
    kids = []
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    for i, runs in enumerate(pages):
        page_id, content_id = 3 + 2 * i, 4 + 2 * i
        kids.append(f"{page_id} 0 R")
        stream = b"".join(
            b"BT /F1 %d Tf %.1f %.1f Td (" % (size, x, y) + _escape(t) + b") Tj ET\n" for x, y, t in runs
        )
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font_id, content_id)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    head = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + " ".join(kids).encode() + b"] /Count %d >>" % n_pages,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for num, body in enumerate(head + objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref)
    return bytes(out)


def _texts(doc):
    return [b.text for b in doc.blocks]


BODY = [
    "Kommunstyrelsen beslutar att godkänna förslaget om en ny förskola i centrum.",
    "Ärendet har beretts av förvaltningen och diskuterats vid flera sammanträden.",
    "Ordföranden frågar om styrelsen kan besluta enligt förslaget och finner att så sker.",
]


def _page(n: int, total: int, body: list[str]) -> list[tuple[float, float, str]]:
    runs = [(72, 800, "Kommunstyrelsen Protokoll 2024-03-12")]
    runs += [(72, 700 - 20 * i, line) for i, line in enumerate(body)]
    runs += [(72, 40, f"Justerandes signatur Utdragsbestyrkande Sida {n} av {total}")]
    return runs


def test_running_headers_and_footers_removed(tmp_path):
    words = ["första", "andra", "tredje", "fjärde"]
    pages = [_page(i + 1, 4, [f"{line} Den {words[i]} sidan." for line in BODY]) for i in range(4)]
    f = tmp_path / "ks.pdf"
    f.write_bytes(make_pdf(pages))
    doc = ingest.read(f)
    text = doc.text
    assert "Sida" not in text and "Justerandes" not in text and "Protokoll 2024-03-12" not in text
    assert doc.source.pages == 4
    assert [b.page for b in doc.blocks if "tredje sidan" in b.text] == [3, 3, 3]
    assert len(doc.blocks) == 12
    assert all(b.page in (1, 2, 3, 4) for b in doc.blocks)


def test_single_page_keeps_its_title():
    # One page: nothing can be "repeated across pages", so nothing is dropped as running.
    lines = pages.remove_running_lines([["Kommunstyrelsen Protokoll", "Text"]])
    assert [ln.text for ln in lines] == ["Kommunstyrelsen Protokoll", "Text"]


def test_wrapped_lines_joined_and_hyphenation_undone():
    lines = [
        pages.Line("1. Att utse André Jönsson och Annika Mellqvist att jämte ordförande och ", 3),
        pages.Line("sekreterare justera dagens protokoll.", 3),
        pages.Line("Ärendet gäller sam-", 3),
        pages.Line("verkan mellan kommunerna från 2024-", 3),
        pages.Line("12-13 och framåt.", 4),
        pages.Line("• Beslut togs om tre dagar.", 4),
    ]
    paras = list(pages.paragraphs(lines))
    assert paras == [
        ("1. Att utse André Jönsson och Annika Mellqvist att jämte ordförande och sekreterare justera dagens protokoll.", 3),
        ("Ärendet gäller samverkan mellan kommunerna från 2024-12-13 och framåt.", 3),
        ("• Beslut togs om tre dagar.", 4),
    ]


def test_pdfium_soft_hyphen_marker():
    assert pdf_reader._split_lines("SIP\ufffeutbildning och sam\ufffeverkan\r\nrad två") == [
        "SIP-utbildning och samverkan",
        "rad två",
    ]
    assert pdf_reader._split_lines("vid in\ufffeoch utskrivning") == ["vid in-och utskrivning"]


def test_compound_cut_short_and_att_clauses_stay_apart():
    lines = [
        pages.Line("Trygg och säker in-", 1),
        pages.Line("och utskrivning gäller från 2025 för alla kommuner i länet och regionen", 1),
        pages.Line("- insatser för suicidprevention från aktivitetskod 964, 400 000 kr", 1),
        pages.Line("att medel rekvideras av Region Blekinge", 1),
        pages.Line("för ”Insatser inom området psykisk hälsa och suicidprevention 2024”", 1),
        pages.Line("att beviljade medel gäller för satsningens tidsperiod", 1),
    ]
    assert [p for p, _ in pages.paragraphs(lines)] == [
        "Trygg och säker in-och utskrivning gäller från 2025 för alla kommuner i länet och regionen",
        "- insatser för suicidprevention från aktivitetskod 964, 400 000 kr",
        "att medel rekvideras av Region Blekinge",
        "för ”Insatser inom området psykisk hälsa och suicidprevention 2024”",
        "att beviljade medel gäller för satsningens tidsperiod",
    ]


def test_label_value_layout_written_column_by_column(tmp_path):
    labels = ["Plats och tid:", "Beslutande:", "Sekreterare:"]
    values = ["Stadshuset, klockan 13.00-15.00", "Anna Andersson, ordförande", "Per Persson"]
    runs = [(72, 700 - 20 * i, t) for i, t in enumerate(labels)]
    runs += [(220, 700 - 20 * i, t) for i, t in enumerate(values)]  # values written after all labels
    f = tmp_path / "labels.pdf"
    f.write_bytes(make_pdf([runs]))
    assert _texts(ingest.read(f)) == [f"{a} {b}" for a, b in zip(labels, values)]


def test_two_text_columns_read_one_after_the_other(tmp_path):
    left = ["Vänster spalt rad ett om budgeten", "vänster spalt rad två om budgeten", "slut på vänster."]
    right = ["Höger spalt börjar här med", "något annat ämne helt och hållet", "slut på höger."]
    runs = [(320, 700 - 14 * i, t) for i, t in enumerate(right)]  # right column first in the stream
    runs += [(60, 700 - 14 * i, t) for i, t in enumerate(left)]
    f = tmp_path / "columns.pdf"
    f.write_bytes(make_pdf([runs]))
    text = " ".join(ingest.read(f).text.split())
    assert text.index("Vänster spalt rad ett") < text.index("slut på vänster.") < text.index("Höger spalt")


@pytest.mark.parametrize("name", ["lsvo-2024-12-13.pdf", "aldras.pdf"])
def test_sample_pdf_bodies_have_no_running_lines(samples, name):
    doc = ingest.read(samples / name)
    for b in doc.blocks:
        assert not re.search(r"Sida \d+ av \d+", b.text), b
        assert "Justerandes signatur" not in b.text, b
        assert "Utdragsbestyrkande" not in b.text, b
        assert b.text not in ("LSVOProtokoll 2024-12-13", "Samverkansgrupp att åldras Protokoll"), b
        assert b.page is not None and 1 <= b.page <= doc.source.pages
    assert doc.blocks[-1].page == doc.source.pages


def test_numbered_clause_on_its_page(samples):
    doc = ingest.read(samples / "lsvo-2024-12-13.pdf")
    first = next(b for b in doc.blocks if b.text.startswith("1. Att utse André Jönsson"))
    assert first.kind == LIST_ITEM and first.number == "1." and first.page == 3
    assert first.text.endswith("justera dagens protokoll.")


@pytest.mark.slow
def test_scanned_pdf_is_read_by_ocr(samples):
    progress = Progress()
    doc = ingest.read(samples / "aldras-scanned.pdf", progress=progress)
    assert (progress.total, progress.done) == (2, 2)  # OCR'd pages are counted
    assert "Godkännande av dagordningen" in doc.text
    assert any("OCR" in w for w in doc.warnings)
    assert {b.page for b in doc.blocks} == {1, 2}


def test_short_page_without_images_keeps_its_text(tmp_path):
    f = tmp_path / "short.pdf"
    f.write_bytes(make_pdf([[(72, 700, "Bilaga 1")]]))
    assert ingest.read(f).text == "Bilaga 1"


def test_garbage_detection():
    assert pdf_reader.is_garbage("")
    assert pdf_reader.is_garbage("\ufffd\ufffd\ufffd \ufffd\ufffd\ufffd\ufffd \ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd")
    assert pdf_reader.is_garbage("xq7 kk3v zz9 #@% 44;; qqq9 ]]x 8z8 77t zx1 11b 5vv 6kk")
    assert not pdf_reader.is_garbage(" ".join(BODY))


def test_ocr_renders_pages_only_as_tesseract_takes_them(monkeypatch):
    """A long scan holds a few page images at a time (regression: every page of the
    file was rendered before the first was recognised, 3.9 MB each at 200 dpi)."""
    import tracemalloc

    import pypdfium2

    from protokoll.ingest import ocr

    pdf = pypdfium2.PdfDocument.new()
    for _ in range(8):
        pdf.new_page(595, 842)  # blank A4: quick for Tesseract, full size to render
    image = len(ocr._render(pdf, 0))
    monkeypatch.setenv("PROTOKOLL_OCR_PROCESSES", "1")
    tracemalloc.start()
    try:
        texts = ocr.recognise_pages(pdf, list(range(8)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert sorted(texts) == list(range(8))
    assert peak < 4 * image, f"{peak / image:.1f} page images in memory at once"


@pytest.mark.parametrize("text, expected", [
    ("", False),                                   # no tokens: nothing says it is not text
    ("Kommunstyrelsen beslutar att anta budgeten", False),
    ("xq zz 12 kk", True),                         # no token is a word
    ("budget xq zz kk 12", True),                  # 1 word in 5: under 4 in 10
    ("budget beslut xq zz 12", False),             # 2 in 5: exactly 4 in 10 is enough
    ("\ufffd\ufffd\ufffd ord", True),              # unmapped glyphs
])
def test_unreadable_text_layers(text, expected):
    assert pdf_reader.unreadable(text) is expected


def test_unreadable_counts_words_as_the_rule_says():
    """The word count stops once there are enough words; it must decide as counting all would."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    token = st.sampled_from(["att", "budget", "Kommunen", "xq", "zz", "12", "k", "§", "Å", "öre", "nämnd:s"])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(token, max_size=40))
    def check(tokens):
        text = " ".join(tokens)
        words = len(pdf_reader._WORDLIKE.findall(text))
        chars = sum(map(len, text.split()))
        unmapped = len(pdf_reader._UNMAPPED.findall(text)) > 0.1 * chars
        assert pdf_reader.unreadable(text) == (unmapped or words < 0.4 * len(text.split()))

    check()
