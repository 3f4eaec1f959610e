"""Regression tests for the rules learnt from Nykarleby stad's protocols (../shared/corpus/nykarleby/).

Their PDFs give each page's header block ("Protokoll 28.03.2023 Sida", the organ, the
item number "13 §" in the margin, the page number) after the body text; several fonts
map glyphs to the wrong characters; items are Finland-Swedish ("13 §", a Dnr such as
"NKBY/302/00.01.03.01/2022" above the heading, "Förslag:" and "Personalsektionens
beslut:" blocks, treatment headings such as "Personalsektionen 20.2.2023, 4 §").
The tests read the real PDFs where the rule is about PDFs (skipped when the corpus is
not here) and real lines of them, as text, where it is about the parser.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from protokoll import ingest, parsers
from protokoll.ingest import pages, placement, swedish
from protokoll.ingest import pdf as pdf_ingest

ROOT = Path(__file__).resolve().parent.parent
NYKARLEBY = ROOT.parent / "shared" / "corpus" / "nykarleby"
SAMPLES = ROOT / "samples"
needs_corpus = pytest.mark.skipif(not NYKARLEBY.is_dir(), reason="../shared/corpus/ is not here")

PERSONAL = NYKARLEBY / "personalsektionen_protokoll_28_03_2023_15_00_159076.pdf"
UNGDOM = NYKARLEBY / "ungdomsfullmaktige_protokoll_30_01_2023_16_15_153457.pdf"


def _parse_text(tmp_path, text: str, name: str = "p.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parsers.parse(ingest.read(path))


# --- ingest: the header the text layer gives last ---------------------------------------


@needs_corpus
def test_header_given_last_is_placed_by_position():
    pdf = pdfium.PdfDocument(str(PERSONAL))
    try:
        page = pdf[3]  # page 4: § 13
        tp = page.get_textpage()
        text = tp.get_text_range()
        assert text.rstrip().endswith("1")  # the text layer ends with the header block
        lines = placement.placed_lines(tp, text)
        tp.close()
    finally:
        pdf.close()
    assert lines[0] == "Protokoll 28.03.2023 Sida\t13 §"
    assert lines[1].startswith("Personalsektionen\t")
    assert lines[2].startswith("13 § Sammanträdets laglighet")


@needs_corpus
def test_running_header_item_number_is_never_an_item():
    protocol = parsers.parse(ingest.read(PERSONAL))
    assert [i.number for i in protocol.items] == [str(n) for n in range(13, 25)]
    assert protocol.items[0].title.startswith("Sammanträdets laglighet")
    assert not any("Protokoll 28.03.2023" in (i.title or "") for i in protocol.items)


WORDS = "alfa beta gamma delta epsilon zeta eta theta jota kappa lambda my ny xi omikron pi rho sigma".split()


def _prose(page: int, n: int = 6) -> list[str]:
    """Lines of text unlike any on another page."""
    return [f"{WORDS[page % len(WORDS)]} {WORDS[(page + k) % len(WORDS)]} {WORDS[k]} text" for k in range(n)]


def test_header_on_part_of_the_pages_goes():
    # The protocol's pages carry the header; the attachment pages between them do not.
    doc = []
    for p in range(1, 13):
        if p % 3 == 1:
            doc.append([f"Protokoll 28.03.2023 Sida\t{10 + p} §", f"Personalsektionen\t{p}", *_prose(p)])
        else:
            doc.append(["Bilaga", *_prose(p)])
    kept = [ln.text for ln in pages.remove_running_lines(doc)]
    assert not any(t.startswith(("Protokoll 28.03.2023", "Personalsektionen")) for t in kept)
    assert not any(t.endswith("§") for t in kept)  # the item label beside the header went with it
    assert _prose(1)[0] in kept


def test_labels_on_half_the_pages_are_no_header():
    # Lomma's "Beslut:" over "Barn- och utbildningsnämnden beslutar följande:" at the top
    # of many pages stand together, but no line with the same digits on them does.
    doc = []
    for p in range(1, 11):
        lines = [f"BUN § {58 + p}\tBUN/2023:{(37 * p) % 200}"]
        if p in (2, 3, 6, 9):  # on fewer than half the pages, as a header on a part of them
            lines += ["Beslut:", "Barn- och utbildningsnämnden beslutar följande:"]
        doc.append(lines + _prose(p))
    kept = [ln.text for ln in pages.remove_running_lines(doc)]
    assert kept.count("Beslut:") == 4
    assert "BUN § 59\tBUN/2023:37" in kept


# --- ingest: garbled text layers --------------------------------------------------------

GARBLED_PAGE = (
    "Val av protokolljusterare Förslag: Personalsektonenn usernprouokollj suerare. "
    "Prouokolleunj suerasnelekuroniskunsenasun31.3.2023. Personalsektionens beslut: "
    "Tillnprouokollj suerarenvaldesnMarikanHolmbergnochnTobiasnWik.nProuokolleunj "
    "suerasnelekuroniskunsenasun31.3.2023. Godkännande av föredragningslistan Förslag: "
    "Personalsektonenn ookkännernföreora nin slisaannochnbesluaarno nevenauellan tllkä skärenoen "
    "Personalsektionens beslut: Föreora nin slisaann ookkänoes"
)
GOOD_PAGE = (
    "Ordförande öppnar sammanträdet och konstaterar om personalsektionen är lagligt "
    "sammankallad och beslutför. Personalsektionens beslut: Sammanträdet konstaterades vara i "
    "laga ordning sammankallat och med hänsyn till antalet ledamöter även beslutfört. "
    "Personalenkäten ska utföras 2022. Senast gjordes den 2020 som Kevas webbaserade "
    "arbetshälsoenkät, som hjälper organisationen att utvärdera och utveckla ledningen av "
    "arbetshälsa och arbetsförmåga."
)


def test_garbled_text_layer_is_recognised():
    assert swedish.share(GARBLED_PAGE) < pdf_ingest.GARBLED
    assert swedish.share(GOOD_PAGE) > pdf_ingest.GARBLED + 0.2
    assert pdf_ingest.garbled_text(GARBLED_PAGE.split(". "))
    assert not pdf_ingest.garbled_text(GOOD_PAGE.split(". "))


def test_lemmas_load_lazily():
    import importlib
    import sys

    sys.modules.pop("protokoll.ingest.swedish", None)
    fresh = importlib.import_module("protokoll.ingest.swedish")
    assert fresh.lemmas.cache_info().currsize == 0  # nothing read at import
    assert fresh.is_swedish("sammanträdet") and fresh.is_swedish("personalsektionens")
    assert not fresh.is_swedish("usernprouokollj")


@pytest.mark.parametrize("sample", ["aldras.pdf", "lsvo-2024-12-13.pdf"])
def test_good_pages_are_not_ocrd(sample):
    doc = ingest.read(SAMPLES / sample)
    assert not any("garbled" in w or "OCR" in w for w in doc.warnings)


@needs_corpus
def test_garbled_pages_are_read_with_ocr_and_named():
    doc = ingest.read(UNGDOM)
    warning = next(w for w in doc.warnings if w.startswith("text layer garbled"))
    named = {int(n) for n in warning.split(" on pages ")[1].split(":")[0].split(", ")}
    assert {8, 11} <= named  # mostly no Swedish words
    assert 3 in named  # "1 § Sammanträdets laglighet och beslutfrhet"
    assert not named & {1, 2}  # the cover and the table of contents read well
    protocol = parsers.parse(doc)
    item = {i.number: i for i in protocol.items}["9"]  # its page's text layer is garbled
    assert item.title == "Övriga ärenden, ungdomsfullmäktige 30.1.2023, ersättare i ungdomsfullmäktige"
    assert [d.kind for d in item.decisions] == ["decision"]


# --- parser: Finland-Swedish items ------------------------------------------------------

ITEMS = """Organ Personalsektionen

