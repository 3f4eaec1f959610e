"""Words around people's names: titles and roles, name particles, party abbreviations.

All lower case unless a list says otherwise. The parsers read attendance lists and
presenters with the first lists; nlp tags persons (PER) with the rest.
"""

# --- the parsers: attendance, presenters ---------------------------------------------

# Titles that mark a member of the body where the text names a person with them
# ("vice riksbankschef Per Jansson"): in a list of everyone present, the members come
# first and the list's members end at the last person the text names so.
MEMBER_TITLES = ("riksbankschef", "vice riksbankschef", "förste vice riksbankschef")

# Lower-case words inside a person's name: "Kerstin af Jochnick", "Tommy von Brömsen".
NAME_PARTICLES = ("af", "von", "van", "de", "der", "da", "di", "du", "la", "le")

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

# --- nlp: persons in running text -----------------------------------------------------

# Swedish party abbreviations written "(S)", "(M)", …
PARTIES = {
    "S": "Socialdemokraterna", "M": "Moderaterna", "SD": "Sverigedemokraterna",
    "C": "Centerpartiet", "V": "Vänsterpartiet", "KD": "Kristdemokraterna",
    "L": "Liberalerna", "MP": "Miljöpartiet", "FP": "Folkpartiet",
}

# Titles and roles that precede a name and are not part of it.
ROLES = (
    "ordförande", "vice", "sekreterare", "justerare", "ledamot", "ersättare", "programledare",
    "projektledare", "processledare", "processägare", "projektägare", "folkhälsostrateg",
    "verksamhetschef", "enhetschef", "avdelningschef", "regiondirektör", "regiondirektören",
    "kommundirektör", "kommundirektören", "förvaltningschef", "direktör", "chef", "handläggare",
    "föredragande", "utredare", "samordnare", "strateg", "controller", "ekonom", "sakkunnig",
    "chefssjuksköterska", "sjuksköterska", "läkare", "kommunalråd", "kommunsekreterare",
    "nämndsekreterare", "registrator", "jurist", "rektor",
)

# Capitalised words that start sentences or headings and are never names.
NOT_NAMES = (
    "att", "och", "för", "med", "den", "det", "de", "en", "ett", "som", "till", "från",
    "inga", "ingen", "alla", "nya", "vid", "se", "i", "på", "om", "av", "under", "efter",
)
