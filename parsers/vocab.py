"""Swedish (and Finland-Swedish) words the parsers look for, in one place.

Everything is lower case; the parsers compare case-insensitively. Adding a word here
is the way to teach the parser a new spelling: no pattern elsewhere repeats these lists.
"""

# The label before an item's registration number: "Dnr KS 2024/123", "Diarienummer: …".
DNR_LABELS = ("dnr", "diarienr", "diarienummer", "dnro")

# What names the organisation a protocol belongs to (parsers/organisation.py): the
# last word of a municipality's or a region's name ("Lomma kommun", "Nykarleby stad",
# "Stockholms läns landsting"; also in the genitive, "Lomma kommuns"), the word before a
# region's name ("Region Skåne"), and authorities by their own name with the other
# names they go by ("Riksbanken"). A municipality calling itself "stad" is the same
# municipality as "kommun" (the name with "stad" is kept: it is the official one).
MUNICIPALITY_WORDS = ("kommun", "stad")
COUNTY_WORDS = ("landsting",)
REGION_WORD = "region"
AUTHORITIES = {"sveriges riksbank": ("riksbanken",)}

# A reference to an attachment on a line of its own between a decision's points
# ("Bilaga", "Bilaga.", "Bilaga 3"): the block goes on after it.
ATTACHMENT_WORDS = ("bilaga", "bilagor", "bilagan")

# Header labels of a protocol and what they hold.
HEADER_LABELS = {
    "plats och tid": "place_time",
    "tid och plats": "place_time",
    "sammanträdestid": "time",
    "mötestid": "time",
    "tid": "time",
    "datum": "date",
    "sammanträdesdatum": "date",
    "sammanträdesplats": "place",
    "plats": "place",
    "organ": "body",
    "instans": "body",
}

# Other labels of a protocol's front matter and signature page: they end the field above.
OTHER_LABELS = (
    "plats och tid för justering", "justeringens plats och tid", "justeringens tid och plats",
    "utses att justera", "justerare", "justering", "paragrafer", "underskrifter", "sekreterare",
    "ordförande", "justerande", "anslag", "bevis", "anslagsbevis", "datum då anslaget sätts upp",
    "datum då anslaget tas ned", "förvaringsplats för protokollet", "underskrift", "sammanträdesdatum",
    "elektroniska underskrifter", "elektronisk underskrift", "elektronisk protokolljustering",
    "protokolljustering", "protokolljusterare",
)
# Labels of who checks the protocol: an "Ersättare:" after them is the justerare's.
JUSTERING_LABELS = ("utses att justera", "justerare", "justerande")

# Letter pairs that fonts set as one glyph (a ligature); a broken font drops the second
# letter ("underskrifer", "Martn").
LIGATURES = ("ft", "ti", "ff", "fi", "fl", "tt")

# Attendance section labels and the status they give.
ATTENDANCE_LABELS = {
    "närvarande ledamöter": "present",
    "närvarande": "present",
    "ledamöter": "present",
    "ordinarie ledamöter": "present",
    "närvarolista": "present",
    "närvarande ordinarie ledamöter": "present",
    "beslutande": "present",
    "beslutande ledamöter": "present",
    "tjänstgörande ledamöter": "present",
    "deltagande": "present",
    "deltagande ledamöter": "present",
    "tjänstgörande ersättare": "substitute",
    "ej tjänstgörande ersättare": "substitute",
    "ej beslutande": "substitute",
    "icke beslutande": "substitute",
    "ersättare": "substitute",
    "närvarande ersättare": "substitute",
    "icke tjänstgörande ersättare": "substitute",
    "förhinder": "absent",
    "anmält förhinder": "absent",
    "frånvarande": "absent",
    "frånvarande ledamöter": "absent",
    "tjänstepersoner": "official",
    "tjänstemän": "official",
    "övriga deltagare": "official",
    "övriga närvarande": "official",
    "övriga deltagande": "official",
    "övriga": "official",
    "närvarande tjänstepersoner": "official",
    "föredragande": "official",
}

