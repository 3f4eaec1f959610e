"""Plain text and Markdown: decode (UTF-8, UTF-8 BOM, UTF-16, cp1252) and split into blocks."""

from __future__ import annotations

import re

from protokoll.errors import CorruptFile
from protokoll.records import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW, Block

BULLETS = "-•*–·\uf0b7\u25aa\u25cf"
_NUMBERED = re.compile(
    r"^\s*(?:(\d{1,3}(?:\)\.?|\.)|[a-zåäö][.)/])\s+|([" + re.escape(BULLETS) + r"])\s*)(?=\S)"
)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def decode(data: bytes, path=None) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        odd_nuls = data[1:4096:2].count(0)
        even_nuls = data[0:4096:2].count(0)
        try:
            return data.decode("utf-16-le" if odd_nuls >= even_nuls else "utf-16-be")
        except UnicodeDecodeError as e:
            raise CorruptFile(f"text with NUL bytes that is not UTF-16 ({e.reason})", path=path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def text_blocks(text: str, markdown: bool = False, page: int | None = None) -> list[Block]:
    """Split text into blocks: one per non-empty line, each on ``page``.

    Lines with tabs become table rows; "1." / "-" / "•" starts become list items with
    ``number`` (every bullet becomes "-"); Markdown "#" lines become headings (and "**bold**" markers are dropped).
    """
    blocks: list[Block] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.replace("\u00a0", " ").rstrip()
        if not line.strip():
            continue
        if markdown:
            line = line.replace("**", "")
            m = _MD_HEADING.match(line)
            if m:
                blocks.append(Block(HEADING, m.group(2), page, level=len(m.group(1))))
                continue
            line = re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", line)
        if "\t" in line.strip():
            cells = tuple(c.strip() for c in line.strip().split("\t"))
            blocks.append(Block(TABLE_ROW, "\t".join(cells), page, cells=cells))
            continue
        stripped = line.strip()
        marked = list_marker(stripped)
        if marked:
            indent = len(line) - len(line.lstrip())
            blocks.append(Block(LIST_ITEM, marked[1], page, level=indent // 2, number=marked[0]))
            continue
        blocks.append(Block(PARAGRAPH, stripped, page))
    return blocks


def list_marker(line: str) -> tuple[str, str] | None:
    """(number, text) when ``line`` starts like a list item ("1.", "a)", "•"), else None.

    Every bullet becomes "-", whatever the format drew: "• Beslut" gives ("-", "- Beslut").
    """
    m = _NUMBERED.match(line)
    if not m:
        return None
    number, rest = m.group(1) or m.group(2), line[len(m.group(0)):]
    if m.group(2):
        if not rest[:1].isalpha():  # "-419 515" is an amount, "*" alone no bullet
            return None
        return "-", "- " + rest.lstrip()
    return number, line
