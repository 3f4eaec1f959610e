"""Regression tests for rules learnt from the Riksbank's and Högsby's protocols in
../shared/corpus/ (riksbank/, hogsby/).

Most are built from lines as they stand in those PDFs (PDFium's text, a trailing space
where the PDF has one) and read through the real ingest and parser; the ones that need
the positions of the lines on a page read the corpus PDF itself and are skipped where
../shared/corpus/ is missing (as tests/test_corpus.py is).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from protokoll import ingest, parsers
from protokoll.ingest import pages

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
HOGSBY = CORPUS / "hogsby" / "hogsby-ks-2007-01-08.pdf"
needs_corpus = pytest.mark.skipif(not HOGSBY.is_file(), reason="../shared/corpus/ is not here (a clone without it)")


def paragraphs(page_lines: list[list[str]]) -> list[str]:
    """The paragraphs ingest makes of pages of PDF lines (running lines removed first)."""
    return [text for text, _ in pages.paragraphs(pages.remove_running_lines(page_lines))]


# pro_penningpol_120417.pdf, page 35: the chair's summary ends with a space, then § 4.
SUMMARY_THEN_4 = [
    "Ordförande, riksbankschef Stefan Ingves, konstaterade slutligen att det råder enighet om ",
    "att tillväxten i Sverige blir svag i år för att därefter förbättras. Det finns däremot olika ",
    "uppfattningar om hur expansiv den svenska penningpolitiken behöver vara för att ",
    "senaste penningpolitiska rapporten. Majoriteten ställer sig emellertid bakom den ",
    "föreslagna räntebanan och att reporäntan lämnas oförändrad på 1,5 procent. ",
    "§4. Penningpolitiskt beslut",
    "Direktionen beslutade efter omröstning",
]


def test_a_section_sign_heading_without_a_space_starts_a_paragraph():
    out = paragraphs([SUMMARY_THEN_4])
    assert "§4. Penningpolitiskt beslut" in out
    assert out[0].endswith("lämnas oförändrad på 1,5 procent.")


# pro_penningpolitiskt_160104_sve.pdf, page 3: the last line of a paragraph ends in a space.
ITEM_4_2016 = [
    "§4. Penningpolitiska åtgärder",
    "Christina Nyman la fram underlag till direktionens diskussion om penningpolitiska ",
    "åtgärder. ",
    "Direktionen beslutade enligt protokollsbilaga A.",
    "Martin Flodén reserverade sig mot beslutet, se protokollsbilaga B.",
    "Heidi Elmér gav en uppdatering av den senaste utvecklingen på de finansiella ",
    "marknaderna. ",
    "Christina Nyman redovisade det aktuella ekonomiska läget. ",
]


def test_a_short_line_that_ends_a_sentence_ends_its_paragraph_despite_its_space():
    out = paragraphs([ITEM_4_2016])
    assert "Christina Nyman la fram underlag till direktionens diskussion om penningpolitiska åtgärder." in out
    assert "Direktionen beslutade enligt protokollsbilaga A." in out
    assert "Christina Nyman redovisade det aktuella ekonomiska läget." in out


def _hogsby_page(n: int, body: list[str]) -> list[str]:
    # hogsby-ks-2007-01-08.pdf: PDFium gives the header, then the footer, then the text.
    head = [f"HÖGSBY KOMMUN PROTOKOLL {n}", "Kommunstyrelsen", "Sammanträdesdatum 2007-01-08",
            "Justerandes sign Utdragsbestyrkande"]
    return head + body


def test_a_label_near_the_bottom_of_short_pages_that_also_stands_inside_pages_is_kept():
    short = [
        _hogsby_page(3, ["KS § 2 DNR:KNSLI/20014197", "Möjligheternas kommun",
                         "Ewa Engdahl redogör för Högsby kommuns policy ”Möjligheternas kommun”.",
                         "Kommunstyrelsens beslut", "Godkänna rapporten."]),
        _hogsby_page(4, ["KS § 3 a DNR:KF/2006.203", "Budget och målsättningar 2007-2009",
                         "Ewa Engdahl informerar om budget och målsättningar 2007-2009 och",
                         "Kommunstyrelsens beslut", "Godkänna informationen."]),
    ]
    long = [
        _hogsby_page(n, [f"KS § {n} DNR:KF/2006.366", f"Val av utskott {n}", "Kommunstyrelsens beslut",
                         "Till utskott från och med 2007-01-08 till och med 2010-12-31 utses:",
                         "Ordinarie", "(C) Ingemar Svanström", "(KD) Ingemar Bergquist", "(S) Nedzad Talovic",
                         "Ersättare", "(C) Kjell Front", "(KD) Marita Björkvall"])
        for n in (6, 7)
    ]
    out = pages.remove_running_lines(short + long)
    kept = [ln.page for ln in out if ln.text == "Kommunstyrelsens beslut"]
    assert kept == [1, 2, 3, 4]
    assert not any(ln.text == "Kommunstyrelsen" for ln in out)  # the real running header goes


@needs_corpus
def test_a_pdf_that_ends_every_line_with_a_space_keeps_its_headings_and_paragraphs():
    texts = [b.text for b in ingest.read(HOGSBY).blocks]
    for line in ("KS § 1 DNR:KU/2007.9", "Godkännande av dagordning", "Godkänna rapporten.",
                 "Kommunstyrelsens beslut", "Utseende av arbetsgrupp för bildande av energibolag",
                 "Till ordförande utses Ewa Engdahl och till vice ordförande utses Roger Samuelsson."):
        assert line in texts


def test_an_item_heading_that_ends_in_a_space_is_not_joined_to_the_speaker_below():
    # penningpolitiskt-protokoll-8-februari-2023.pdf, page 9
    out = paragraphs([[
        "§3b. Det ekonomiska läget och penningpolitiken ",
        "Förste vice riksbankschef Anna Breman: ",
        "Jag stödjer förslaget att höja styrräntan, räntebanan och prognoserna i utkastet till ",
        "penningpolitisk rapport. Jag ställer mig även bakom förslaget att sälja nominella och reala ",
    ]])
    assert out[:2] == ["§3b. Det ekonomiska läget och penningpolitiken", "Förste vice riksbankschef Anna Breman:"]


def text_file(tmp_path, text: str, name="protokoll.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parsers.parse(ingest.read(path))


# pro_penningpol_120417.pdf, pages 1 and 35-36, cut down.
RIKSBANK_2012 = """PENNINGPOLITISKT PROTOKOLL
Direktionen, Nr 2
DATUM: 2012-04-17
MÖTESTID: 9.00
NÄRVARANDE: Stefan Ingves, ordförande
Karolina Ekholm

