"""Search keys for names: pinyin initials and full pinyin, through pypinyin.

`zsf` and `zhangsanfeng` both find 张三丰. Names are found by how they are said: a surname
with its own reading is keyed by it (曾超军 by `zcj`), from the table in
schemas/surnames.toml, and keeps its common reading too (`ccj`); a given name's character
with several readings is found by each, from pypinyin's heteronyms (李长乐 by `lcl`,
`lzl`, `lcy`, `lzy`). A key holds each reading of the name, separated by a space
(`zcj ccj`), so that a search is still one plain LIKE on the start of any of them
(search.py), never a conversion per row. A name of many polyphones keeps its likeliest
MAX_READINGS readings.

Keys are stored on the person row, so a name is read once, when it is saved. This helper
imports no fptui layer: it reads its table itself, from the schemas/ folder beside the
package (where fptui.schema finds the rest), on the first name it reads.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from pypinyin import Style, lazy_pinyin, pinyin

from fptui.shipped import schemas_dir

SURNAMES = schemas_dir() / "surnames.toml"
MAX_READINGS = 8  # a name of many polyphones keeps its likeliest readings only
# The widths of Person.py_initials and py_full (models.py), which PostgreSQL enforces:
# readings that would not fit are left out (the first is always kept, cut if need be).
INITIALS_WIDTH = 40
FULL_WIDTH = 160

Reading = tuple[str, ...]  # the syllables of a name, or of a part of it


@lru_cache(maxsize=65536)
def search_keys(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of `name`, lower case, no tones, ü written v.

    Each is a list of the name's readings separated by a space, the likeliest first:
    the surname's own reading, then its common one, then the given name's other
    readings (`曾超军` gives `zcj ccj` and `zengchaojun cengchaojun`)."""
    said = readings(name)
    initials = _join(("".join(s[0] for s in r) for r in said), INITIALS_WIDTH)
    return initials, _join(("".join(r) for r in said), FULL_WIDTH)


def readings(name: str, limit: int = MAX_READINGS) -> list[Reading]:
    """The readings of `name`, each as its syllables, likeliest first, at most `limit`.

    Latin words and digits are kept as they are, each one syllable; spaces and marks
    such as the middle dot of 阿依古丽·买买提 are dropped."""
    return _combine(_units(name.strip()), limit)


def _units(name: str) -> list[list[Reading]]:
    """The parts of `name` that are said, each with its readings, likeliest first."""
    if not name:
        return []
    said = lazy_pinyin(name, style=Style.NORMAL, errors=_blanks)
    if len(said) != len(name):  # one item per character is what _blanks asks for
        said = [lazy_pinyin(c, style=Style.NORMAL, errors=_blanks)[0] for c in name]
    units: list[list[Reading]] = []
    start = 0
    table = surnames()
    for size in (2, 1):  # a compound surname before a single one
        surname = name[:size]
        if len(surname) == size and surname in table and all(said[:size]):
            options = [table[surname]]
            if size == 2 and surname[0] in table:  # 单于丽 may be 单 shan + 于丽
                options.append(table[surname[0]] + (said[1],))
            options.append(tuple(said[:size]))
            options.append(tuple(_common(c) for c in surname))
            units.append(_unique(options))
            start = size
            break
    else:
        if said[0]:  # another surname: as pypinyin reads it in the name
            units.append([(said[0],)])
            start = 1
    i = start
    while i < len(name):
        word = _WORD.match(name, i)
        if word:
            units.append([(word.group().lower(),)])
            i = word.end()
            continue
        if said[i]:  # a given name's character: as read in the name, then by each reading
            units.append(_unique([(said[i],), *((r,) for r in _heteronyms(name[i]))]))
        i += 1
    return units


