"""Regression tests for the second round of rules learnt from Nykarleby stad's protocols
(../shared/corpus/nykarleby/): partly broken text layers whose block labels are
misspelt by their fonts ("lörslag:", "beslui:"), OCR words that replace a broken word
once, labels run onto the sentence before them, and treatments whose heading is lost.
Real PDFs where the rule is about PDFs (skipped when the corpus is not here), real lines
of them, as text, where it is about the parser.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from protokoll import ingest, parsers
from protokoll.ingest import garbled

ROOT = Path(__file__).resolve().parent.parent
NYKARLEBY = ROOT.parent / "shared" / "corpus" / "nykarleby"
needs_corpus = pytest.mark.skipif(not NYKARLEBY.is_dir(), reason="../shared/corpus/ is not here")
RADET = NYKARLEBY / "radet_for_funktionshindrade_protokoll_24_05_2023_16_00_163978.pdf"
VALFARD = NYKARLEBY / "valfardsnamnden_protokoll_15_09_2022_18_00_139758.pdf"


def _parse_text(tmp_path, text: str):
    path = tmp_path / "p.txt"
    path.write_text(text, encoding="utf-8")
    return parsers.parse(ingest.read(path))


# --- ingest: a page whose labels are broken is read with OCR ------------------------------


@pytest.mark.parametrize("line", [
    "Bildningsdirektör/t vvllvrdsscel Teresia Töterrann-ngströrs lörslag:",
    "Välfärdsnämndens beslui:",
    "Stadsdirektör Martn Norräårds förslaä:",
    "älfälrisälnäieäs besftt:",
])
def test_broken_block_label_marks_the_page(line):
    assert garbled.broken_label(["Ordförande öppnar sammanträdet.", line])


@pytest.mark.parametrize("line", [
    "Stadsdirektör Martn Norrgårds förslag:",  # a misspelt name, a right label
    "Följande protokollskopior delges stadsstyrelsen:",  # a sentence's colon
    "ni telmassa on kolme keskeistä tavoitetta:",  # Finnish on a bilingual page
    "Nykarlebys webbadress för RIMS kommer att vara:",
])
def test_other_short_lines_ending_in_a_colon_do_not(line):
    assert not garbled.broken_label([line])


@needs_corpus
def test_page_with_a_broken_label_is_read_with_ocr():
    doc = ingest.read(VALFARD)
    warning = next(w for w in doc.warnings if w.startswith("text layer garbled"))
    assert "4" in warning.split(" on pages ")[1].split(":")[0].split(", ")
    item = {i.number: i for i in parsers.parse(doc).items}["40"]
    assert [d.kind for d in item.decisions] == ["proposal", "decision"]


@needs_corpus
def test_ocr_word_replaces_a_broken_word_once():
    # The text layer: "Motion, Gör ackur urnenn tiililgängilig för cililcg F.a Se cng";
    # "ackur urnenn" is one word ("Kackurdunten") that OCR reads once.
    items = {i.number: i for i in parsers.parse(ingest.read(RADET)).items}
    assert items["13"].title.startswith("Motion, Gör Kackurdunten tillgänglig för alla;")
    assert items["13"].title.endswith(" Strang") and " Se " not in items["13"].title


# --- parser --------------------------------------------------------------------------------

ITEM = """Protokoll 15.09.2022

NKBY/496/12.00.00/2022

44 § Rekrytering av välfärdschef

Välfärdsnämnden 15.9.2022, 44 §

Beredning: Bildningsdirektör/t välfärdschef Teresia Töterman-Engström

Presentation av tidtabell och rekrytering av välfärdschef enligt stadsstyrelsens beslut. Bildningsdirektör/t välfärdschef Teresia Töterrann-ngströrs förslag: Antecknas för kännedom.

Välfärdsnärndens beslut:

Antecknades för kännedom.

______
"""


def test_label_with_its_text_run_onto_the_sentence_before(tmp_path):
    item = _parse_text(tmp_path, ITEM).items[0]
    assert [(d.kind, d.outcome, d.clauses) for d in item.decisions] == [
        ("proposal", "noted", ("Antecknas för kännedom.",)),
        ("decision", "noted", ("Antecknades för kännedom.",)),
    ]


def test_bare_label_run_onto_the_sentence_before(tmp_path):
    text = ITEM.replace(
        "Presentation av tidtabell och rekrytering av välfärdschef enligt stadsstyrelsens beslut. "
        "Bildningsdirektör/t välfärdschef Teresia Töterrann-ngströrs förslag: Antecknas för kännedom.",
        "I tur att justera protokollet är medlemmarna Helena Häggström och Kent Wikblad. Förslag:\n\n"
        "Rådet utser protokolljusterare.")
    item = _parse_text(tmp_path, text).items[0]
    assert [(d.kind, d.clauses) for d in item.decisions] == [
        ("proposal", ("Rådet utser protokolljusterare.",)),
        ("decision", ("Antecknades för kännedom.",)),
    ]


def test_organs_label_with_its_text_after_a_proposal_is_a_decision(tmp_path):
    # "Välfärdsnämndens beslut: Antecknades för kännedom." under a person's proposal: the
    # label decides the kind, not the proposal above it.
    text = ITEM.replace("Välfärdsnärndens beslut:\n\nAntecknades", "Välfärdsnämndens beslut: Antecknades")
    item = _parse_text(tmp_path, text).items[0]
    assert [(d.kind, d.clauses) for d in item.decisions][-1] == ("decision", ("Antecknades för kännedom.",))


EARLIER = """Protokoll 24.05.2023

