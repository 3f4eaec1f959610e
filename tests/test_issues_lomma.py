"""Regression fixtures for the rules learnt from Lomma kommun's protocols (text extracted
from the PDFs with its layout kept, pages as form feeds) in ../shared/corpus/lomma/.

Each fixture is made of real lines of those documents, cut down to what the rule needs,
and read through the real ingest (``ingest/layout.py``) and parser.
"""

from __future__ import annotations

from protokoll import ingest, parsers

HEADER = (
    "BARN- OCH UTBILDNINGSNÄMNDEN        SAMMANTRÄDESPROTOKOLL\n"
    "                                    Sida {n} av 9\n\n"
    "                                    Sammanträdesdatum\n"
    "                                    2023-10-10\n\n"
)
FOOTER = "\nJusterande                          Utdragsbestyrkande\nProtokollet har justerats digitalt\n"
FRONT = """Plats och tid: Lomma kommun, Kärnan, 2023-10-10, klockan 18:00-20:15

Beslutande:
Fredrik Karström (M) ordförande
Lena Wahlgren (M)

Övriga deltagare:
Maria Zingmark, nämndsekreterare
"""


def parse_pages(tmp_path, bodies: list[str], name="bun.txt"):
    text = "\f".join(HEADER.format(n=n) + body + FOOTER for n, body in enumerate(bodies, 1))
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parsers.parse(ingest.read(path))


ITEM_66 = """BUN § 66                            BUN/2023:195

Beslut om namnbyte för de sammanslagna skolenheterna Karstorpskolan Norra och
Karstorpskolan Södra

Ärendebeskrivning
Karstorpskolan norra bedriver verksamhet för elever i förskoleklass till och med årskurs 5.
Karstorpskolan södra bedriver verksamhet för elever i årskurs 6 till och med årskurs 9. De båda
skolenheterna har slagits samman från och med höstterminen 2023. De båda skolenheterna föreslås
därför få ett gemensamt namn; Karstorpskolan. Namnbytet föreslås ske från höstterminsstarten
2023, det vill säga 2023-08-17.

Beslut:
Barn- och utbildningsnämnden beslutar följande:

    - Att Karstorpskolan ska vara gemensamt namn för de båda sammanslagna skolenheterna
         Karstorpskolan Norra och Karstorpskolan Södra.

    - Att namnändringen träder i kraft från höstterminsstarten 2023-08-17.
"""


def test_a_title_wrapped_onto_a_line_starting_with_a_capital(tmp_path):
    item = parse_pages(tmp_path, [FRONT, ITEM_66]).items[0]
    assert item.title == "Beslut om namnbyte för de sammanslagna skolenheterna Karstorpskolan Norra och Karstorpskolan Södra"
    assert [len(d.clauses) for d in item.decisions] == [2]


def test_a_list_of_names_is_not_one_wrapped_paragraph(tmp_path):
    front = FRONT + """
Tjänstgörande ersättare:
Stefan Wojnicki Högberg (M) ersätter Susanne Borgelius § 69
Conny Bäck (S) ersätter Pia Johnson § 69

Viveka Berger Pålsson (MP) ersätter Ann-Marie Lundberg (MP)
Ingrid Ascard (MP) ersätter Louise Herslow (MP)
"""
    protocol = parse_pages(tmp_path, [front, ITEM_66])
    subs = [a.name for a in protocol.attendance if a.status == "substitute"]
    assert subs == ["Stefan Wojnicki Högberg", "Conny Bäck", "Viveka Berger Pålsson", "Ingrid Ascard"]
