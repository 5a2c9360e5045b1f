"""Search keys for names: pinyin initials and full pinyin, through pypinyin.

`zsf` and `zhangsanfeng` both find 张三丰. Keys are stored on the person row so a search
is a plain indexed LIKE, never a conversion per row.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)
def search_keys(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of `name`, lower case, no tones, ü written v."""
    syllables = lazy_pinyin(name.strip(), style=Style.NORMAL, errors=_words)
    syllables = [s.lower() for s in syllables if s]
    return "".join(s[0] for s in syllables), "".join(syllables)


def _words(text: str) -> list[str]:
    """What is not Chinese: its Latin words and digits, each its own syllable; spaces and
    marks such as the middle dot of 阿依古丽·买买提 dropped."""
    return _WORD.findall(text)


_WORD = re.compile(r"[A-Za-z0-9]+")
