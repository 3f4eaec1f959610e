"""A diarienummer's case key: the register, the year and the serial number that identify a
case, however the number is written. Pure.

    >>> case_key("Dnr KS 2024/388"), case_key("KS KF/2025:035"), case_key("KS/KF 2025:35")
    ('KS 2024:388', 'KF 2025:35', 'KF 2025:35')
    >>> case_key("NKBY/302/00.01.03.01/2022")
    'NKBY 2022:302'

The rule (one for every organisation):

* A label before the number ("Dnr", "Dnr:", "Diarienummer:", :data:`vocab.DNR_LABELS`)
  is no part of it; case, spaces, and dashes of any kind ("-", "–", "—") do not count,
  nor do leading zeros of the serial number ("2024:007" is "2024:7").
* Year first ("KS 2024/388", "BUN/2024:215", "KS 2023.123", "KS-2024-388"), or the serial
  number first and the year last with an archive classification between them, as
  Finnish municipalities write it ("NKBY/302/00.01.03.01/2022": number 302 of 2022; the
  classification is left out, the number and year already name the case).
* Of the register codes before the number, the LAST one is the register whose series
  the number belongs to; codes before it name who keeps the register. So Lomma's
  "KS KF/2024:167" (kommunstyrelsen's diary, the council's series) is the same case as
  "KF/2024:167", the spelling the barn- och utbildningsnämnd used when it acted on the
  council's decision (BUN § 41, 2024-06-18), and as "KS/KF 2024:167". Different last codes
  stay different cases ("BUN/2024:36" and "KS KF/2024:36"; also "KS KS/2024:127" and
  "KS KF/2024:127": splitting a case in two is the safe error, merging two is not).
* A number of any other shape ("KNSLI/20014197", "LAI 23-001") is its own key: the text in
  capitals with spaces and dashes made uniform, so only the same spelling joins it.

The key says nothing about whose case it is: two municipalities' "KS 2024:388" are two
cases (the store scopes keys by organisation, :mod:`protokoll.store.cases`).
"""

from __future__ import annotations

import re

from . import vocab

_LABEL = re.compile(rf"^(?:{'|'.join(vocab.DNR_LABELS)})\b\.?\s*:?\s*", re.I)
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_CODES = r"(?P<codes>[A-ZÅÄÖ]+(?:\s*[ /-]\s*[A-ZÅÄÖ]+)*)"
_YEAR = r"(?P<year>(?:19|20)\d{2})"
_NUM = r"(?P<num>\d{1,7})"
# "KS KF/2024:167", "BUN/ 2024:188", "KS/KF 2025:7", "KS 2024/388", "KF/2006.366", "2024-388"
_YEAR_FIRST = re.compile(rf"^(?:{_CODES}\s*[ /-]?\s*)?{_YEAR}\s*[:/.-]\s*{_NUM}$")
# "NKBY/302/00.01.03.01/2022", "KS 388/2024"
_YEAR_LAST = re.compile(rf"^(?:{_CODES}\s*[ /-]\s*)?{_NUM}(?:\s*/\s*\d+(?:\.\d+)*)*\s*[/-]\s*{_YEAR}$")


def case_key(dnr: str | None) -> str | None:
    """The case key of a diarienummer as written (module docstring); None for no number."""
    text = clean(dnr)
    if not text:
        return None
    m = _YEAR_FIRST.match(text) or _YEAR_LAST.match(text)
    if m is None:
        return text
    codes = re.findall(r"[A-ZÅÄÖ]+", m.group("codes") or "")
    serial = f"{m.group('year')}:{int(m.group('num'))}"
    return f"{codes[-1]} {serial}" if codes else serial


def clean(dnr: str | None) -> str:
    """The number without its label, in capitals, spaces and dashes made uniform."""
    text = " ".join((dnr or "").split())
    text = _LABEL.sub("", text)
    text = _DASHES.sub("-", text).strip(" .,;:()")
    text = re.sub(r"\s*/\s*", "/", text)
    return text.upper()
