"""Finding households by what a cadre remembers: a number, a name, pinyin, ID digits.

Each household keeps one search text, rebuilt by the write path whenever its number or
members change: ` #0012 张三丰 zsf zhangsanfeng =140121195003040011 李秀英 lxy ...`.
What was typed matches it by its kind:

- Chinese characters: anywhere in a name (`三丰` finds 张三丰);
- letters: the start of a name's initials or full pinyin (`zsf`, `zhangsan`), in any of
  its readings: pinyin.py keeps them side by side (` 曾超军 zcj ccj zengchaojun
  cengchaojun`), so ` zcj` and ` ccj` both start a word of the text;
- digits: the start of a household number or the end of an ID number (`0012`, `0011`);
- several words: every one must match.

The text is not scanned: its words are kept as search keys (`index_keys`, the table
search_key, one row per household and key, written with the text in the same
transaction), so that every match above is the START of a key, found as a range of a
B-tree index (`ranges`): a key costs the same in a village and a county. Keys are
UTF-8 bytes, compared byte by byte on SQLite and PostgreSQL alike (no collation), the
first byte naming their kind:

- `s` each ending of a word with a Chinese character (`s张三丰`, `s三丰`, `s丰`), so that
  `三丰` is the start of one;
- `p` a word that does not start with one: pinyin, a Latin name, `#0012`;
- `r` a word ending in a digit, or an ID number, read backwards (`r1100...041`), so that
  the last digits are its start.

A word of letters mixed with digits or marks (`001x`, `#12`) matches the start or the
end of a word (the LIKE before also matched its middle).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_CJK = re.compile(r"[\u3400-\u9fff]")


def search_text(number: str, members: Iterable[tuple[str, str, str, str | None]]) -> str:
    """The search text of a household: its number, then each member's name, initials,
    full pinyin and ID number."""
    parts = [f" #{number}"]
    for name, initials, full, id_number in members:
        parts.append(f" {name} {initials} {full}")
        if id_number:
            parts.append(f" ={id_number}")
    return "".join(parts).lower() + " "


SUBSTRING, PREFIX, REVERSED = b"s", b"p", b"r"


def index_keys(text: str) -> set[bytes]:
    """The search keys of a household's search text (`search_text`)."""
    keys: set[bytes] = set()
    for word in text.split():
        if word.startswith("="):  # an ID number: found by its last digits
            keys.add(REVERSED + word[:0:-1].encode())
            continue
        if _CJK.search(word):
            keys.update(SUBSTRING + word[i:].encode() for i in range(len(word)))
        if not _CJK.match(word):
            keys.add(PREFIX + word.encode())
        if word[-1].isdigit():
            keys.add(REVERSED + word[::-1].encode())
    return keys


def ranges(query: str) -> list[list[tuple[bytes, bytes]]]:
    """For each word of `query`, the key ranges [low, high) of which one must hold a key
    of the household: the keys that start with what the word asks for."""
    out = []
    for word in unicodedata.normalize("NFKC", query).lower().split():
        if _CJK.search(word):
            starts = [SUBSTRING + word.encode()]
        elif word.isdigit():
            starts = [PREFIX + b"#" + word.encode(), REVERSED + word[::-1].encode()]
        elif word.isalpha() and word.isascii():
            starts = [PREFIX + word.encode()]
        else:
            starts = [PREFIX + word.encode(), REVERSED + word[::-1].encode()]
        out.append([(start, start + b"\xff") for start in starts])  # no UTF-8 byte is FF
    return out


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def patterns(query: str) -> list[list[str]]:
    """For each word of `query`, the LIKE patterns of which one must match (ESCAPE '\\'):
    the search as it was before the keys, kept as their reference (tests compare them)."""
    out = []
    # full-width letters and digits (an input method left in full-width mode) as ASCII
    for word in unicodedata.normalize("NFKC", query).lower().split():
        term = _escape(word)
        if _CJK.search(word):
            out.append([f"%{term}%"])
        elif word.isdigit():
            out.append([f"% #{term}%", f"%{term} %"])
        elif word.isalpha() and word.isascii():
            out.append([f"% {term}%"])
        else:
            out.append([f"%{term}%"])
    return out
