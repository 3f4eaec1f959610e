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


def test_a_long_title_on_lines_of_its_own_is_the_title(tmp_path):
    item = """KF § 11                             KS KF/2022:17

Inrättande av investeringsanslag för strategiska fastighetsförvärv år 2022 samt
bemyndigande till kommunstyrelsens arbetsutskott att besluta om avsatta
investeringsmedel

Ärendebeskrivning
För att underlätta strategiska fastighetsförvärv under år 2022 föreslås kommunfullmäktige inrätta ett
nytt investeringsanslag omfattande 10 mnkr för strategiska fastighetsförvärv under år 2022.
"""
    assert parse_pages(tmp_path, [FRONT, item]).items[0].title == (
        "Inrättande av investeringsanslag för strategiska fastighetsförvärv år 2022 samt bemyndigande"
        " till kommunstyrelsens arbetsutskott att besluta om avsatta investeringsmedel"
    )


def test_the_messages_listed_under_meddelanden_are_not_its_title(tmp_path):
    item = """KF § 91                             KS KF/2022:7

Meddelanden
    a) Beslut från Länsstyrelsen i Skåne 2022-11-29 om ny ersättare i kommunfullmäktige

Beslut:
    - Kommunfullmäktige lägger meddelandena till handlingarna.
"""
    got = parse_pages(tmp_path, [FRONT, item]).items[0]
    assert (got.title, [d.outcome for d in got.decisions]) == ("Meddelanden", ["noted"])


def test_the_end_of_the_dnr_printed_after_the_title_is_not_title(tmp_path):
    item = """BUN § 60                            BUN/2024:146

Beslut om Centerpartiets nämndinitiativ gällande arbetet med att inkludera
barnens perspektiv till barnkonsekvensanalyser 2024:146

Ärendebeskrivning
Den 10 juni 2024 inkom ett nämndinitiativ där Centerpartiet yrkar att uppdrag ges åt förvaltningen.
"""
    got = parse_pages(tmp_path, [FRONT, item]).items[0]
    assert (got.title, got.dnr) == (
        "Beslut om Centerpartiets nämndinitiativ gällande arbetet med att inkludera barnens perspektiv till barnkonsekvensanalyser",
        "BUN/2024:146",
    )


def test_the_section_and_date_under_each_pages_title_are_not_running_lines(tmp_path):
    # Each page starts with an item: once the page header has gone, "Ärendebeskrivning"
    # and the date ending a wrapped title stand near the top of every page, but are
    # the item's own lines.
    def item(n, what):
        return (
            f"KF § {n}                             KS KF/2022:{200 + n}\n\n"
            f"Val av 2 ledamöter och 2 suppleanter i {what} för tiden 2023-01-01 –\n"
            "2026-12-31\n\n"
            "Ärendebeskrivning\n"
            "Kommunfullmäktiges valberedning har i § 1, 2022-10-19, föreslagit kommunfullmäktige besluta enligt nedan.\n\n"
            "Beslutsunderlag\n"
            "    - Protokoll från kommunfullmäktiges valberedning 2022-10-19, § 1\n\n"
            "Beslut:\n"
            "    - Kommunfullmäktige beslutar att välja ledamöter och suppleanter enligt valberedningens förslag.\n\n"
            "_________________________________\n\n"
            "Beslutet expedieras till:\n"
            "De valda\n"
            "Troman\n"
        )
    bodies = [FRONT] + [item(n, w) for n, w in ((105, "Stiftelsen Spillepeng"), (106, "Sydvatten AB"), (107, "Sysav"))]
    items = parse_pages(tmp_path, bodies).items
    assert [i.title for i in items] == [
        f"Val av 2 ledamöter och 2 suppleanter i {w} för tiden 2023-01-01 – 2026-12-31"
        for w in ("Stiftelsen Spillepeng", "Sydvatten AB", "Sysav")
    ]
    assert all(i.text.startswith("Ärendebeskrivning\n") for i in items)


