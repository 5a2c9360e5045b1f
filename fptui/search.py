"""Finding households by what a cadre remembers: a number, a name, pinyin, ID digits.

Each household keeps one search text, rebuilt by the write path whenever its number or
members change: ` #0012 张三丰 zsf zhangsanfeng =140121195003040011 李秀英 lxy ...`.
A query is then one LIKE scan over the households (a few milliseconds at 100,000
persons), its pattern chosen by what was typed:

- Chinese characters: anywhere in a name (`三丰` finds 张三丰);
- letters: the start of a name's initials or full pinyin (`zsf`, `zhangsan`), in any of
  its readings: pinyin.py keeps them side by side (` 曾超军 zcj ccj zengchaojun
  cengchaojun`), so ` zcj` and ` ccj` both start a word of the text;
- digits: the start of a household number or the end of an ID number (`0012`, `0011`);
- several words: every one must match.
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


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def patterns(query: str) -> list[list[str]]:
    """For each word of `query`, the LIKE patterns of which one must match (ESCAPE '\\')."""
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
