"""Swedish words about personal data: what stands before a phone number, and the words of
matters that are typically confidential (individärenden in socialtjänst, skola, LSS).

Read by :mod:`protokoll.privacy` (the phone cues: a number after "tel." is a phone
number, not a personnummer) and :mod:`protokoll.review` (what to look at before
publishing). Patterns are case-insensitive and matched against an item's title and text.
"""

from __future__ import annotations

# Words that say the number after them is a phone or fax number ("tel. 0701234567").
PHONE_CUES = ("tel", "tfn", "telefon", "telefonnummer", "telnr", "mobil", "mobilnr", "mobilnummer",
              "mobiltelefon", "fax", "sms", "växel")

# Matters about one person that the law keeps confidential (offentlighets- och
# sekretesslagen 26 kap. socialtjänst, 23 kap. skola; LSS, SoL, LVU, LVM, vårdnad):
# (rule, pattern). Each pattern names the individual matter itself, never only the
# field: "LSS" or "bistånd enligt SoL" alone is also the committee's own business
# ("LSS-verksamhetens budget", "riktlinjer för ekonomiskt bistånd enligt SoL"), so they
# count only in an application or a decision about support ("ansökan om ekonomiskt
# bistånd enligt 4 kap. 1 § SoL", "beslut om insats enligt LSS"); "sekretess" only as
# the matter's own ("omfattas av sekretess", "sekretessbelagd"), and a school placement
# only when asked for or decided. The rule names the reason in `protokoll review`.
CONFIDENTIAL_TERMS = (
    ("individärende", r"\bindivid(?:ärende|ärenden|ärendet|utskott\w*)\b"),
    ("sekretess", r"\b(?:omfattas av sekretess|sekretessbelag\w*|sekretessmarkera\w*|sekretess enligt"
                  r"|under sekretess)\b"),
    ("OSL 26 kap", r"\b(?:osl|offentlighets- och sekretesslagen)\s*(?:\(2009:400\))?\s*(?:23|26)\s*kap"),
    ("OSL 26 kap", r"\b(?:23|26)\s*kap\.?\s*(?:\d+\s*§\s*)?(?:osl|offentlighets- och sekretesslagen)\b"),
    ("bistånd enligt SoL/LSS", r"\b(?:ansökan om|ansöker om|beviljas|beviljar|avslag på|avslå|överklagande av"
                               r"|beslut om)\s+(?:\w+\s+){0,3}(?:bistånd|insats\w*|stöd)\s+enligt\s+"
                               r"(?:\d+\s*kap\.?\s*)?(?:\d+\s*§\s*)?(?:\d+\s*(?:p\.|punkt\w*)?\s*)?"
                               r"(?:sol|lss|socialtjänstlagen)\b"),
    ("LVU/LVM", r"\b(?:lvu|lvm)\b"),
    ("placering", r"\b(?:placering(?:en)?\s+(?:av|i|på)\s+(?:barn\w*|ungdom\w*|familjehem|hvb|jourhem"
                  r"|stödboende)|familjehemsplacering\w*|hvb-placering\w*|placerad\w*\s+i\s+familjehem)\b"),
    ("vårdnad", r"\b(?:vårdnads(?:överflyttning|utredning|tvist)\w*|överflyttning av vårdnad\w*"
                r"|vårdnaden om)\b"),
    ("umgänge", r"\b(?:umgänges(?:utredning|rätt)\w*|umgänge med)\b"),
    ("elevärende", r"\belevärende\w*\b"),
    ("skolplacering", r"\b(?:(?:ansökan|begäran|önskemål) om|överklagande av|beslut om)\s+skolplacering\w*\b"
                      r"|\bskolplacering av\b"),
    ("avstängning av elev", r"\bavstängning av (?:en )?elev\w*\b"),
)