§3. Den ekonomiska utvecklingen i Sverige och penningpolitisk diskussion

Majoriteten ställer sig emellertid bakom den föreslagna räntebanan och att reporäntan lämnas oförändrad på 1,5 procent.

§4. Penningpolitiskt beslut

Direktionen beslutade efter omröstning

19 Svensson, Lars E.O. (2012), Comment on Michael Woodford, ”Inflation Targeting and Financial Stability”. Penning- och valutapolitik 2012:1, s. 33-39.

- att fastställa den penningpolitiska uppföljningen enligt förslaget, protokollsbilaga A,
- att offentliggöra den penningpolitiska uppföljningen onsdagen den 18 april 2012 kl. 9.30,
- att lämna reporäntan oförändrad på 1,5 procent och att detta beslut tillämpas från och med onsdagen den 25 april 2012,
- att onsdagen den 18 april 2012 kl. 9.30 offentliggöra räntebeslutet ovan med motivering i ett pressmeddelande, samt
- att protokollet från dagens sammanträde ska publiceras onsdagen den 2 maj
2012 kl. 9.30.

Vice riksbankscheferna Karolina Ekholm och Lars E. O. Svensson reserverade sig mot beslutet om oförändrad reporänta och mot räntebanan i den penningpolitiska uppföljningen.