def test_a_table_of_contents_whose_columns_came_apart_is_not_the_items(tmp_path):
    # The ärendelista of the PDF, extracted with its columns out of step: labels
    # with a Dnr, a title or nothing beside them, the titles under them.
    toc = """
Ärendelista

§ 114        KS KF/2024:8
§ 115        Meddelanden
§ 116
§ 117        KS KF/2024:281
§ 118        Beslut om ställningstagande till Kraftringens avyttring av aktieinnehavet i Billinge
             KS KF/2024:299

Protokollet justeras digitalt.
"""
    def tail(*to):
        return "\n_________________________________\n\nBeslutet expedieras till:\n" + "\n".join(to) + "\n"

    items = [
        "KF § 114                            KS KF/2024:8\n\nMeddelanden\n\nÄrendebeskrivning\n"
        "Föreligger förteckning över meddelanden:\n\n"
        "    a) Utvärdering av förändrad starttid för kommunfullmäktige, KS KF/2024:304\n\n"
        "Beslut:\n    - Kommunfullmäktige har tagit del av informationen.\n" + tail("Kommunstyrelsen"),
        "KF § 115                            KS KF/2024:281\n\n"
        "Beslut om ställningstagande till Kraftringens avyttring av aktieinnehavet i Billinge\nEnergi AB m.fl.\n\n"
        "Ärendebeskrivning\nKraftringen AB har inkommit med en begäran om ställningstagande.\n\n"
        "Beslut:\n    - Kommunfullmäktige beslutar att godkänna avyttringen.\n" + tail("Kraftringen AB", "Ekonomiavdelningen"),
        "KF § 116                            KS KF/2024:299\n\n"
        "Redovisning av uppdrag till barn- och utbildningsnämnden om att genomföra en\nutredning av kvalitetsmässiga prioriteringar\n\n"
        "Ärendebeskrivning\nBarn- och utbildningsnämnden har redovisat uppdraget.\n\n"
        "Beslut:\n    - Kommunfullmäktige lägger redovisningen till handlingarna.\n" + tail("Barn- och utbildningsnämnden", "Troman", "HR"),
    ]
    got = parse_pages(tmp_path, [FRONT + toc, *items]).items
    assert [(i.number, i.page, i.dnr, len(i.decisions)) for i in got] == [
        ("114", 2, "KS KF/2024:8", 1), ("115", 3, "KS KF/2024:281", 1), ("116", 4, "KS KF/2024:299", 1)
    ]
    assert got[1].title == "Beslut om ställningstagande till Kraftringens avyttring av aktieinnehavet i Billinge Energi AB m.fl"


def _protocol_with_attachments(interleaved: bool) -> str:
    """Nine pages of protocol, each with its running header and footer, and twenty
    pages of an attached budget in a layout of its own, after the protocol or between
    its pages: the header is on fewer than half of the pages, but on all the protocol's."""
    protocol_pages = [FRONT] + [
        f"KF § {n}                             KS KF/2024:{100 + n}\n\nBeslut om delår {n} för Lomma kommun år 2024\n\n"
        f"Ärendebeskrivning\nNu föreligger delårsrapport {n} för Lomma kommun. Resultatet uppgår till +{n}00 mnkr.\n\n"
        "Beslut:\n"
        f"    - Kommunfullmäktige godkänner föreliggande delårsrapport {n} för Lomma kommun, 2024-01-01 –\n"
        "         2024-08-31.\n\n"
        f"    - Kommunfullmäktige beslutar att avsteg görs från regelverket vad gäller projekt {n}.\n"
        + ("" if n == 8 else f"\n_________________________________\n\nBeslutet expedieras till:\n{who}\n")
        for n, who in zip(range(1, 9), ("Revisorerna", "Troman", "HR", "Controller", "Kommunstyrelsen", "Rektorer", "Kontaktcenter", ""))
    ]
    last = (  # the last item's points go on over the page break
        "    - Kommunfullmäktige godkänner kommunstyrelsens och barn- och utbildningsnämndens\n"
        "         slutredovisningar av investeringsprojekt.\n\n"
        "_________________________________\n\nBeslutet expedieras till:\nEkonomiavdelningen\n"
    )
    pages_ = [HEADER.format(n=n) + body + FOOTER for n, body in enumerate([*protocol_pages, last], 1)]
    budget = [
        f"{what} för år 2025\n\n{what} uppgår till {n * 1000} tkr, en ökning med {n} procent jämfört med {2010 + n}.\n"
        for n, what in enumerate(("Driftbudget", "Investeringsbudget", "Exploateringsbudget", "Resultatbudget", "Kassaflödesbudget",
                                  "Balansbudget", "Lånebudget", "Skattesats", "Nämndsmål", "Finansiella mål") * 2)
    ]
    if not interleaved:
        return "\f".join(pages_ + budget)
    # two pages of attachment after each item but the last
    return "\f".join([*(p for n, page in enumerate(pages_[:-2]) for p in (page, budget[2 * n], budget[2 * n + 1])), *pages_[-2:]])


