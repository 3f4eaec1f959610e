"""One regression fixture per rule learnt from the real protocols of ../shared/corpus/.

Each fixture is made of lines as they stand in those documents (Lomma kommun's
protocols as text extracted with their layout, page breaks as form feeds), cut down to
what the rule needs, and read through the real ingest and parser.
"""

from __future__ import annotations

from protokoll import ingest, parsers
from protokoll.ingest import pages

HEADER = (
    "KOMMUNFULLMÄKTIGE                   SAMMANTRÄDESPROTOKOLL\n"
    "                                    Sida {n} av 5\n\n"
    "                                    Sammanträdesdatum\n"
    "                                    2023-03-02\n\n"
)
FOOTER = "\nJusterande                          Utdragsbestyrkande\nProtokollet har justerats digitalt\n"


def layout_file(tmp_path, bodies: list[str], name="kf.txt"):
    text = "\f".join(HEADER.format(n=n) + body + FOOTER for n, body in enumerate(bodies, 1))
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


FRONT = """Plats: Lomma kommun, Stora Sessionssalen

Tid: 2023-03-02, klockan 18:00-18:09

Beslutande:
Lena Wahlgren (M) ordförande
Marie Nilsson (M) 1:e vice ordförande
Jonna Tingberg (M) ersätter Fredrik Karström (M)

Övriga deltagare
Maria Zingmark, Kommunsekreterare
Anders Florén (M), Ersättare
"""

ITEM_25 = """KF § 25                             KS KF/2023:74

Avsägelse från Kicki Lindgren (KD) avseende uppdrag som ersättare i
samhällsbyggnadsnämnden samt fyllnadsval med anledning härav

Ärendebeskrivning
Kicki Lindgren (KD) har inkommit till kommunfullmäktige med en anhållan om avsägelse.

Beslut:
    - Kommunfullmäktige beslutar att Kicki Lindgrens avsägelse som ersättare i
         samhällsbyggnadsnämnden godkänns.

    - Kommunfullmäktige beslutar att till ny ersättare i samhällsbyggnadsnämnden, för tiden till
         och med 2026-12-31, väljs Peter Schön (KD).
"""

ITEM_26 = """KF § 26                             KS KF/2023:91

Fastställande av taxa för F-
klasser och IT-stöd

Beslut:
    - Kommunfullmäktige beslutar att medel fördelas enligt följande:
    - 441 863 kr till förskolan
    - 158 137 kr till skolan

Reservation
Natalia Engstedt (SD) reserverar sig mot beslutet.
Bilaga C
Thomas Eneström (S) reserverar sig mot beslutet.
_________________________________
Vi reserverar oss mot beslutet till förmån för vårt eget yrkande om återremiss.
"""

ITEM_26_GOES_ON = """KF § 26 (fort.)                     KS KF/2023:91

Enligt MBL § 11 har facket informerats.
"""


def test_layout_text_has_pages_and_no_running_lines(tmp_path):
    doc = ingest.read(layout_file(tmp_path, [FRONT, ITEM_25, ITEM_26]))
    text = doc.text
    assert doc.source.pages == 3
    for furniture in ("SAMMANTRÄDESPROTOKOLL", "Sida", "Sammanträdesdatum", "justerats digitalt", "Utdragsbestyrkande"):
        assert furniture not in text
    assert [b.page for b in doc.blocks if b.text.startswith("KF §")] == [2, 3]


def test_the_dnr_beside_each_heading_is_no_running_line(tmp_path):
    # The heading's Dnr column has the shape of a running line ("KS KF/#:#" near the top of
    # most pages) and, where an item goes on over a page, stands there twice.
    protocol = parsers.parse(ingest.read(layout_file(tmp_path, [FRONT, ITEM_25, ITEM_26, ITEM_26_GOES_ON])))
    assert [(i.number, i.dnr) for i in protocol.items] == [("25", "KS KF/2023:74"), ("26", "KS KF/2023:91")]


def test_heading_with_the_organs_prefix_and_a_wrapped_title(tmp_path):
    protocol = parsers.parse(ingest.read(layout_file(tmp_path, [FRONT, ITEM_25])))
    (item,) = protocol.items
    assert item.label == "KF § 25"
    assert item.title == ("Avsägelse från Kicki Lindgren (KD) avseende uppdrag som ersättare i "
                          "samhällsbyggnadsnämnden samt fyllnadsval med anledning härav")


