"""The item headings issue 27 lists, and the references beside them that are never items.

One item text, written as the municipal template writes it (a reference to the
arbetsutskott's paragraph and to MBL in the text), under each numbering style: the
parser must find exactly the two headings, whatever their style.
"""

from __future__ import annotations

import pytest

from protokoll import ingest, parsers

TEXT = """KOMMUNSTYRELSEN
Protokoll 2025-03-26

{first}
Budget 2025

Ärendet har beretts av kommunstyrelsens arbetsutskott 2025-03-19, § 61.
Samverkan har skett enligt MBL § 11.

Beslut
Kommunstyrelsen beslutar att godkänna budgeten.

{second}
Val av ombud

Beslut
Kommunstyrelsen beslutar att utse Anna Berg till ombud.
"""


@pytest.mark.parametrize(
    "first, second, numbers",
    [
        ("KS § 27", "KS § 28", ["27", "28"]),  # organ before "§"
        ("BUN § 12", "BUN § 13", ["12", "13"]),
        ("§ 3 a", "§ 3 b", ["3a", "3b"]),  # numbers with letters
        ("§ 3a", "§ 3b", ["3a", "3b"]),
        ("4 §", "5 §", ["4", "5"]),  # Finland-Swedish: the number first
        ("§ 94/24", "§ 95/24", ["94", "95"]),  # the year after the number
        ("§4.", "§5.", ["4", "5"]),  # the Riksbank: no space, a full stop
    ],
)
def test_heading_styles_give_their_items_and_references_give_none(tmp_path, first, second, numbers):
    path = tmp_path / "protokoll.txt"
    path.write_text(TEXT.format(first=first, second=second), encoding="utf-8")
    protocol = parsers.parse(ingest.read(path))
    assert [i.number for i in protocol.items] == numbers
    assert [i.title for i in protocol.items] == ["Budget 2025", "Val av ombud"]
