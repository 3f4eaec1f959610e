"""Attendance and meeting times as the real protocols of ../shared/corpus/ write them.

Each fixture is made of lines as they stand in those documents (Lomma kommun's
protocols as text extracted with its layout, the Riksbank's, Högsby's and Nykarleby's
PDFs as their text layers give them), cut down to what the rule needs, and read
through the real ingest and parser. The närvarolista table is a real .docx and the PDF
LibreOffice prints from it (tests/data/narvarolista/, names of a real närvarolista).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from protokoll import ingest, parsers

ROOT = Path(__file__).resolve().parent
SAMPLES = ROOT.parent / "samples"
NARVAROLISTA = ROOT / "data" / "narvarolista"

HEADER = (
    "KOMMUNFULLMÄKTIGE                       SAMMANTRÄDESPROTOKOLL\n"
    "                                        Sida {n} av 4\n"
)
FOOTER = "\nJusterande                              Utdragsbestyrkande\nProtokollet har justerats digitalt\n"

# An item with a real description (KF 2024-10-24): a page's width is that of its body
# text, against which ingest tells a wrapped line from a short entry (ingest/layout.py).
ITEM = """KF § 114                                KS KF/2024:8

Meddelanden

Ärendebeskrivning
Kommunfullmäktige beslutade den 29 augusti 2024 att uppdra åt barn- och utbildningsnämnden att
genomföra en utredning av kvalitetsmässiga prioriteringar. Vägledande bakgrund till utredningen är
som följer ”Alliansen ställer sig positiv till att skjuta till mer resurser till verksamhetsområde
grundskola, i enlighet med vad som åtminstone delvis har framkommit av folkomröstningen. Det
slutliga ställningstagandet är en fråga för budgetbeslut 2025. Utredningen ska ta utgångspunkt i
nämndens analys- och kvalitetsrapport”. Utredningen ska redovisas för kommunfullmäktige senast
vid budgetsammanträdet 2024.

Beslut:
    - Kommunfullmäktige har tagit del av informationen.
"""


def layout_file(tmp_path, bodies: list[str], name="kf.txt") -> Path:
    text = "\f".join(HEADER.format(n=n) + body + FOOTER for n, body in enumerate(bodies, 1))
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def text_file(tmp_path, text: str, name="protokoll.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def parse(path):
    return parsers.parse(ingest.read(path))


def counts(protocol) -> dict[str, int]:
    c = Counter(a.status for a in protocol.attendance)
    return {k: c.get(k, 0) for k in ("present", "substitute", "absent", "official")}


def status(protocol) -> dict[str, str]:
    return {a.name: a.status for a in protocol.attendance}


# Lomma KF 2024-10-24 (pages 1-3 as they stand, the lists cut short): the cover says
# "Se nästa sida"; the lists stand on the next pages, beside the page's date margin.
PAGES = [
    """KOMMUNFULLMÄKTIGE                                                                SAMMANTRÄDESPROTOKOLL
Plats:                                                                           Sida 1 av 10
Tid:
                                                                                 Sammanträdesdatum
                                                                                         2024-10-24

                                    Lomma kommun, Sessionssalen Kärnan

                                    2024-10-24, klockan 09:00-20:40

Beslutande ledamöter:               Se nästa sida
Tjänstgörande ersättare:            Se nästa sida
Övriga deltagare:                   Se nästa sida

Utses att justera:                  Rune Netterlid, Oscar Magnusson
                                    Ersättare Per Bengtsson
Justering:
Paragraf:                           Digital justering, 2024-10-29

                                    §114-§121

Justerande                                             Utdragsbestyrkande
Protokollet har justerats digitalt
""",
    """KOMMUNFULLMÄKTIGE                       SAMMANTRÄDESPROTOKOLL
                                        Sida 2 av 10
Beslutande ledamöter:
Marie Nilsson (M) ordförande            Sammanträdesdatum
Bert Larsson (M) 1:e vice ordförande           2024-10-24
Rune Netterlid (S) 2:e vice ordförande
Emma Köster (M) del av § 121
Oscar Magnusson (M)
Per Bengtsson (S)
Gun Larsson (-)
Tony Ljungström (SD) del av § 121