# Words that put a substitute in the place of a member: "Anna Berg (M) ersätter Per Holm (M)".
REPLACES = ("ersätter", "ersättare för", "i stället för", "istället för", "istf", "för")

# Column headings of a check-box list with the ordinary members and their substitutes
# side by side: "Beslutande ordinarie ersättare".
BOX_COLUMNS = ("ordinarie", "ersättare")

# Section headings inside an item. Each maps to the part of the item it starts.
SECTIONS = {
    "ärendebeskrivning": "text",
    "ärendet": "text",
    "bakgrund": "text",
    "beslutsunderlag": "text",
    "förslag till beslut": "text",
    "förslag": "proposal",
    "beredning": "text",
    "förslag till beslut på sammanträdet": "motions",
    "yrkanden": "motions",
    "överläggning": "motions",
    "yrkande": "motions",
    "beslutsgång": "procedure",
    "propositionsordning": "procedure",
    "omröstning": "votes",
    "omröstningsresultat": "votes",
    "votering": "votes",
    "voteringsresultat": "votes",
    "reservation": "reservations",
    "reservationer": "reservations",
    "jäv": "conflicts",
    "protokollsanteckning": "notes",
    "protokollsanteckningar": "notes",
    "beslutet skickas till": "sent_to",
    "protokollet skickas till": "sent_to",
    "protokollet ska skickas till": "sent_to",
    "beslutet ska skickas till": "sent_to",
    "expedieras till": "sent_to",
    "beslutet expedieras till": "sent_to",
    "expediering": "sent_to",
    "delges": "sent_to",
    "för kännedom": "sent_to",
    "dokument": "text",
    "bilagor": "text",
    "beslut": "decision",
}
# The preparation that opens a treatment of an item ("Beredning: Kommunikationskoordinator
# …"); after a ruled-off block ("______") it starts the next treatment even where the
# treatment's heading ("Rådet … 24.5.2023, 13 §") is lost.
TREATMENT_OPENERS = ("beredning",)

# Lines that are signature boxes or running page furniture, never content.
NOISE_LINES = (
    "justerandes signatur", "justerandes sign", "utdragsbestyrkande", "sign", "signatur",
    "justerandes signatur utdragsbestyrkande",
)

# What follows a heading that repeats the item above on a new page: "BUN § 26 (forts.)".
# (compared without its brackets and full stop)
CONTINUED = ("forts", "fort", "fortsättning")

# Table-of-contents headings.
TOC_HEADINGS = ("innehållsförteckning", "innehåll", "ärendeförteckning", "ärendelista", "paragrafer")

# Notes on the procedure after a decision, never a decision themselves ("Paragrafen
# förklaras omedelbart justerad.", "Beslutet delges sökanden.").
PROCEDURE_NOTES = ("justera", "beslutet delges", "beslutet skickas", "beslutet expedieras", "protokollet")

# Outcome phrases, checked in this order against a decision's text (lower case).
OUTCOME_PHRASES = (
    ("referred_back", ("återremiss", "återremitter", "återremitera")),
    ("tabled", ("bordlägg", "bordlagt", "bordlades", "bordlagd", "bordläggs")),
    ("noted", ("till handlingarna", "antecknade informationen", "antecknar informationen",
               "antecknas för kännedom", "för kännedom", "notera informationen",
               "noterar informationen", "informationen noteras", "tagit del av", "tar del av",
               "tog del av", "godkänna informationen", "godkänner informationen", "informationen godkänns",
               "godkände informationen", "tagit del utav", "tar del utav")),
)
# A verb after a noting phrase that makes the clause act: "har tagit del av rapporten
# och överlämnar den till kommunfullmäktige" is decided, not only noted.
ACTS_AFTER_NOTING = ("överlämnar", "översänder", "skickar", "beslutar", "godkänner", "antar",
                     "fastställer", "uppdrar", "ger")