Denna paragraf förklarades omedelbart justerad.
"""


def test_motestid_is_the_meeting_time(tmp_path):
    p = text_file(tmp_path, RIKSBANK_2012)
    assert (p.meeting.start, p.meeting.end) == ("09:00", None)
    assert p.meeting.date == "2012-04-17"


def test_reserverade_sig_with_a_title_and_initials_is_a_reservation(tmp_path):
    p = text_file(tmp_path, RIKSBANK_2012)
    item = {it.number: it for it in p.items}["4"]
    assert item.reservations == ("Karolina Ekholm", "Lars E. O. Svensson")


def test_a_footnote_between_the_opener_and_its_att_clauses_keeps_them_in_the_block(tmp_path):
    p = text_file(tmp_path, RIKSBANK_2012)
    items = {it.number: it for it in p.items}
    assert [it.number for it in p.items] == ["3", "4"]
    assert items["3"].decisions == ()
    (decision,) = items["4"].decisions
    assert decision.by == "Direktionen" and len(decision.clauses) == 5


@needs_corpus
def test_a_header_row_spread_over_the_page_is_not_wrapped_into_the_first_field():
    texts = [b.text for b in ingest.read(HOGSBY).blocks]
    assert texts[0] == "HÖGSBY KOMMUN Protokoll 1(14 )"
    assert texts[1].startswith("Plats och tid Kommunhusets tingssal")
    p = parsers.parse(ingest.read(HOGSBY))
    assert (p.meeting.start, p.meeting.end) == ("08:30", "09:30")


# protokoll-fran-det-penningpolitiska-motet-16-mars-2020.pdf, page 4
RIKSBANK_2020_4 = """§4 Penningpolitiskt beslut

Direktionen beslutade

- om ytterligare likviditetsfrämjande åtgärder enligt protokollsbilaga A,
- om obligationsköp i penningpolitiskt syfte enligt protokollsbilaga B,
- om ändrade begränsningsregler gällande säkerheter enligt protokollsbilaga C,
- att offentliggöra det penningpolitiska beslutet med motivering i ett pressmeddelande måndagen den 16 mars 2020 senast kl. 20:00,
- att publicera protokollet från dagens sammanträde torsdagen den 26 mars 2020 kl. 9:30.

Denna paragraf förklarades omedelbart justerad.
"""


def test_list_points_ending_in_a_comma_are_each_a_clause(tmp_path):
    (item,) = text_file(tmp_path, RIKSBANK_2020_4).items
    (decision,) = item.decisions
    assert len(decision.clauses) == 5
    assert decision.clauses[1] == "om obligationsköp i penningpolitiskt syfte enligt protokollsbilaga B,"


# penningpolitiskt-protokoll-8-februari-2023.pdf, page 29 (PDFium's lines)
RIKSBANK_2023_4 = [
    "26 [26]",
    "§4. Penningpolitiskt beslut",
    "Direktionen beslutade",
    "• att genomföra penningpolitiska åtgärder i enlighet med vad som anges i ",
    "protokollsbilaga A. (i) Styrräntan höjs med 0,5 procentenheter till 3,0 procent och att ",
    "detta beslut tillämpas från och med onsdagen den 15 februari 2023, (ii) månadsvisa ",
    "motsvarar banksystemets hela likviditetsöverskott gentemot Riksbanken.",
    "\uf0b7 att fastställa den penningpolitiska rapporten enligt förslaget, protokollsbilaga B",
    "Penningpolitisk rapport,",
    "\uf0b7 att offentliggöra det penningpolitiska beslutet med motivering i ett pressmeddelande ",
    "torsdagen den 9 februari kl. 9:30,",
    "\uf0b7 att publicera protokollet från dagens sammanträde måndagen den 20 februari 2023",
    "kl. 9:30.",
    "Denna paragraf förklarades omedelbart justerad.",
    "Vid protokollet:",
]


def test_a_wrapped_point_that_goes_on_in_upper_case_and_ends_in_a_comma_stays_one_clause(tmp_path):
    path = tmp_path / "riksbank.txt"
    path.write_text("\n".join(RIKSBANK_2023_4) + "\n", encoding="utf-8")
    (item,) = parsers.parse(ingest.read(path)).items
    (decision,) = item.decisions
    assert len(decision.clauses) == 4
    assert decision.clauses[1].endswith("protokollsbilaga B Penningpolitisk rapport")


# hogsby-ks-2007-01-08.pdf, pages 3 and 10-11, cut down.
HOGSBY_PAGES = """Kommunstyrelsen

Plats och tid Kommunhusets tingssal måndagen den 8 januari 2007
kl 08.30-09.30

KS § 2 DNR:KNSLI/20014197

