"""Tracking codes a complainant can read aloud over the phone and type on a keypad.

A code is fifteen characters from Crockford's base-32 alphabet (digits and capitals without
I, L, O and U, so no two characters look or sound alike), 75 random bits, written in three
groups of five: ``7KQ2M-XH4DP-9RW3C``. Reading it back forgives what people do: lower case,
spaces or no hyphens, and O/I/L typed for 0/1/1."""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 3
GROUP_LENGTH = 5
LENGTH = GROUPS * GROUP_LENGTH
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.·]+")


def new_code() -> str:
    return _grouped("".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def _grouped(chars: str) -> str:
    return "-".join(chars[i:i + GROUP_LENGTH] for i in range(0, len(chars), GROUP_LENGTH))


def normal(typed: str) -> str:
    """The stored form of a code as someone typed or read it: separators dropped, upper case,
    look-alike letters read as the digits they resemble, grouped by five. Anything that cannot
    be a code of this form comes back stripped but otherwise as typed (codes issued before
    this form still match)."""
    text = (typed or "").strip()
    chars = _SEPARATORS.sub("", text).upper().translate(_LOOK_ALIKES)
    if len(chars) == LENGTH and all(ch in ALPHABET for ch in chars):
        return _grouped(chars)
    return text
