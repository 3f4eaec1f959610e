"""Swedish (and Finland-Swedish) words the parsers look for, in one place.

Everything is lower case; the parsers compare case-insensitively. Adding a word here
is the way to teach the parser a new spelling: no pattern elsewhere repeats these lists.
"""

# The last word of a decision-making body ("Kommunstyrelsen", "Samverkansgruppen").
ORGAN_SUFFIXES = (
    "styrelsen", "styrelse", "nämnden", "nämnd", "fullmäktige", "gruppen", "grupp",
    "utskottet", "utskott", "rådet", "råd", "ledningen", "ledningsgruppen", "mötet",
    "sammanträdet", "kommittén", "direktionen", "delegationen", "beredningen",
    "förbundet", "presidiet", "stämman", "sektionen", "sektion",
)

# Verbs that open a decision block: "LSVO beslutar", "Stadsstyrelsen beslöt".
DECISION_VERBS = ("beslutar", "beslöt", "beslutade", "besluter")

# Header labels of a protocol and what they hold.
HEADER_LABELS = {
    "plats och tid": "place_time",
    "tid och plats": "place_time",
    "sammanträdestid": "time",
    "tid": "time",
    "datum": "date",
    "sammanträdesdatum": "date",
    "sammanträdesplats": "place",
    "plats": "place",
    "organ": "body",
    "instans": "body",
}

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
    "tjänstgörande ersättare": "substitute",
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
    "övriga": "official",
    "närvarande tjänstepersoner": "official",
    "föredragande": "official",
}

# Words for a person's role in a meeting ("Bodil Sundlöf, ordförande").
ROLE_WORDS = (
    "ordförande", "vice ordförande", "förste vice ordförande", "andre vice ordförande",
    "sekreterare", "protokollförare", "justerare", "ledamot", "ersättare",
    "tjänstgörande ersättare", "programledare", "projektledare", "processledare",
    "verksamhetschef", "folkhälsostrateg", "kommundirektör", "stadsdirektör",
    "förvaltningschef", "ekonomichef", "kanslichef", "nämndsekreterare", "utredare",
    "handläggare", "föredragande", "controller", "direktör", "chef", "strateg",
    "kommunsekreterare", "stadssekreterare", "kommunjurist", "stadsjurist",
)
# Role words also match as suffix of a longer word ("HR-chef", "socialchef").
ROLE_SUFFIXES = ("chef", "strateg", "ledare", "sekreterare", "direktör", "handläggare")

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
    "yrkande": "motions",
    "beslutsgång": "procedure",
    "propositionsordning": "procedure",
    "omröstning": "votes",
    "omröstningsresultat": "votes",
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

# Outcome phrases, checked in this order against a decision's text (lower case).
OUTCOME_PHRASES = (
    ("referred_back", ("återremiss", "återremitter", "återremitera")),
    ("tabled", ("bordlägg", "bordlagt", "bordlades", "bordlagd", "bordläggs")),
    ("noted", ("till handlingarna", "antecknade informationen", "antecknar informationen",
               "antecknas för kännedom", "för kännedom", "notera informationen",
               "noterar informationen", "informationen noteras", "tagit del av", "tar del av",
               "tog del av")),
)

# Presenters in prose: "Föredragande är Mats Wennstig.", "Mats Wennstig föredrar
# ärendet", "Ärendet föredras av …", "Anna Berg och Per Holm presenterar …".
PRESENTER_LABELS = ("föredragande", "föredragare", "föredragen av", "föredraget av", "ärendet föredras av",
                    "föredras av", "ärendet föredrogs av", "föredrogs av")
PRESENTER_VERBS = ("föredrar", "föredrog", "presenterar", "presenterade")

# Working-group kind markers: "(B)", "(I/D)".
KIND_MARKERS = {"b": "decision", "i": "information", "d": "discussion"}

# Vote words.
VOTE_YES = ("ja", "ja-röster", "jaröster")
VOTE_NO = ("nej", "nej-röster", "nejröster")
VOTE_ABSTAIN = ("avstår", "avstod", "avstående", "avstå", "avstod från att rösta", "blank", "blanka")
VOTE_ABSENT = ("frånvarande", "frånv")

# Marks in a table cell or check box that mean "yes, ticked".
TICKS = ("x", "☒", "☑", "✓", "✔", "[x]", "ja", "1")
