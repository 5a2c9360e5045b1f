"""Search keys for names: pinyin initials and full pinyin, through pypinyin.

`zsf` and `zhangsanfeng` both find 张三丰. Keys are stored on the person row so a search
is a plain indexed LIKE, never a conversion per row.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=65536)
def search_keys(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of `name`, lower case, no tones, ü written v."""
    name = name.strip()
    if not name:
        return "", ""
    full = lazy_pinyin(name, style=Style.NORMAL, v_to_u=False, errors="default")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    clean = [p.lower() for p in full if p.strip()]
    return "".join(i.lower()[:1] for i in initials if i.strip()), "".join(clean)