# "X reserverar sig", "X reserverade sig mot beslutet": a reservation in a sentence.
RESERVE_VERBS = ("reserverar", "reserverade")

# Words that tie a title to a place or an organisation ("strateger i Region Blekinge"):
# what follows them is no person's name.
PREPOSITIONS = ("i", "på", "från", "vid", "för", "hos", "av", "inom")

# Presenters in prose: "Föredragande är Mats Wennstig.", "Mats Wennstig föredrar
# ärendet", "Ärendet föredras av …", "Anna Berg och Per Holm presenterar …".
PRESENTER_LABELS = ("föredragande", "föredragare", "föredragen av", "föredraget av", "ärendet föredras av",
                    "föredras av", "ärendet föredrogs av", "föredrogs av")
PRESENTER_VERBS = ("föredrar", "föredrog", "presenterar", "presenterade")

# Working-group kind markers: "(B)", "(I/D)".
KIND_MARKERS = {"b": "decision", "i": "information", "d": "discussion"}

# Jäv in prose: "X anmäler jäv", "Med anledning av jäv har X inte deltagit i ärendets
# handläggning", "På grund av jäv deltar inte X i …".
CONFLICT_VERBS = ("anmäler", "anmälde", "anmält", "anmälde sig", "anmäler sig")
CONFLICT_LEADS = ("med anledning av", "på grund av", "pga.", "pga", "p.g.a.")
CONFLICT_LEFT = ("deltagit", "deltat", "medverkat", "deltar", "deltog")

# Vote words.
VOTE_YES = ("ja", "ja-röster", "jaröster")
VOTE_NO = ("nej", "nej-röster", "nejröster")
VOTE_ABSTAIN = ("avstår", "avstod", "avstående", "avstå", "avstod från att rösta", "avstår från att rösta",
                "blank", "blanka")
VOTE_ABSENT = ("frånvarande", "frånv")

# The first cell of a row of a vote table that sums the rows above.
VOTE_TOTAL_ROWS = ("summa", "totalt", "total", "antal", "resultat")

# Counts written as words: "tre ledamöter avstår".
NUMBER_WORDS = {
    "noll": 0, "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7,
    "åtta": 8, "nio": 9, "tio": 10, "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14,
    "femton": 15, "sexton": 16, "sjutton": 17, "arton": 18, "nitton": 19, "tjugo": 20,
}

# What a vote is about when it is not the main question: whether to decide today at all.
# ("Den som önskar att ärendet ska avgöras vid dagens sammanträde röstar ja, den som
# önskar återremittera ärendet röstar nej.")
PROCEDURAL_VOTES = (
    "återremi", "återremet", "bordlägg", "bordlagt", "avgöras vid dagens", "avgöras i dag",
    "avgöras idag", "avgöra ärendet i dag", "avgöra ärendet idag", "ajourn",
)

# Marks in a table cell or check box that mean "yes, ticked".
TICKS = ("x", "☒", "☑", "✓", "✔", "[x]", "ja", "1")