NKBY/702/12.00.00/2022

13 § Motion, Gör Kackurdunten tillgänglig för alla; F. Strang

Tidigare behandling:

Stadsstyrelsen 26.9.2022, 202 §

Stadsdirektör Martin Norrgårds förslag:

Motionen överförs till rådet för funktionshindrade och tekniska nämnden för vidare beredning.

Stadsstyrelsens beslut:

Stadsstyrelsen beslöt i enlighet med stadsdirektörens förslag.

______

Gör Kackurdunten tillgänglig för alla

Beredning: Kommunikationskoordinator Johan Svenlin

Emilia Ingman, planläggningsingenjör på Nykarleby stad, redogör för tekniska förutsättningar.

Ordförandes förslag:

Rådet diskuterar och ger utlåtande.

Beslut:

Rådet överför sitt ställningstagande till tekniska nämnden.

______
"""


def test_preparation_after_a_ruled_off_block_starts_the_next_treatment(tmp_path):
    # The treatment's heading ("Rådet för funktionshindrade 24.5.2023, 13 §") is lost
    # in a broken text layer; its "Beredning:" still says where it begins.
    item = _parse_text(tmp_path, EARLIER).items[0]
    assert [d.kind for d in item.decisions] == ["proposal", "decision"]
    assert item.decisions[0].clauses == ("Rådet diskuterar och ger utlåtande.",)


COVER = """Organ Personalsektionen

Sammanträdestid 28.3.2023 kl. 15.02-16.55

Sammanträdesplats Stadshuset, Topeliusesplanaden 7

Ärenden §§ 13-24

Beslutande

ordinarie ersättare

[X] Frostdahl-Blomqvist Siw, ordförande [ ] Palm Maria

[X] Wik Tobias [ ] Pott Henrik

[X] Lindgrén Marléne [ ] Lindvall Mikael

Övriga närvarande

Norrgård Martn, stadsdirektör och föredragande

Wikblad Kristna, personalchef, protokollförare

Elektroniska underskrifer

Siw Frostdahl-Blomqvist Kristna Wikblad

ordförande protokollförare

"""


def test_label_without_a_ligatures_letter_ends_the_list(tmp_path):
    # "Elektroniska underskrifer": the font dropped the "t" of the "ft" ligature.
    protocol = _parse_text(tmp_path, COVER + ITEM.split("\n\n", 1)[1])
    officials = [a.name for a in protocol.attendance if a.status == "official"]
    assert officials == ["Norrgård Martn", "Wikblad Kristna"]


def test_dnr_whose_serial_follows_the_pages_is_no_page_count():
    # One item a page, the Dnr's serial number one more on each page ("NKBY/56/…" on
    # page 7, "NKBY/57/…" on page 8): like a page count, but a code of several numbers.
    from protokoll.ingest import pages

    doc = [[f"Protokoll 30.01.2023 Sida\t{n} §", f"Ungdomsfullmäktige\t{n}", f"NKBY/{51 + n}/12.03.01/2023",
            f"{n} § Ärende nummer {n}", "Beredning: Ungdomsledare Katarina Östman",
            f"Text om ärende {n} på sin sida.", "Ungdomsfullmäktiges beslut:", "Godkändes."]
           for n in range(5, 10)]
    kept = [ln.text for ln in pages.remove_running_lines(doc)]
    assert [t for t in kept if t.startswith("NKBY/")] == [f"NKBY/{51 + n}/12.03.01/2023" for n in range(5, 10)]
    assert not any(t.startswith("Protokoll 30.01.2023") for t in kept)


AGENDA_ITEM = """Föredragningslista 26.09.2022

NKBY/531/10.03.01/2022

195 § Ansökan om undantag; 893-419-6-79

Stadsstyrelsen 26.9.2022, 195 §

Beredning: Byggnadsinspektör Tommy Isaksson

Ägaren till fastigheten 893-419-6-79 anhåller om undantag från bestämmelserna i strandplanen.

Stadsdirektör Martin Norrgårds förslag:

Stadsstyrelsen beviljar undantaget.

Stadsstyrelsens beslut:

______
"""


def test_number_ending_the_title_is_the_titles_under_a_dnr_line(tmp_path):
    item = _parse_text(tmp_path, AGENDA_ITEM).items[0]
    assert (item.title, item.dnr) == ("Ansökan om undantag; 893-419-6-79", "NKBY/531/10.03.01/2022")