Justerande                              Utdragsbestyrkande
Protokollet har justerats digitalt
""",
    """KOMMUNFULLMÄKTIGE                         SAMMANTRÄDESPROTOKOLL
                                          Sida 3 av 10

                                          Sammanträdesdatum
                                                 2024-10-24

Tjänstgörande ersättare:
Jeanette Schönknecht (M) ersätter Emma Köster (M) §§ 114 – del av 121
Peter Brobäck (M) ersätter Jonna Tingberg (M)
Micael Carlnil (SD) ersätter Tony Ljungström (SD) §§ 114-120, samt del av 121

Ej tjänstgörande ersättare:
Jeanette Schönknecht (M) dela av § 121
Ingrid Strömgren (M)
Nicklas Säfström (M) §§ 114 – del av 121
Micael Carlnil (SD) del av § 121

Övriga deltagare:
Maria Zingmark, kommunsekreterare
Jane Isgren, ekonomichef

Justerande                                Utdragsbestyrkande
Protokollet har justerats digitalt
""",
] + [
    f"""KOMMUNFULLMÄKTIGE                         SAMMANTRÄDESPROTOKOLL
                                          Sida {n} av 10

                                          Sammanträdesdatum
                                                 2024-10-24

KF § {n + 110}                                KS KF/2024:{n}

Meddelanden

Beslut:
    - Kommunfullmäktige har tagit del av informationen.

Justerande                                Utdragsbestyrkande
Protokollet har justerats digitalt
"""
    for n in range(4, 11)  # pages 4-10: an item each, so the running lines are the page's own
]


def lomma(tmp_path) -> Path:
    path = tmp_path / "kf.txt"
    path.write_text("\f".join(PAGES), encoding="utf-8")
    return path


def test_lists_on_the_next_page_beside_the_margin_and_notes_after_the_party(tmp_path):
    protocol = parse(lomma(tmp_path))
    got = status(protocol)
    # The presidium stands in lines that the page's margin made two cells.
    assert got["Marie Nilsson"] == got["Bert Larsson"] == "present"
    # "del av § 121" after the party is a note; "(-)" is a member without a party.
    assert got["Emma Köster"] == got["Tony Ljungström"] == got["Gun Larsson"] == "present"
    assert {a.name: a.party for a in protocol.attendance}["Gun Larsson"] == "-"
    assert counts(protocol) == {"present": 8, "substitute": 5, "absent": 0, "official": 2}


def test_a_person_listed_twice_counts_once(tmp_path):
    protocol = parse(lomma(tmp_path))
    names = [a.name for a in protocol.attendance]
    assert names.count("Jeanette Schönknecht") == names.count("Micael Carlnil") == 1
    assert status(protocol)["Nicklas Säfström"] == "substitute"


def test_the_justerares_ersattare_is_no_attendee_of_its_own(tmp_path):
    # "Ersättare Per Bengtsson" under "Utses att justera" is the justerare's ersättare:
    # Per Bengtsson is a member (present), not a substitute.
    protocol = parse(lomma(tmp_path))
    assert status(protocol)["Per Bengtsson"] == "present"


def test_the_meeting_time_on_a_line_below_an_empty_tid_label(tmp_path):
    protocol = parse(lomma(tmp_path))
    assert (protocol.meeting.start, protocol.meeting.end) == ("09:00", "20:40")


# Lomma KFN 2025-02-03, SN 2023-12-12 and KF 2022-01-27.
def test_substitute_for_a_member_and_two_substitutes_in_one_line(tmp_path):
    front = """Plats: Lomma kommun, Strandskolans matsal
Tid: 2025-02-03, klockan 18:30-20:28