# What a document calls itself in a title line of its cover ("SAMMANTRÄDESPROTOKOLL",
# "Protokoll 2/2023", "Föredragningslista", "Kallelse till sammanträde"), and the kind
# of document that makes it. A title may be followed by a number or date, or by one of
# TITLE_CONTINUATIONS ("Kallelse till …", "Föredragningslista för …").
DOCUMENT_TITLES = {
    "protokoll": "protocol",
    "sammanträdesprotokoll": "protocol",
    "justerat protokoll": "protocol",
    "mötesprotokoll": "protocol",
    "penningpolitiskt protokoll": "protocol",
    "föredragningslista": "agenda",
    "kallelse": "agenda",
    "sammanträdeskallelse": "agenda",
    "kallelse och föredragningslista": "agenda",
    "kallelse med föredragningslista": "agenda",
    "kallelse/föredragningslista": "agenda",
    "kungörelse": "agenda",
    "protokollsutdrag": "extract",
    "utdrag ur protokoll": "extract",
    "utdrag ur protokollet": "extract",
    "utdrag ur sammanträdesprotokoll": "extract",
    "utdrag ur sammanträdesprotokollet": "extract",
    "utdrag ur justerat protokoll": "extract",
    "utdrag av protokoll": "extract",
}
TITLE_CONTINUATIONS = ("till", "för", "från", "vid", "fört vid")
# Phrases that certify an extract ("Rätt utdraget betygar", "Utdragets riktighet
# bestyrkes"). The bare label "Utdragsbestyrkande" is not one: it stands in the
# signature boxes of whole protocols too.
EXTRACT_CERTIFICATIONS = (
    "utdraget bestyrkes", "rätt utdraget", "utdragets riktighet", "utdraget överensstämmer",
    "utdraget intygas", "bestyrkes utdraget",
)

# Labels before the range of items a cover declares ("Paragrafer §27-§45",
# "Paragraf: § 1 - § 3", "Ärenden 13-24", "Ärenden §§ 15-38"); "§§ 88–92" alone too.
DECLARED_LABELS = ("paragrafer", "paragraf", "paragraferna", "ärenden", "ärende", "ärendenummer", "§§")

# The ANSLAG/BEVIS block (parsers/posting.py): a label, then its value on the line (after
# a colon or a column gap) or alone on the next line. A date label may start with one of
# POSTING_DATE_PREFIXES ("Datum då anslaget sätts upp", "Datum när anslaget tas ned").
POSTING_DATE_PREFIXES = ("datum då", "datum när", "datum för", "datum")
POSTED_LABELS = (
    "anslaget sätts upp", "anslaget sattes upp", "anslaget har satts upp", "anslaget uppsatt",
    "anslaget uppsättes", "anslag uppsatt", "anslags uppsättande", "anslagets uppsättande",
    "anslaget publiceras", "anslaget publicerat", "anslaget publicerades", "anslagsdatum",
)
TAKEN_DOWN_LABELS = (
    "anslaget tas ned", "anslaget tas ner", "anslaget tas bort", "anslaget nedtas", "anslaget nertas",
    "anslaget togs ned", "anslags nedtagande", "anslagets nedtagande", "anslaget sitter uppe till",
)
KEPT_AT_LABELS = ("protokollets förvaringsplats", "förvaringsplats för protokollet", "förvaringsplats")
# The rest of a label broken over two lines in a form ("Förvaringsplats" / "för protokollet
# Kommunhuset"): dropped from the start of the value.
KEPT_AT_CONTINUATIONS = ("för protokollet",)
# A sentence that gives the day the justering was announced, where a date follows it on
# the same line: "Justeringen har tillkännagivits genom anslag 2024-10-30".
POSTING_ANNOUNCED = (
    "justeringen har tillkännagivits genom anslag", "justeringen har tillkännagetts genom anslag",
    "justeringen har tillkännagivits på kommunens anslagstavla", "tillkännagivande om justering",
    "justeringen tillkännagiven genom anslag", "protokollet anslaget",
)
# Omedelbar justering of an item: these phrases in its text, or IMMEDIATE_MARKERS (as a
# word, upper case) beside its § heading ("KS § 31 OJ", "§ 12 (OJ)").
IMMEDIATE_PHRASES = (
    "omedelbart justerad", "omedelbart justerat", "omedelbart justerade", "omedelbart justeras",
    "omedelbart justerats", "omedelbar justering", "justeras omedelbart", "justerades omedelbart",
    "justerad omedelbart", "justerat omedelbart",
)
IMMEDIATE_MARKERS = ("OJ",)
IMMEDIATE_STEM = "omedelbar"  # in every one of IMMEDIATE_PHRASES: a quick test before the pattern