def test_running_lines_go_on_the_protocols_pages_before_long_attachments(tmp_path):
    path = tmp_path / "kf.txt"
    path.write_text(_protocol_with_attachments(interleaved=False), encoding="utf-8")
    items = parsers.parse(ingest.read(path)).items
    assert [len(d.clauses) for d in items[-1].decisions] == [3]
    assert not any("Justerande" in i.text or "SAMMANTRÄDESPROTOKOLL" in i.text or "Sammanträdesdatum" in i.text for i in items)


def test_running_lines_go_on_the_protocols_pages_between_attachments(tmp_path):
    path = tmp_path / "kf.txt"
    path.write_text(_protocol_with_attachments(interleaved=True), encoding="utf-8")
    items = parsers.parse(ingest.read(path)).items
    assert [i.number for i in items] == [str(n) for n in range(1, 9)]
    assert [len(d.clauses) for d in items[-1].decisions] == [3]
    assert not any("Justerande" in i.text or "SAMMANTRÄDESPROTOKOLL" in i.text or "Sammanträdesdatum" in i.text for i in items)


def _decision_item(lines: str, number="69", title="Beslut om taxeföreskrifter för VA-avgifter"):
    return (
        f"KF § {number}                             KS KF/2024:{number}\n\n{title}\n\n"
        "Ärendebeskrivning\nVA SYD har tagit fram ett förslag.\n\n"
        f"Beslut:\n{lines}\n_________________________________\n\nBeslutet expedieras till:\nVA SYD\n"
    )


def clauses_of(tmp_path, lines: str) -> list[tuple[str, ...]]:
    return [d.clauses for d in parse_pages(tmp_path, [FRONT, _decision_item(lines)]).items[0].decisions]


def test_an_attachment_reference_between_two_points_does_not_end_the_block(tmp_path):
    got = clauses_of(tmp_path, """    - Kommunfullmäktige bifaller förslaget till nya taxeföreskrifter för VA-avgifter i Lomma
         kommun i enlighet med bilaga.

    Bilaga

    - Kommunfullmäktige bifaller förslaget till delegering enligt 34 § Lag (2006:412) om allmänna
         vattentjänster, alltså att delegation av avgiftsnivån fortsatt sker till förbundet enligt 34 §.
""")
    assert [len(c) for c in got] == [2]


def test_points_ending_in_a_comma_that_start_sentences_of_their_own_are_points(tmp_path):
    got = clauses_of(tmp_path, """    - Kommunfullmäktige godkänner att aktierna i Billinge Energi AB avyttras,

    - Kommunfullmäktige godkänner att 7H Kraft Energiförmedling AB avyttras, samt

    - Kommunfullmäktige godkänner att Herrljunga Kraft Energiförmedling AB avyttras.
""")
    assert [len(c) for c in got] == [3]


def test_a_point_goes_on_after_a_full_stop_in_its_hanging_indent(tmp_path):
    got = clauses_of(tmp_path, """- Kommunfullmäktige bemyndigar kommunstyrelsen att, vid behov för kommunens räkning,
    nyupplåna, det vill säga öka kommunens låneskuld under år 2024 till totalt 910 mnkr.
    Kommunstyrelsen har under 2024 rätt att omsätta lån, det vill säga låna upp motsvarande
    belopp på de lån som förfaller till betalning år 2024.

- Kommunfullmäktige beslutar att skattesatsen för år 2024 fastställs till 19,64 procent.
""")
    assert [len(c) for c in got] == [2]
    assert got[0][0].endswith("som förfaller till betalning år 2024.")


def test_a_double_name_wrapped_at_its_hyphen_is_one_name(tmp_path):
    got = clauses_of(tmp_path, """    - Kommunfullmäktige beslutar att 2:e ersättare Carolin Lindberg (M) och 3:e ersättaren Marie-
         Louise Eriksson (M) flyttar upp ett steg.

    - Kommunfullmäktige beslutar att till ny 3:e ersättare i valnämnden för Moderaterna för tiden
         till och med 2026-12-31 välj Åsa Mikkelsen (M).
""")
    assert [len(c) for c in got] == [2]
    assert "Marie-Louise Eriksson (M) flyttar upp ett steg." in got[0][0]


def test_a_bullet_without_att_among_att_bullets_is_a_point(tmp_path):
    got = clauses_of(tmp_path, """Kommunstyrelsen föreslår kommunfullmäktige besluta:

    - att budget för rivning av befintlig hall avsätts, i ett nytt anslag, under kommunstyrelsens
         förfogande om sammantaget +2 800 tkr för 2025.

    - finansiering av utökade avskrivningar och ränta samt kostnad för rivning sker genom en
         motsvarande sänkning av årets budgeterade resultat, det vill säga med 6 100 tkr.

    - att tillkommande driftbudgetbehov efter 2025 hanteras i budgetprocessen för 2026 – 2029.
""")
    assert [len(c) for c in got] == [3]