def test_a_forts_heading_continues_its_item_and_a_reference_is_no_item(tmp_path):
    protocol = parsers.parse(ingest.read(layout_file(tmp_path, [FRONT, ITEM_25, ITEM_26, ITEM_26_GOES_ON])))
    assert [i.number for i in protocol.items] == ["25", "26"]
    assert "MBL § 11" in protocol.items[1].text
    assert not any("fort." in i.text for i in protocol.items)


def test_list_points_are_the_clauses_of_a_decision_block(tmp_path):
    protocol = parsers.parse(ingest.read(layout_file(tmp_path, [FRONT, ITEM_25, ITEM_26])))
    (d25,), (d26,) = (i.decisions for i in protocol.items)
    assert (d25.by, d25.kind, len(d25.clauses)) == ("Kommunfullmäktige", "decision", 2)
    assert d25.clauses[1].startswith("Kommunfullmäktige beslutar att till ny ersättare")
    assert d25.clauses[1].endswith("väljs Peter Schön (KD).")
    # Amounts listed under a point that ends in ":" belong to that point.
    assert len(d26.clauses) == 1 and "158 137 kr" in d26.clauses[0]


def test_a_hyphen_after_a_capital_stays_when_the_line_wraps(tmp_path):
    protocol = parsers.parse(ingest.read(layout_file(tmp_path, [FRONT, ITEM_26])))
    assert protocol.items[0].title == "Fastställande av taxa för F-klasser och IT-stöd"


def test_a_reservation_list_ends_at_the_first_line_without_a_name(tmp_path):
    protocol = parsers.parse(ingest.read(layout_file(tmp_path, [FRONT, ITEM_26])))
    assert protocol.items[0].reservations == ("Natalia Engstedt", "Thomas Eneström")


def test_serving_substitutes_and_roles_after_the_party(tmp_path):
    protocol = parsers.parse(ingest.read(layout_file(tmp_path, [FRONT, ITEM_25])))
    got = {(a.name, a.status, a.party, a.role) for a in protocol.attendance}
    assert got == {
        ("Lena Wahlgren", "present", "M", "ordförande"),
        ("Marie Nilsson", "present", "M", "1:e vice ordförande"),
        ("Jonna Tingberg", "substitute", "M", "tjänstgörande ersättare för Fredrik Karström"),
        ("Maria Zingmark", "official", None, "Kommunsekreterare"),
        ("Anders Florén", "substitute", "M", "Ersättare"),
    }


def test_a_table_of_contents_whose_titles_wrap_under_their_labels(tmp_path):
    toc = """Ärendelista
§1                  BUN/2024:26
Rapport till socialnämnden om förbättring inom särskilda boenden (SÄBO)
§2                  BUN/2024:23
Information om utbildningsresultat höstterminen 2023

Protokollet justeras digitalt.
Anslaget sätts upp efter justeringen.
"""
    item1 = "BUN § 1            BUN/2024:26\nRapport till socialnämnden om förbättring inom särskilda boenden (SÄBO)\n\nBeslut:\nBarn- och utbildningsnämnden beslutar att godkänna rapporten.\n"
    item2 = "BUN § 2\nInformation om utbildningsresultat höstterminen 2023\n\nBeslut:\nBarn- och utbildningsnämnden lägger informationen till handlingarna.\n"
    protocol = parsers.parse(ingest.read(layout_file(tmp_path, [FRONT + toc, item1, item2])))
    assert [(i.number, i.dnr, i.page) for i in protocol.items] == [("1", "BUN/2024:26", 2), ("2", "BUN/2024:23", 3)]


def test_page_numbers_count_pages_but_a_heading_at_each_item_start_is_kept():
    # Four pages, each starting with a new item's heading: "KS § n" has the key of a
    # running line on every page but is no running line; "Sida n av 4" is.
    titles = ["Budget", "Taxor", "Motion om cykelvägar", "Val av revisorer"]
    pages_ = [[f"KS § {n}", f"Sida {n} av 4", t, f"Text om {t.lower()}."] for n, t in enumerate(titles, 1)]
    kept = [ln.text for ln in pages.remove_running_lines(pages_)]
    assert kept == [x for n, t in enumerate(titles, 1) for x in (f"KS § {n}", t, f"Text om {t.lower()}.")]
