"""ORG: municipalities and regions ("Karlshamns kommun", "Region Blekinge område Nära vård"),
named nämnder/styrelser/förvaltningar, units ("Enheten för kvalitet och utveckling (KoU)")
with the acronyms they define, companies ("… AB"), parties "(S)", the meeting's own body
and a short list of public bodies (``vocab.KNOWN_ORGS``).
"""

from __future__ import annotations

import re

from spacy.language import Language

from .canonical import org_key
from .spans import add_entity
from .vocab import COMPANY_SUFFIXES, KNOWN_ORGS, NOT_NAMES, ORG_UNIT_HEADS, PARTIES, ROLES

_CAP = r"[A-ZÅÄÖÉ][\wåäöéü]+"
_W = r"[\wåäöéü]"
_ACRONYM = r"[A-ZÅÄÖ][A-Za-zåäöÅÄÖ]{0,6}[A-ZÅÄÖ][A-Za-zåäö]{0,3}"
_AREA = rf"(?:,?\s+[Oo]mråde\s+{_CAP}(?:\s+[a-zåäö]+)?|\s+Nära\s+vård)"
_ORG_SUFFIX = r"(?:förvaltning|nämnd|styrelse|fullmäktige|utskott)(?:en|n|et)?s?"

PATTERNS = (
    ("org-region", re.compile(rf"\b(?:Region|Landstinget)\s+{_CAP}(?:{_AREA})?")),
    ("org-kommun", re.compile(rf"\b{_CAP}\s+[Kk]ommun(?:s|en)?(?!{_W})")),
    ("org-unit", re.compile(
        rf"\b(?:{'|'.join(h.capitalize() + '|' + h for h in ORG_UNIT_HEADS)})\s+för\s+{_W}+(?:\s+och\s+{_W}+)?"
        rf"(?:\s*\((?P<acr>{_ACRONYM})\)|\s+(?P<acr2>{_ACRONYM})\b)?")),
    ("org-suffix", re.compile(rf"(?<![\w-])(?:{_W}+-?\s+och\s+)?{_W}{{2,}}{_ORG_SUFFIX}(?!{_W})")),
    ("org-company", re.compile(rf"\b(?:{_CAP}\s+){{1,3}}(?:{'|'.join(re.escape(s) for s in COMPANY_SUFFIXES)})(?!{_W})")),
    ("org-known", re.compile(rf"(?<![\w-])(?:{'|'.join(re.escape(k) for k in sorted(KNOWN_ORGS, key=len, reverse=True))})s?(?!{_W})", re.I)),
    ("org-party", re.compile(rf"(?<=[\wåäö]\s)\((?P<party>{'|'.join(PARTIES)})\)")),
)


def find_orgs(text: str, body: str | None = None):
    """``(start, end, key, rule, acronym)`` of every organisation in ``text``, in order."""
    found = []
    for rule, rx in PATTERNS:
        for m in rx.finditer(text):
            start, end = m.span()
            if rule == "org-party":
                start, end = start + 1, end - 1
                found.append((start, end, org_key(PARTIES[m.group("party")]), rule, None))
                continue
            acr = m.groupdict().get("acr") or m.groupdict().get("acr2")
            name = text[start:end]
            if acr:
                name = name[: name.rfind(acr)].rstrip(" (")
            if rule == "org-kommun" and name.split()[0].lower() in (*ROLES, *NOT_NAMES):
                continue
            found.append((start, start + len(name) if acr else end, org_key(name), rule, acr))
    if body:
        for m in re.finditer(rf"(?<![\w-]){re.escape(body)}(?::s|s)?(?![\w])", text):
            found.append((m.start(), m.start() + len(body), org_key(body), "org-meeting-body", None))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    return found


@Language.factory("protokoll_orgs", default_config={})
def make_orgs(nlp: Language, name: str):
    """Tag ORG spans with ``._.key``; defined acronyms go to ``doc.user_data["acronyms"]``."""
    return tag_orgs


def tag_orgs(doc):
    acronyms = doc.user_data.setdefault("acronyms", {})
    for start, end, key, rule, acr in find_orgs(doc.text, doc.user_data.get("meeting_body")):
        span = add_entity(doc, start, end, "ORG", key=key, rule=rule)
        if span is not None and acr:
            acronyms.setdefault(acr, key)
    return tag_acronyms(doc, acronyms)


def tag_acronyms(doc, acronyms: dict[str, str]):
    """Tag each use of an acronym defined in the protocol ("KoU", "KoU:s") as its ORG."""
    for acr, key in acronyms.items():
        for m in re.finditer(rf"(?<![\w-]){re.escape(acr)}(?=[\s*:.,)]|s\b|$)", doc.text):
            add_entity(doc, m.start(), m.end(), "ORG", key=key, rule="org-acronym")
    return doc