def test_the_organ_deciding_again_under_beslutar_foljande_is_the_blocks_point(tmp_path):
    got = clauses_of(tmp_path, """Barn- och utbildningsnämnden beslutar följande:

    Barn- och utbildningsnämnden beslutar att skolplikten för Isabell, Oscar och Anton Hoväng
    upphör från och med 2024-08-01 på grund av varaktig vistelse utomlands.
""")
    assert got == [("att skolplikten för Isabell, Oscar och Anton Hoväng upphör från och med 2024-08-01 på grund av varaktig vistelse utomlands.",)]


def test_the_numbered_questions_of_a_statement_under_an_att_point_are_part_of_it(tmp_path):
    got = clauses_of(tmp_path, """Kommunstyrelsen beslutar:

    - att Lomma kommun lämnar följande yttrande:

         Lomma kommun hör till de kommuner i landet som ligger i den absoluta framkanten i
         vattenarbetet inklusive arbetet med klimatanpassning.

         1. Vad behövs för att du eller din organisation ska kunna prioritera vattenutmaningarna i
         kapitel 2 och 3 i än högre grad?

         Kommunen har i 30 år prioriterar dessa frågor, men ser att det som inte fungerar fullgott
         idag är processerna.
""")
    assert [len(c) for c in got] == [1]


def test_a_reservation_appended_after_the_recipients_quoting_the_decision_is_no_block(tmp_path):
    item = """KF § 9                              KS KF/2021:388

Besvarande av motion från Fokus Bjärred om utredning av lokaliseringen av kommunens förvaltning

Ärendebeskrivning
Fokus Bjärred har inkommit med en motion om en utredning av lokaliseringen av kommunens förvaltning.

Beslut:
    - Kommunfullmäktige beslutar att motionen är besvarad med hänvisning till att förvaltningen
         jobbar med frågan och kommer att göra det under lång tid framöver.

Reservation
Kristina Thored (FB) reserverar sig skriftligt mot beslutet.

Bilaga A

_________________________________

Beslutet expedieras till:
Motionären
"""
    attachment = """                                                        Bilaga A KF § 9/22

Reservation Kommunfullmäktige 27/1 2022

Vi reserverar oss mot kommunfullmäktiges beslut 27/1 2022 att anse Fokus Bjärreds motion gällande
en utredning av lokaliseringen av kommunens förvaltning som besvarad.

Kommunfullmäktige beslutade att anse motionen besvarad med hänvisning till de redan avslutade
undersökningarna samt förvaltningens svar. I ingen av de refererade undersökningarna nämns
möjligheten att lokalisera en del av förvaltningen i norra kommundelen.
"""
    got = parse_pages(tmp_path, [FRONT, item, attachment]).items[0]
    assert [len(d.clauses) for d in got.decisions] == [1]


def test_a_proposal_to_the_council_under_the_beslut_label_is_the_boards_decision(tmp_path):
    item = _decision_item("""Kommunstyrelsen föreslår kommunfullmäktige besluta:

    - att avslå motionen med hänvisning till vad som framgår av ärendet.
""")
    proposal = item.replace("Ärendebeskrivning\n", "").replace("Beslut:\n", "")  # the phrase alone, as an agenda has it
    under_label = parse_pages(tmp_path, [FRONT, item]).items[0].decisions
    unlabelled = parse_pages(tmp_path, [FRONT, proposal], name="other.txt").items[0].decisions
    assert [(d.by, d.kind, len(d.clauses)) for d in under_label] == [("Kommunstyrelsen", "decision", 1)]
    assert [(d.by, d.kind) for d in unlabelled] == [("Kommunstyrelsen", "proposal")]


def test_taking_note_utav_is_noted_and_taking_note_and_passing_on_is_decided(tmp_path):
    def outcomes(line: str, name: str) -> list[str]:
        return [d.outcome for d in parse_pages(tmp_path, [FRONT, _decision_item(line)], name=name).items[0].decisions]

    assert outcomes("Barn- och utbildningsnämnden har tagit del utav informationen.\n", "bun.txt") == ["noted"]
    assert outcomes("Socialnämnden har tagit del av rapporten och överlämnar den till kommunfullmäktige.\n", "sn.txt") == ["decided"]