Möjligheternas kommun

Ewa Engdahl redogör för Högsby kommuns policy ”Möjligheternas kommun”.

Kommunstyrelsens beslut

Godkänna rapporten.

KS § 8 DNR:KU/2006.435

Utseende av arbetsgrupp för bildande av energibolag

Kommunledningsutskottets förslag

KU § 317 06-12-05

Utskotten föreslår KS att ett Energibolag bildas i Högsby kommun. En arbetsgrupp på två politiker och en tjänsteman bildas för att förbereda Energibolagets organisation.

___

Information lämnas av Peter Siilak och Ewa Engdahl.

KS § 437 06-12-13

Tillsätta en arbetsgrupp med två politiker och en tjänsteman för att ta fram underlag angående bildande av ett energibolag.

Partierna nominerar kandidater till kommunstyrelsens sammanträde den 19 december.

___

Kommunstyrelsens beslut

Till arbetsgrupp utses:

Patrik Köhler
Raymond Asp
Anders Svensson

Till sammankallande utses Patrik Köhler.

KS § 9 DNR: KF/2006.437

Inkallande av ersättare vid ordinarie ledamots förhinder

Ewa Engdahl informerar om vad som gäller enligt kommunstyrelsens reglemente när en ledamot är förhindrad att delta i ett sammanträde.

Kommunstyrelsens beslut

Godkänna informationen.
"""


def test_a_section_reference_with_a_date_in_the_margin_is_not_an_item(tmp_path):
    p = text_file(tmp_path, HOGSBY_PAGES)
    assert [it.number for it in p.items] == ["2", "8", "9"]


def test_a_heading_with_only_a_dnr_beside_it_takes_its_title_from_the_line_below(tmp_path):
    items = {it.number: it for it in text_file(tmp_path, HOGSBY_PAGES).items}
    assert (items["2"].title, items["2"].dnr) == ("Möjligheternas kommun", "KNSLI/20014197")
    assert (items["9"].title, items["9"].dnr) == ("Inkallande av ersättare vid ordinarie ledamots förhinder", "KF/2006.437")


# hogsby-ks-2007-01-08.pdf, pages 5, 12 and 13: decisions written without "att".
HOGSBY_DECISIONS = """Kommunstyrelsen

KS § 3 b DNR: KF/2006.366

Val av kommunledningsutskott

Kommunstyrelsens beslut

Till kommunledningsutskott från och med 2007-01-08 till och med 2010-12-31 utses:

Ordinarie

(C) Ewa Engdahl
(C) Stefan Carlsson
(M) Patrik Köhler

Ersättare

(KD) Ingemar Bergquist
(C) Kerstin Karlström

Till ordförande utses Ewa Engdahl och till vice ordförande utses Roger Samuelsson.

KS § 10 DNR:SU/2006.47

Kallelse till extra kommunstyrelse den 26 januari 2007

Ewa Engdahl informerar om att kommunstyrelsen kallas till en utbildningsdag om äldreboendefrågorna i kommunen.

Kommunstyrelsens beslut

Godkänna informationen.

KS § 11 DNR:KU/2007.15

Information från Regionförbundet

Ewa Engdahl informerar från Regionförbundets veckobrev.

Kommunstyrelsens beslut

Godkänna informationen.

