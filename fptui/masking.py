"""Passwords out of every text fptui shows: `postgresql://user:password@server/ledger`.

A township server's URL carries its password, and `--db` puts that URL into messages
(a refusal, a crash report, a backup that cannot be made). Whatever is printed, shown on
a screen or written to a report passes through `mask()` first, one rule for all.
It imports no layer of fptui.
"""

from __future__ import annotations

import re

# scheme://user:password@  (the password may hold anything but "@" and white space)
_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*):[^\s@]*@")
# libpq's key=value form: password=secret or password='secret'
_DSN = re.compile(r"(\bpassword\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)

MASK = "***"


def mask(text: object) -> str:
    """`text` with every URL's password (and a `password=` setting) replaced by ***."""
    shown = _URL.sub(rf"\1:{MASK}@", str(text))
    return _DSN.sub(rf"\g<1>{MASK}", shown)