Beslutande ledamöter:
Oscar Magnusson (M), Ordförande
Ann Haluzova (M), 1:e vice ordförande
Mikael Häggblad (FB

Tjänstgörande ersättare:
Sofia Forsgren Böhmer (M) för Peter Brobäck (M)
Camilla Cronsjö (M) för Fredrik Karström § 70
Christina Unell (M) §§ 69-72 och därefter Ingrid Estrada Magnusson (M) §§ 73-76 ersätter Anna
Ericson (M)
Krister Wiman (M), ersätter Robert Wenglén (M)
"""
    protocol = parse(layout_file(tmp_path, [front, ITEM]))
    got = {a.name: (a.status, a.party, a.role) for a in protocol.attendance}
    assert got["Sofia Forsgren Böhmer"] == ("substitute", "M", "tjänstgörande ersättare för Peter Brobäck")
    assert got["Camilla Cronsjö"] == ("substitute", "M", "tjänstgörande ersättare för Fredrik Karström")
    assert got["Christina Unell"][0] == got["Ingrid Estrada Magnusson"][0] == "substitute"
    assert got["Krister Wiman"][0] == "substitute"
    # A party whose ")" the extraction lost at the line's end.
    assert got["Mikael Häggblad"] == ("present", "FB", None)
    assert got["Ann Haluzova"] == ("present", "M", "1:e vice ordförande")
    assert counts(protocol) == {"present": 3, "substitute": 5, "absent": 0, "official": 0}


# The Riksbank's direktion minutes: one list of everyone present, the members first.
RIKSBANK_2016 = """Direktionen, Nr 1
DATUM: 2016-01-04
MÖTESTID: 13:00
DELTAGANDE: Stefan Ingves, ordförande
Kerstin af Jochnick, per telefon
Martin Flodén
Per Jansson, per telefon
Henry Ohlsson, per telefon
Cecilia Skingsley, per telefon
---
Susanne Eberstein, fullmäktiges ordförande
---
Heidi Elmér
Henrik Erikson
Johanna Fager Wettergren
Martin W. Johansson
§1. Mötets öppnande
Stefan Ingves förklarade mötet öppnat.
"""

RIKSBANK_2014 = """Direktionen, Nr 4
DATUM: 2014-09-03
MÖTESTID: 9.00
NÄRVARANDE: Stefan Ingves, ordförande
Karolina Ekholm
Martin Flodén
Per Jansson
Kerstin af Jochnick
Lars E.O. Svensson
Meredith Beechey Österholm
Claes Berg
Christoffer Grände (§§ 1-3)
Lena Strömberg (§ 1-3A)
§1. Den ekonomiska utvecklingen
Vice riksbankschef Karolina Ekholm inledde diskussionen.
Förste vice riksbankschef Kerstin af Jochnick höll med.
Vice riksbankschef Martin Flodén och vice riksbankschef Per Jansson delade bilden.
Vice riksbankschef Lars E.O. Svensson reserverade sig.
Claes Berg, avdelningen för penningpolitik, redogjorde för prognosen.
"""


def test_the_members_end_at_the_first_separator_line(tmp_path):
    protocol = parse(text_file(tmp_path, RIKSBANK_2016))
    assert counts(protocol) == {"present": 6, "substitute": 0, "absent": 0, "official": 5}
    got = status(protocol)
    assert got["Kerstin af Jochnick"] == "present"
    assert got["Susanne Eberstein"] == got["Martin W. Johansson"] == "official"
    assert protocol.meeting.start == "13:00"


def test_without_a_separator_the_members_end_at_the_last_one_named_with_a_members_title(tmp_path):
    protocol = parse(text_file(tmp_path, RIKSBANK_2014))
    got = status(protocol)
    assert [n for n, s in got.items() if s == "present"] == [
        "Stefan Ingves", "Karolina Ekholm", "Martin Flodén", "Per Jansson", "Kerstin af Jochnick", "Lars E.O. Svensson",
    ]
    # Staff present for some §§ only: "(§ 1-3A)" is no party "A".
    assert got["Lena Strömberg"] == got["Christoffer Grände"] == "official"
    assert {a.name: a.party for a in protocol.attendance}["Lena Strömberg"] is None
    assert protocol.meeting.start == "09:00"


def test_a_list_without_members_titles_in_the_text_stays_as_it_is(tmp_path):
    text = RIKSBANK_2014.split("§1.")[0] + "§1. Den ekonomiska utvecklingen\nClaes Berg redogjorde för prognosen.\n"
    protocol = parse(text_file(tmp_path, text))
    assert counts(protocol)["present"] == 10


# Högsby kommunstyrelse 2007: lower-case parties, "Ej beslutande", "Övriga deltagande".
HOGSBY = """Kommunstyrelsen
Sammanträdesdatum 2007-01-08
Plats och tid Kommunhusets tingssal måndagen den 8 januari 2007
kl 08.30-09.30
Beslutande Ewa Engdahl (c), ordförande
Ingemar Bergquist (kd)
Brigitte Kühne (fp)
Ej beslutande Marita Björkvall (kd)
Raymond Asp (s)
Övriga deltagande Ekonomichef Anders Svensson
Räddningschef Hans Bohlin
Utses att justera Patrik Köhler och Nedzad Talovic
Justeringens plats och tid Kommunhuset onsdagen den 10 januari 2007, kl 12.00.
KS § 1 DNR:KU/2007.9
Godkännande av dagordning
Dagordningen godkännes.
"""


def test_old_lower_case_parties_and_ej_beslutande(tmp_path):
    protocol = parse(text_file(tmp_path, HOGSBY))
    assert counts(protocol) == {"present": 3, "substitute": 2, "absent": 0, "official": 2}
    assert {a.name: a.party for a in protocol.attendance}["Ewa Engdahl"] == "c"
    assert {a.name for a in protocol.attendance if a.status == "official"} == {"Anders Svensson", "Hans Bohlin"}
    assert (protocol.meeting.start, protocol.meeting.end) == ("08:30", "09:30")


# Nykarleby: check boxes in two columns under "Beslutande / ordinarie ersättare"; the text
# layer runs two rows together.
NYKARLEBY = """Organ Välfärdsnämnden
Sammanträdestid 15.9.2022 kl. 18.00 – 19.37
Beslutande
ordinarie ersättare
[X] Lindvall Mikael, ordförande [ ] Eklund Karita
[X] Backman Tua [ ] Järvinen Camilla
[X] Hellsten Jean, viceordförande (distans) [ ] Phan An Tuan [ ] Karf Johannes [X] Rögård Linda
Övriga närvarande
Rif Solveig, kanslist, protokollförare
Elektroniska underskrifter
Mikael Lindvall Solveig Rif
39 §
Sammanträdets laglighet och beslutförhet
"""


def test_check_boxes_in_member_and_substitute_columns(tmp_path):
    protocol = parse(text_file(tmp_path, NYKARLEBY))
    got = status(protocol)
    assert got == {
        "Lindvall Mikael": "present", "Backman Tua": "present", "Hellsten Jean": "present",
        "Karf Johannes": "absent",  # an ordinary member not ticked
        "Rögård Linda": "substitute",  # a ticked substitute; the unticked ones are not listed
        "Rif Solveig": "official",  # and the signature names below are nobody's attendance
    }


def test_a_justering_time_is_no_meeting_time(tmp_path):
    text = HOGSBY.replace("Plats och tid Kommunhusets tingssal måndagen den 8 januari 2007\nkl 08.30-09.30\n", "")
    protocol = parse(text_file(tmp_path, text))
    assert protocol.meeting.start is None


# A närvarolista laid out as a table without rulings (issue 27).
def test_a_narvarolista_table_in_a_pdf_gives_the_attendance_of_its_docx():
    docx = parse(NARVAROLISTA / "narvarolista.docx")
    pdf = parse(NARVAROLISTA / "narvarolista.pdf")
    assert counts(docx) == {"present": 8, "substitute": 3, "absent": 4, "official": 2}
    assert [(a.name, a.status, a.party, a.role) for a in pdf.attendance] == [
        (a.name, a.status, a.party, a.role) for a in docx.attendance
    ]


def test_a_table_without_rulings_keeps_its_columns_and_empty_cells():
    rows = [b.cells for b in ingest.read(NARVAROLISTA / "narvarolista.pdf").blocks if b.kind == "table_row"]
    # The heading's wrapped cells are joined again ("Närvaran" "de", "Tjänstgörande" "ersättare").
    assert rows[0] == ("Ledamot", "Parti", "Närvarande", "Frånvarande", "Tjänstgörande ersättare")
    assert ("Emma Köster", "M", "", "X", "Jonna Tingberg") in rows
    assert ("Marie Nilsson, 1:e vice ordförande", "M", "X") in rows  # a name cell over two lines


def test_the_sample_protocols_pdf_gives_the_attendance_of_its_docx():
    docx = parse(SAMPLES / "lsvo-2024-12-13.docx")
    pdf = parse(SAMPLES / "lsvo-2024-12-13.pdf")
    assert len(docx.attendance) == 31
    assert [(a.name, a.status, a.role) for a in pdf.attendance] == [(a.name, a.status, a.role) for a in docx.attendance]


# Nykarleby rådet för funktionshindrade 2023-05-24, as its text layer gives the cover
# (the label of the signatures garbled by the font mapping).
RADET = """Organ Rådet för funktionshindrade
Sammanträdestid 24.5.2023, klockan 16.00–18.10
Beslutande ordinarie
[X] Caldén Anna, ordförande
[X] Häggström Helena
[X] Renvall-Höglund Maja
[X] Knuts Birgitta
[X] Wikblad Kent
Övriga närvarande
Svenlin Johan, sekreterare för rådet
Emilia Ingman, planläggningschef på Nykarleby stad, klockan 16.00–16.50, §10–13
___________________________________________________________________________
Elektrinhnka undernkrhfer
Anna Caldén Johan Svenlin
ordförande protokollförare
10 §
Sammanträdets laglighet och beslutförhet
"""


def test_a_rule_across_the_page_ends_the_list(tmp_path):
    protocol = parse(text_file(tmp_path, RADET))
    assert counts(protocol) == {"present": 5, "substitute": 0, "absent": 0, "official": 2}
    assert "Anna Caldén Johan Svenlin" not in status(protocol)
    assert (protocol.meeting.start, protocol.meeting.end) == ("16:00", "18:10")


@pytest.mark.parametrize("written, numbers", [
    ("Pia Johnson (S), §§ 67-68, 70-71", ("67", "68", "70", "71")),  # Lomma KF 2022-09-22
    ("Susanne Borgelius (M), §§ 67-68, 70–71", ("67", "68", "70", "71")),
    ("Per Nilsson (S), §§ 1, 3-4, 9", ("1", "3", "4", "9")),
    ("Anna Berg (M) §§ 94-100", tuple(str(n) for n in range(94, 101))),
    ("Anna Berg (M) § 42, 45", ("42", "45")),
    ("Anna Berg (M) §§ 5-3", ()),  # no range: no numbers
])
def test_paragraph_lists_go_on_with_ranges_after_a_comma(written, numbers):
    from protokoll.parsers.people import paragraphs

    got, rest = paragraphs(written)
    assert got == numbers and "§" not in rest and not rest.endswith(tuple("0123456789"))


def test_the_paragraphs_an_attendee_was_present_for_keep_every_range():
    """Regression: Lomma KF 2022-09-22 lists "Pia Johnson (S), §§ 67-68, 70-71"; § 71 was
    lost (the numbers after a comma were read as single numbers only)."""
    path = ROOT.parent.parent / "shared" / "corpus" / "lomma" / "KF-2022-09-22.txt"
    if not path.exists():
        pytest.skip("../shared/corpus/ is not here")
    protocol = parsers.parse(ingest.read(path))
    listed = {a.name: a.paragraphs for a in protocol.attendance if a.paragraphs}
    members = ("Pia Johnson", "Susanne Borgelius", "Lennart Nilsson")  # replaced in § 69 only
    assert {n: listed.get(n) for n in members} == {n: ("67", "68", "70", "71") for n in members}
    assert listed["Karin Everlund"] == ("69",)  # serving for Lennart Nilsson; her own line counts once
