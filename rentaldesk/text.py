"""What free text may hold: a person's name, a phone, an email, a car's model and colour, the names
of branches and classes. The one rule every input path uses (the desk, the command line, the
files, head office and the events read from Kafka), and the one way stored text is printed.

Free text is one line of visible characters: surrounding spaces (and line breaks) are trimmed;
control characters (C0 and C1: NUL, tab, line breaks, ESC and so the ANSI and OSC escapes),
Unicode line and paragraph separators, bidirectional embeddings, overrides and isolates
(U+202A-U+202E, U+2066-U+2069) and the other invisible format characters are refused, as are
unassigned and private-use code points and lone surrogates; each kind has a maximum length. The
zero-width joiner and non-joiner, which some scripts and emoji need, and the space separators
(a no-break or an ideographic space) are allowed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TextKind:
    """A kind of free text: what a clerk calls it (``label``) and its most characters."""

    label: str
    max_len: int
    #: characters allowed besides the rule's (None: any visible character), and how to say them
    only: re.Pattern[str] | None = None
    only_words: str = ""


NAME = TextKind("name", 120)
PHONE = TextKind("phone", 32, re.compile(r"[0-9 +()./-]*"), "digits, spaces and + - ( ) . /")
EMAIL = TextKind("email", 254)
MODEL = TextKind("model", 80)
COLOUR = TextKind("colour", 32)
BRANCH_NAME = TextKind("branch name", 120)
CLASS_NAME = TextKind("class name", 80)
#: A code (a branch's, a class's, where a reservation was taken) and a message shown to a clerk
#: (a refusal's reason, a mail's subject, why a mail failed): one line, visible characters.
CODE = TextKind("code", 32)
MESSAGE = TextKind("message", 2_000)
#: A renter's driving licence number (as printed: letters, digits, and the spaces and dashes some
#: issuers print), where it was issued, their address, and why they may not rent (issue 11).
LICENCE = TextKind("licence number", 32, re.compile(r"[0-9A-Za-z -]*"), "letters, digits, spaces and -")
LICENCE_REGION = TextKind("issuing country or state", 64)
ADDRESS = TextKind("address", 120)
CITY = TextKind("city", 80)
POSTCODE = TextKind("postcode", 16, re.compile(r"[0-9A-Za-z -]*"), "letters, digits, spaces and -")
COUNTRY = TextKind("country", 64)
REASON = TextKind("reason", 200)

#: A branch's code, in capitals: 1 to 16 letters, digits, '-' or '_', a letter or digit first. The one
#: rule of the branches file, the fleet file and the settings (``branch = ...``, ``--branch``).
BRANCH_CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,15}")
BRANCH_CODE_RULE = "a branch code is up to 16 letters, digits, _ or -"


def branch_code(value: str) -> str | None:
    """``value`` as a branch code (trimmed, in capitals), or None when it is not one (:data:`BRANCH_CODE`)."""
    code = value.strip().upper()
    return code if code.isascii() and BRANCH_CODE.fullmatch(code) else None


_JOINERS = frozenset("\u200c\u200d")
_NAMED = {
    "\x00": "a NUL character", "\t": "a tab", "\n": "a line break", "\r": "a line break",
    "\x0b": "a line break", "\x0c": "a page break", "\x1b": "an escape character (ESC)",
    "\x85": "a line break", "\u2028": "a line break", "\u2029": "a paragraph break",
    "\u202a": "a left-to-right embedding", "\u202b": "a right-to-left embedding",
    "\u202c": "a direction mark (U+202C)", "\u202d": "a left-to-right override",
    "\u202e": "a right-to-left override", "\u2066": "a left-to-right isolate",
    "\u2067": "a right-to-left isolate", "\u2068": "a direction isolate (U+2068)",
    "\u2069": "a direction mark (U+2069)", "\ufeff": "a byte order mark",
}


class TextRefused(ValueError):
    """The text breaks the rule; the message says how, in a clerk's words (``the name holds...``)."""


def _allowed(char: str) -> bool:
    return char.isprintable() or char in _JOINERS or unicodedata.category(char) == "Zs"


def _first_bad(value: str) -> int | None:
    if value.isprintable():  # the common case, at C speed
        return None
    for i, char in enumerate(value):
        if not _allowed(char):
            return i
    return None


def _say(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    if unicodedata.category(char) == "Cc":
        return f"a control character (U+{ord(char):04X})"
    return f"an invisible or unknown character (U+{ord(char):04X})"


def problem(value: str, kind: TextKind, *, typed: bool = True) -> str | None:
    """Why ``value`` (already trimmed) is not a ``kind`` (``"holds a tab at character 3..."``),
    or None when it is. The words follow the field's name (``name: holds...``).

    ``typed=False`` (text read from the network, which an older build may have stored): only what
    forges output or hides text, and the length, are refused; not a kind's own characters (a
    phone with ``ext.`` recorded before the rule stays readable)."""
    bad = _first_bad(value)
    if bad is not None:
        return f"holds {_say(value[bad])} at character {bad + 1}; only visible characters on one line are allowed"
    if len(value) > kind.max_len:
        return f"is {len(value):,} characters long; at most {kind.max_len} are allowed"
    if typed and kind.only is not None and not kind.only.fullmatch(value):
        odd = next(c for c in value if not kind.only.fullmatch(c))
        return f"holds '{odd}'; a {kind.label} holds only {kind.only_words}"
    return None


def clean(value: str, kind: TextKind) -> str:
    """``value`` trimmed, or :class:`TextRefused` saying why it is not a ``kind`` (``"the name holds
    a line break at character 4; ..."``). Blank is returned as ``""``: whether one is needed is the
    caller's rule."""
    if not isinstance(value, str):
        raise TextRefused(f"the {kind.label} must be text, not {type(value).__name__}")
    trimmed = value.strip()
    why = problem(trimmed, kind)
    if why is not None:
        raise TextRefused(f"the {kind.label} {why}")
    return trimmed


def as_sent(value: str, kind: TextKind) -> str:
    """Stored text as an event carries it: unchanged when the events' rule takes it (``typed=False``);
    text an older build stored that the rule refuses goes :func:`printable` and cut to the kind's
    length, so one old record cannot stop a reservation's or a driver's events."""
    if problem(value, kind, typed=False) is None:
        return value
    return printable(value)[: kind.max_len].strip()


def printable(value: object) -> str:
    """Stored text made safe to print on a terminal or in a log: every character the rule refuses
    is shown escaped (``\\n``, ``\\x1b``, ``\\u202e``), so an older record cannot forge a line of
    output, move the cursor or turn the text around. Text the rule allows comes out unchanged."""
    text = str(value)
    if _first_bad(text) is None:
        return text
    return "".join(char if _allowed(char) else _escape(char) for char in text)


def typed(value: object, limit: int = 40) -> str:
    """What someone typed, for a one-line message: its runs of spaces and line breaks made one
    space, :func:`printable`, and cut short past ``limit`` characters ('Toyota…')."""
    text = printable(" ".join(str(value).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value: object, limit: int = 40) -> str:
    """``value`` quoted as a message echoes what was typed: :func:`printable`, and cut to ``limit``
    characters (``'Toyota…' (12,000 characters)``)."""
    text = printable(value)
    if len(text) <= limit:
        return f"'{text}'"
    return f"'{text[:limit]}…' ({len(text):,} characters)"


def _escape(char: str) -> str:
    escaped = repr(char)[1:-1]  # '\n', '\x1b', '\u202e'
    return escaped if escaped != char else f"\\u{ord(char):04x}"
