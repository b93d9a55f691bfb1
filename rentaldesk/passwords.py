"""Passwords kept as hashes: hashlib's scrypt (the standard library; argon2-cffi is not a dependency),
for the web dashboard's admin password (setting ``web.admin_password``) until staff accounts exist.

A hash is one line, ``scrypt$<n>$<r>$<p>$<salt hex>$<key hex>``, so it can sit in the settings file or
the environment; ``rentaldesk web --hash-password`` prints one for a password typed on stdin.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

SCHEME = "scrypt"
#: scrypt's cost: 2**14 rounds of 8 blocks, about 16 MB and some tens of ms per check (a guess per
#: check, and the sign-in is rate limited on top).
N, R, P = 2**14, 8, 1
_FORM = re.compile(r"scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([0-9a-f]{32})\$([0-9a-f]{64})")
#: A password longer than this is refused before any hashing (no hashing of a megabyte body).
LONGEST = 1024


def hash_password(password: str) -> str:
    """A new hash of ``password`` (a fresh random salt)."""
    salt = secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"{SCHEME}${N}${R}${P}${salt.hex()}${key.hex()}"


def is_hash(text: str) -> bool:
    """Whether ``text`` is a hash :func:`hash_password` made."""
    found = _FORM.fullmatch(text.strip())
    return found is not None and _cost_ok(int(found.group(1)), int(found.group(2)), int(found.group(3)))


def _cost_ok(n: int, r: int, p: int) -> bool:
    return 2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16


def verify_password(password: str, hashed: str) -> bool:
    """Whether ``password`` is the one ``hashed`` was made of (compared in constant time); False for
    a hash not of :func:`hash_password`'s form."""
    found = _FORM.fullmatch(hashed.strip())
    if found is None or len(password) > LONGEST:
        return False
    n, r, p = int(found.group(1)), int(found.group(2)), int(found.group(3))
    if not _cost_ok(n, r, p):
        return False
    key = hashlib.scrypt(password.encode(), salt=bytes.fromhex(found.group(4)), n=n, r=r, p=p, dklen=32,
                         maxmem=256 * 1024 * 1024)
    return hmac.compare_digest(key, bytes.fromhex(found.group(5)))
