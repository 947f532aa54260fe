"""Normalised identity: what makes two registrations the same person.

Case, accents, extra spaces, hyphens and apostrophes do not matter
("  Hélène-Marie  D'Hondt " == "helene marie dhondt"). The pseudonymous code is a keyed
hash (HMAC-SHA256, key `settings.PSEUDONYM_KEY`) of the normalised first name, last name and
birth year, so the same person gets the same code in every digibank and no name leaves it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

from django.conf import settings

_SEPARATORS = re.compile(
    "[\\s\\-\u2010\u2011\u2012\u2013\u2014'\u2019`\u00b4.,_]+"
)  # spaces, dashes, apostrophes
VISITOR_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
VISITOR_CODE_LENGTH = 6


def fold(text: str) -> str:
    """Lower case, without accents, single spaces: for search."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_SEPARATORS.sub(" ", stripped.casefold()).split())


def normalise_name(text: str) -> str:
    """The identity form of a name: folded, and without any separator at all."""
    return fold(text).replace(" ", "")


def identity_key(first_name: str, last_name: str, birth_year: int | None) -> str:
    return f"{normalise_name(first_name)}|{normalise_name(last_name)}|{birth_year or ''}"


def pseudonymous_code(first_name: str, last_name: str, birth_year: int | None) -> str:
    key = settings.PSEUDONYM_KEY.encode()
    digest = hmac.new(key, identity_key(first_name, last_name, birth_year).encode(), hashlib.sha256)
    return digest.hexdigest()[:20].upper()


def random_pseudonymous_code() -> str:
    """For an erased visitor: still one person in the counts, no longer linkable to anyone."""
    return "X" + secrets.token_hex(10)[:19].upper()


def new_visitor_code() -> str:
    return "".join(secrets.choice(VISITOR_CODE_ALPHABET) for _ in range(VISITOR_CODE_LENGTH))


def edit_distance(a: str, b: str, *, limit: int = 2) -> int:
    """Levenshtein distance, stopping early once it exceeds `limit` (returns limit + 1)."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)