Sammanträdestid 29.5.2023 kl. 15.03–16.26

NKBY/382/01.02.00/2023

28 § Allmän löneförhöjning 1.6.2023

Personalsektionen 29.5.2023, 28 §

Beredning: personalchef Kristina Wikblad

Stadsdirektör Martin Norrgårds förslag:

Personalsektionen antecknar ärendet för kännedom.

Personalsektionens beslut:

Ärendet antecknades för kännedom.

_____

NKBY/302/00.01.03.01/2022

29 § Personalenkät 2022

Tidigare behandling:

Samarbetsgruppen 12.1.2023, 7 §

Personalchef Kristina Wikblads förslag:

Samarbetsgruppen antecknar arbetshälsoenkät 2022 för kännedom.

Samarbetsgruppens beslut:

Ärendet antecknades för kännedom.

_____

Personalsektionen 29.5.2023, 29 §

Förslag:

Personalsektionen godkänner enkäten.

Personalsektionens beslut:

Förslaget godkändes.
"""


def test_dnr_above_the_heading_is_the_items(tmp_path):
    protocol = _parse_text(tmp_path, ITEMS)
    assert [(i.number, i.dnr) for i in protocol.items] == [
        ("28", "NKBY/382/01.02.00/2023"), ("29", "NKBY/302/00.01.03.01/2022"),
    ]
    assert "NKBY/302" not in protocol.items[0].text


def test_date_ending_a_title_is_no_dnr(tmp_path):
    protocol = _parse_text(tmp_path, ITEMS)
    assert protocol.items[0].title == "Allmän löneförhöjning 1.6.2023"


def test_person_proposal_and_organ_decision_labels(tmp_path):
    item = _parse_text(tmp_path, ITEMS).items[0]
    assert [(d.kind, d.outcome) for d in item.decisions] == [("proposal", "noted"), ("decision", "noted")]
    assert item.decisions[0].by == "Stadsdirektör Martin Norrgård"


def test_only_the_last_treatment_counts(tmp_path):
    item = _parse_text(tmp_path, ITEMS).items[1]
    assert [(d.kind, d.clauses) for d in item.decisions] == [
        ("proposal", ("Personalsektionen godkänner enkäten.",)),
        ("decision", ("Förslaget godkändes.",)),
    ]


def test_empty_decision_label_before_a_rule_is_no_block(tmp_path):
    text = ITEMS.replace("Personalsektionens beslut:\n\nÄrendet antecknades för kännedom.\n\n_____",
                         "Personalsektionens beslut:\n\n_____", 1)
    item = _parse_text(tmp_path, text).items[0]
    assert [d.kind for d in item.decisions] == ["proposal"]


def test_meeting_time_from_the_cover(tmp_path):
    # The organ's field is one line; a misspelt label ("Sammanträdestd", a broken
    # font) leaves its line unlabelled, and the agenda's own header says only "kl. 18:00".
    text = ("Organ Välfärdsnämnden\n\nSammanträdestd 15.9.2022 kl. 18.00 – 19.37\n\n"
            "Sammanträdesplats Stadshuset\n\nOrgan\n\nSammanträdestid 15.09.2022 kl. 18:00\n\n"
            + ITEMS.split("\n\n", 2)[2])
    meeting = _parse_text(tmp_path, text).meeting
    assert (meeting.body, meeting.start, meeting.end) == ("Välfärdsnämnden", "18:00", "19:37")


def test_dnr_joined_onto_the_line_before_the_heading(tmp_path):
    # The attachment's label at the end of the page before, the Dnr at the top of the next.
    text = ITEMS.replace("_____\n\nNKBY/302/00.01.03.01/2022",
                         "Bilaga Personalsektionen, 28.03.2023 § 21 NKBY/302/00.01.03.01/2022", 1)
    protocol = _parse_text(tmp_path, text)
    assert [(i.number, i.dnr) for i in protocol.items][1] == ("29", "NKBY/302/00.01.03.01/2022")


def test_treatment_heading_with_a_stray_glyph(tmp_path):
    # "Ungdomsfullmäktge 28.11.2022, 37 §꺜": a broken font adds a glyph after the "§".
    text = ITEMS.replace("Personalsektionen 29.5.2023, 29 §", "Personalsektionen 29.5.2023, 29 §\ua69c", 1)
    item = _parse_text(tmp_path, text).items[1]
    assert [d.kind for d in item.decisions] == ["proposal", "decision"]


def test_label_run_onto_the_sentence_before(tmp_path):
    text = ITEMS.replace("Personalsektionen antecknar ärendet för kännedom.\n\nPersonalsektionens beslut:",
                         "Personalsektionen antecknar ärendet för kännedom. Personalsektionens beslut:", 1)
    item = _parse_text(tmp_path, text).items[0]
    assert [(d.kind, d.clauses) for d in item.decisions] == [
        ("proposal", ("Personalsektionen antecknar ärendet för kännedom.",)),
        ("decision", ("Ärendet antecknades för kännedom.",)),
    ]


def test_decision_verb_under_a_proposal_label_is_proposed(tmp_path):
    # An agenda: "Stadsdirektör … förslag:" then "… Stadsstyrelsen beslutar att …"; the
    # decision's own label ("Stadsstyrelsens beslut:") stays empty until the meeting.
    text = ITEMS.replace(
        "Personalsektionen antecknar ärendet för kännedom.\n\nPersonalsektionens beslut:\n\nÄrendet antecknades för kännedom.",
        "Informationsärenden antecknas för kännedom.\n\nPersonalsektionen beslutar att inte utöva sin rätt "
        "att överta behandlingen.\n\nPersonalsektionens beslut:", 1)
    item = _parse_text(tmp_path, text).items[0]
    assert [d.kind for d in item.decisions] == ["proposal"]


def test_heading_with_a_broken_word_marks_the_page():
    from protokoll.ingest import garbled

    assert garbled.broken_heading(["Ordförande öppnar sammanträdet.", "13 § Sammanträdets laglighet och beslutfrhet"])
    assert not garbled.broken_heading(["13 § Sammanträdets laglighet och beslutförhet"])
    # A table of contents' entry is not the item's heading.
    assert not garbled.broken_heading(["13 § Sammanträdets laglighet och beslutfrhet ........................ 1"])


@needs_corpus
def test_broken_heading_read_with_ocr():
    protocol = parsers.parse(ingest.read(UNGDOM))
    assert protocol.items[0].title == "Sammanträdets laglighet och beslutförhet"


def test_label_at_the_foot_of_most_pages_is_no_running_line():
    # One item a page: each page ends with its decision's label and text.
    doc = [[f"{n} § Ärende {WORDS[n]}", *_prose(n, 3), "Ungdomsfullmäktiges beslut:", f"{WORDS[n]} godkändes."]
           for n in range(1, 9)]
    kept = [ln.text for ln in pages.remove_running_lines(doc)]
    assert kept.count("Ungdomsfullmäktiges beslut:") == 8


@needs_corpus
def test_word_with_a_control_character_is_read_with_ocr():
    # '20 § Nationella kampaaneen "Mileone\x10 sopapassa\x10"': the font maps "r" and "å" to controls.
    doc = ingest.read(NYKARLEBY / "ungdomsfullmaktige_protokoll_09_05_2023_16_15_162526.pdf")
    item = {i.number: i for i in parsers.parse(doc).items}["20"]
    assert item.title == 'Nationella kampanjen "Miljoner soppåsar"'
