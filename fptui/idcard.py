"""Resident ID numbers (GB 11643-1999), through python-stdnum's `stdnum.cn.ric`.

stdnum supplies the check character, the date and the table of division codes (with the
years each was in use). This module adds what fptui needs around it: one reason code per
kind of fault (so the form can say which), the sex from the sequence number, legacy
15-digit numbers, masking for lists, and building numbers for the synthetic demo.

Whatever the library raises on odd input, a number gets a verdict here (an IdInfo or an
IdCardError), never another exception: a form, a save or `fptui check` must not end on
one person's number.

The division code is the county where the person was registered when the number was
issued, so it can be younger than the person (born 1950, in a district made in 1997): a
code is right when the table has it in any year. A code the table does not list, under a
province it lists, is accepted with `IdInfo.division_known` false: tables lag behind new
districts, so that is a warning for the cadre to confirm (the `id_unknown_division`
check), never a refusal that leaves the person without a number.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import ric


class IdCardError(ValueError):
    """An ID number that is not valid; `reason` is a key of `messages.idcard` in schemas."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F"
    division: str
    upgraded: bool = False  # True when made from a 15-digit legacy number
    # False: a division code under a known province that the table does not list (a
    # warning for the cadre to confirm, not a fault).
    division_known: bool = True


_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")


def compact(number: str) -> str:
    """Without separators, upper case, full-width digits and Ｘ (typed in a Chinese input
    method) made ASCII. Raises IdCardError("format") for what cannot be read as text."""
    try:
        return ric.compact(str(number).translate(_FULLWIDTH).replace("x", "X"))
    except Exception:  # whatever stdnum raises: a verdict, not a crash
        raise IdCardError("format") from None


_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")


def check_char(first17: str) -> str:
    """The check character for the first 17 digits (IdCardError("format") if they are not)."""
    if not (len(first17) == 17 and first17.isascii() and first17.isdigit()):
        raise IdCardError("format")
    try:
        return ric.calc_check_digit(first17 + "0")
    except Exception:  # whatever stdnum raises
        raise IdCardError("format") from None


def upgrade_15(number: str) -> str:
    """The 18-character form of a 15-digit legacy number (born 19YY, no check character)."""
    number = compact(number)
    if len(number) != 15 or not (number.isascii() and number.isdigit()):
        raise IdCardError("legacy_format")
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_char(first17)


def parse(number: str, *, allow_legacy: bool = True, earliest_year: int | None = None) -> IdInfo:
    """Validate `number` and return what it says; raise IdCardError with the reason.

    The checks, in order: legacy numbers (`legacy_refused`, `legacy_format`), `length`,
    `format`, `date` (no such day), `checksum`, `birth_too_early` (born before
    `earliest_year`; fptui passes domain.toml's `birth.earliest_year`, None checks
    nothing), `division` (a province the division table does not know). A code the table
    does not list under a province it knows is valid, with `division_known` false.
    """
    number = compact(number)
    upgraded = False
    if len(number) == 15:
        if not allow_legacy:
            raise IdCardError("legacy_refused")
        number = upgrade_15(number)
        upgraded = True
    if len(number) != 18:
        raise IdCardError("length")
    if not _SHAPE.match(number):
        raise IdCardError("format")
    try:
        birth = ric.get_birth_date(number)
    except Exception:  # stdnum's InvalidComponent, or anything else it raises
        raise IdCardError("date") from None
    if number[17] != check_char(number[:17]):
        raise IdCardError("checksum")
    if earliest_year is not None and birth.year < earliest_year:
        raise IdCardError("birth_too_early")
    known = division_status(number[:6])
    if known == "no_province":
        raise IdCardError("division")
    sex = "M" if int(number[16]) % 2 else "F"
    return IdInfo(number, birth, sex, number[:6], upgraded, known == "known")


@lru_cache(maxsize=8192)
def division_status(division: str) -> str:
    """What stdnum's division table says of a 6-digit code: "known" (listed, in use in
    any year), "unknown" (not listed, under a province it lists) or "no_province".

    The table (`stdnum/cn/loc.dat`, read through `stdnum.numdb`) holds each code with the
    years it was in use (`[1997-]通州区`); those years are not compared with the date of
    birth, as a number's code may be younger than its holder. Should the look-up itself
    fail, the code is "unknown": a warning to confirm, never a refusal on the library's
    account. Cached: a township's 100,000 numbers share a few hundred codes.
    """
    try:
        info: dict[str, str] = {}
        for _part, props in numdb.get("cn/loc").info(division):
            info.update(props)
    except Exception:  # whatever the library raises
        return "unknown"
    if info.get("county"):
        return "known"
    return "unknown" if info.get("province") else "no_province"


def is_valid(number: str) -> bool:
    try:
        parse(number, allow_legacy=False)
    except IdCardError:
        return False
    return True


def disagreements(number: str, sex: str | None, birth_date: dt.date | None) -> list[str]:
    """Which of the recorded sex and date of birth the number contradicts ("sex", "birth_date")."""
    info = parse(number)
    found = []
    if sex and info.sex != sex:
        found.append("sex")
    if birth_date and info.birth_date != birth_date:
        found.append("birth_date")
    return found


def mask(number: str | None) -> str:
    """First 6 and last 4 characters, the rest starred: how lists show an ID number."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def make(division: str, birth_date: dt.date, sequence: int, sex: str) -> str:
    """A valid number for the demo: `sequence` (0-499) is made odd for men, even for women."""
    seq = sequence * 2 + (1 if sex == "M" else 0)
    if not 0 <= seq <= 999:
        raise ValueError("sequence out of range")
    first17 = f"{division}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)