Regionförbundets veckobrev delges kommunstyrelsens ledamöter digitalt.
"""


def test_a_decision_without_att_counts_its_statements_with_the_names_listed_under_one(tmp_path):
    items = {it.number: it for it in text_file(tmp_path, HOGSBY_DECISIONS).items}
    (decision,) = items["3b"].decisions
    assert decision.by == "Kommunstyrelsen" and decision.kind == "decision"
    assert len(decision.clauses) == 2
    assert decision.clauses[0].endswith("(C) Kerstin Karlström")
    assert decision.clauses[1].startswith("Till ordförande utses Ewa Engdahl")


def test_a_decision_under_its_own_label_takes_a_further_one_sentence_decision(tmp_path):
    items = {it.number: it for it in text_file(tmp_path, HOGSBY_DECISIONS).items}
    (decision,) = items["11"].decisions
    assert decision.clauses == ("Godkänna informationen.",
                                "Regionförbundets veckobrev delges kommunstyrelsens ledamöter digitalt.")
    assert decision.outcome == "decided"


def test_godkanna_informationen_alone_only_notes(tmp_path):
    items = {it.number: it for it in text_file(tmp_path, HOGSBY_DECISIONS).items}
    (decision,) = items["10"].decisions
    assert (decision.clauses, decision.outcome) == (("Godkänna informationen.",), "noted")


def test_the_margin_reference_is_no_statement_of_the_proposal_and_the_quoted_decision_no_block(tmp_path):
    items = {it.number: it for it in text_file(tmp_path, HOGSBY_PAGES).items}
    proposal, decision = items["8"].decisions
    assert (proposal.by, proposal.kind) == ("Kommunledningsutskottet", "proposal")
    assert not any("KU § 317" in c for c in proposal.clauses)
    assert decision.clauses == ("Till arbetsgrupp utses: Patrik Köhler Raymond Asp Anders Svensson",
                                "Till sammankallande utses Patrik Köhler.")


# pro_penningpolitiskt_160104_sve.pdf, pages 1-2, cut down (no decision that names the organ).
RIKSBANK_2016_FRONT = """4 januari 2016

Direktionen, Nr 1

DATUM: 2016-01-04

MÖTESTID: 13:00

§1. Sammanträdet öppnas

Sammanträdet förklarades öppnat.
"""


def test_the_organ_on_a_line_with_the_meeting_number_is_the_body(tmp_path):
    p = text_file(tmp_path, RIKSBANK_2016_FRONT)
    assert (p.meeting.body, p.meeting.date, p.meeting.start) == ("Direktionen", "2016-01-04", "13:00")


def test_a_note_on_the_procedure_after_a_labelled_decision_is_no_further_decision(tmp_path):
    text = HOGSBY_DECISIONS.replace(
        "Regionförbundets veckobrev delges kommunstyrelsens ledamöter digitalt.",
        "Paragrafen förklaras omedelbart justerad.",
    )
    items = {it.number: it for it in text_file(tmp_path, text).items}
    (decision,) = items["11"].decisions
    assert (decision.clauses, decision.outcome) == (("Godkänna informationen.",), "noted")


@pytest.mark.skipif(not HOGSBY.is_file(), reason="../shared/corpus/ is not here (a clone without it)")
def test_short_names_of_a_list_that_keep_their_space_are_not_joined():
    # penningpolitiskt-protokoll-8-februari-2023.pdf, page 1: PDFium ends "Martin Flodén "
    # with a space, as if the layout wrapped it, in a document whose other pages do not:
    # on this page the lines' positions say that nothing was wrapped.
    doc = ingest.read(CORPUS / "riksbank" / "penningpolitiskt-protokoll-8-februari-2023.pdf")
    texts = [b.text for b in doc.blocks]
    assert "Martin Flodén" in texts and "Henry Ohlsson" in texts
    members = [a.name for a in parsers.parse(doc).attendance if a.status == "present"]
    assert members == ["Erik Thedéen", "Anna Breman", "Per Jansson", "Martin Flodén", "Henry Ohlsson", "Aino Bunge"]


@needs_corpus
def test_one_short_line_with_its_space_is_enough_for_the_positions_to_decide():
    # protokoll-fran-det-penningpolitiska-motet-16-mars-2020.pdf, page 2: only "Fredrik
    # Wallin " and "Ingrid Wallin Johansson " of the list end in a space.
    doc = ingest.read(CORPUS / "riksbank" / "protokoll-fran-det-penningpolitiska-motet-16-mars-2020.pdf")
    texts = [b.text for b in doc.blocks]
    assert {"Fredrik Wallin", "Ingrid Wallin Johansson", "Christina Wejshammar"} <= set(texts)


@needs_corpus
def test_a_heading_in_larger_letters_that_ends_on_och_goes_on_below():
    # pro_penningpol_120417.pdf, page 13: "§3. Den ekonomiska utvecklingen i Sverige och " in
    # a larger font, wider spaced above "penningpolitisk diskussion".
    doc = ingest.read(CORPUS / "riksbank" / "pro_penningpol_120417.pdf")
    texts = [b.text for b in doc.blocks]
    assert "§3. Den ekonomiska utvecklingen i Sverige och penningpolitisk diskussion" in texts