def _combine(units: Sequence[Sequence[Reading]], limit: int) -> list[Reading]:
    """Up to `limit` different readings of the whole, by how far they stray from each
    part's likeliest reading (the sum of the options' ranks), an earlier part's second
    option before a later part's. Best first, so the work is bounded by `limit`."""
    if not units:
        return [()]
    first = (0,) * len(units)
    heap = [(0, first[::-1], first)]
    seen = {first}
    out: dict[Reading, None] = {}
    for _ in range(limit * 4):  # a few readings may coincide (xi'an, xian)
        if not heap or len(out) >= limit:
            break
        _, _, ranks = heapq.heappop(heap)
        out[tuple(s for unit, k in zip(units, ranks) for s in unit[k])] = None
        for pos, unit in enumerate(units):
            if ranks[pos] + 1 < len(unit):
                nxt = (*ranks[:pos], ranks[pos] + 1, *ranks[pos + 1 :])
                if nxt not in seen:
                    seen.add(nxt)
                    heapq.heappush(heap, (sum(nxt), nxt[::-1], nxt))
    return list(out)


def _join(keys: Iterable[str], width: int) -> str:
    """`keys` without repeats, separated by a space, as many as fit in `width`; the
    first is always kept, cut to `width` if it is longer (a search matches its start)."""
    kept: list[str] = []
    length = -1
    for key in dict.fromkeys(keys):
        if kept and length + 1 + len(key) > width:
            continue
        kept.append(key[:width])
        length += 1 + len(kept[-1])
    return " ".join(kept)


def _unique(options: Sequence[Reading]) -> list[Reading]:
    return list(dict.fromkeys(o for o in options if all(o)))


@lru_cache(maxsize=8192)
def _common(char: str) -> str:
    """The character's own reading, out of any context (pypinyin's default)."""
    return lazy_pinyin(char, style=Style.NORMAL, errors=_blanks)[0]


@lru_cache(maxsize=8192)
def _heteronyms(char: str) -> tuple[str, ...]:
    """Every reading pypinyin knows for the character, without tones (乐: le, yue)."""
    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors=_blanks)
    return tuple(r for r in found[0] if r.isascii() and r.isalpha()) if found else ()


def _blanks(text: str) -> list[str]:
    """What pypinyin cannot read (Latin, digits, spaces, marks): an empty syllable per
    character, so its answer has one item per character of the name."""
    return [""] * len(text)


_WORD = re.compile(r"[A-Za-z0-9]+")


# --- the surname table --------------------------------------------------------------------

_SYLLABLE = re.compile(r"[a-z]+")
_SECTIONS = {"single": 1, "compound": 2}


@lru_cache(maxsize=1)
def surnames() -> dict[str, Reading]:
    """The shipped table (schemas/surnames.toml): surname -> its syllables."""
    return load_surnames(SURNAMES)


def load_surnames(path: Path) -> dict[str, Reading]:
    """The surname table in `path`: surname -> its syllables, one per character.

    A malformed file is refused with a ValueError naming the file, the key and what was
    expected, as fptui.schema refuses the other files of schemas/."""
    import tomllib  # on first use only: start-up does not read the table

    with path.open("rb") as f:
        data = tomllib.load(f)
    for key in data:
        if key not in ("source", *_SECTIONS):
            raise ValueError(f"{path}: {key}: unknown key (expected source, single, compound)")
    if not isinstance(data.get("source"), str) or not data["source"].strip():
        raise ValueError(f"{path}: source: expected the text the readings come from")
    table: dict[str, Reading] = {}
    for section, size in _SECTIONS.items():
        entries = data.get(section)
        if not isinstance(entries, dict):
            raise ValueError(f"{path}: {section}: expected a table of surname = reading")
        for surname, reading in entries.items():
            syllables = tuple(reading.split()) if isinstance(reading, str) else ()
            if (
                len(surname) != size
                or not all("\u3400" <= c <= "\u9fff" for c in surname)
                or len(syllables) != size
                or not all(_SYLLABLE.fullmatch(s) for s in syllables)
            ):
                raise ValueError(
                    f"{path}: {section}.{surname}: expected {size} Chinese character(s) "
                    f"read as {size} pinyin syllable(s) separated by a space, in lower "
                    f'case without tones, ü written v (e.g. "曾" = "zeng", '
                    f'"尉迟" = "yu chi"), not {reading!r}'
                )
            table[surname] = syllables
    return table
