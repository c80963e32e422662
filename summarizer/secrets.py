"""Secrets kept out of everything written: :func:`redact` and the keys it knows.

    remember(key)            # a key in use: from now on redact() hides it everywhere
    redact(text, secrets=()) # ``text`` with every trace of a key replaced by ``***``

A key is hidden whatever shape it has taken on its way back to us (a provider's error that
quotes it, a model or a proxy that writes it into an answer):

- whole, in any case, or any piece of it :data:`FRAGMENT` characters long or longer (cut in
  two, without its ``sk-`` prefix);
- with white space or separators between its characters (``s k - p r o j``, ``sk-p roj-Q7v``);
- escaped (``\\u0073\\u006b``, ``\\x73``, ``%73``, ``&#115;``) or written backwards;
- in base64 (standard or URL-safe, at any byte offset) or in hex.

The keys are the ones passed in, the ones :func:`remember` was told of (the LLM settings
register the key they resolve), and the values of environment variables named like keys
(``*_API_KEY``, ``*_TOKEN``, ``*_SECRET``, ``*ACCESS_KEY``).  Strings shaped like a key or an
Authorization header are hidden too, known or not.

This module is pure (no I/O but the environment); every writer of the package passes its
text through :func:`redact`, and the LLM client redacts a model's answer as it arrives.
"""

from __future__ import annotations

import base64
import os
import re
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache

__all__ = ["FRAGMENT", "redact", "remember", "known_secrets"]

FRAGMENT = 8  # characters: a piece of a key this long is treated as the key
_SPREAD = 6  # a piece may stretch over this many characters (unescaped) per character of the key

# Shapes of a key, each with the words (in lower case) one of which it needs: a text without
# them is not scanned (most of what is written has none).
_SECRET_PATTERNS = [
    (re.compile(r"\b(?:sk|pk|rk|ak)-[A-Za-z0-9_\-]{6,}"), ("k-",)),
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-~+/=]{6,}"), ("bearer",)),
    (
        re.compile(
            r"(?i)((?:api[_-]?key|authorization|token|secret)['\"]?\s*[:=]\s*['\"]?)[^\s'\",}]{6,}"
        ),
        ("api", "authorization", "token", "secret"),
    ),
]
_SECRET_ENV = re.compile(r"(?:API_KEY|_TOKEN|_SECRET|ACCESS_KEY)$")

# Characters read past between a key's characters: white space, ASCII punctuation, marks
# of Chinese punctuation, invisible characters.
_SEPARATORS = frozenset(
    " \t\r\n\v\f!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    "\u00a0\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u3000，、；：。·—–…「」『』“”‘’（）【】"
)
_ESCAPE = re.compile(
    r"\\+u([0-9a-fA-F]{4})|\\+x([0-9a-fA-F]{2})|%([0-9a-fA-F]{2})|&#[xX]([0-9a-fA-F]{1,6});|&#([0-9]{1,7});"
)

_lock = threading.Lock()
_remembered: set[str] = set()


def remember(secret: str | None) -> None:
    """Hide ``secret`` in everything :func:`redact` sees from now on (in this process)."""
    if secret and len(secret) >= 4:
        with _lock:
            _remembered.add(secret)


def known_secrets(extra: Iterable[str] = ()) -> list[str]:
    """The keys redaction hides: ``extra``, the remembered ones, and key-like variables."""
    known = {s for s in extra if s and len(s) >= 4}
    with _lock:
        known |= _remembered
    known |= {v for k, v in os.environ.items() if _SECRET_ENV.search(k) and v and len(v) >= 6}
    return sorted(known, key=len, reverse=True)


def redact(text: str, secrets: Sequence[str] = ()) -> str:
    """``text`` with API keys replaced by ``***`` (see the module doc)."""
    known = known_secrets(secrets)
    for secret in known:
        text = text.replace(secret, "***")
    long_enough = tuple(s for s in known if len(_skeleton_of(s)) >= FRAGMENT)
    if long_enough and len(text) >= FRAGMENT:
        text = _without_pieces(text, _pieces(long_enough))
    lower = text.lower()
    for pattern, needs in _SECRET_PATTERNS:
        if any(word in lower for word in needs):
            text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "***", text)
    return text


# -- the pieces of a key, in every form --------------------------------------------------
def _skeleton_of(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch not in _SEPARATORS)


@lru_cache(maxsize=16)
def _pieces(secrets: tuple[str, ...]) -> frozenset[str]:
    """Every FRAGMENT-long run of every form of every secret, as the skeleton shows it."""
    forms: list[str] = []
    for secret in secrets:
        forms += [secret, secret[::-1]]
        raw = secret.encode("utf-8")
        forms.append(raw.hex())
        for pad in range(3):  # base64 of the key at any offset in what was encoded
            for encode in (base64.b64encode, base64.urlsafe_b64encode):
                encoded = encode(b"\0" * pad + raw + b"\0\0").decode("ascii")
                forms.append(encoded[4 if pad else 0 : -4])
    pieces = set()
    for form in forms:
        skeleton = _skeleton_of(form)
        pieces |= {skeleton[i : i + FRAGMENT] for i in range(len(skeleton) - FRAGMENT + 1)}
    return frozenset(pieces)


# -- finding them in a text -----------------------------------------------------------
def _views(text: str) -> list[tuple[str, list[int], list[int]]]:
    """The text as read (and, when it has escapes, as unescaped), each character with the
    span of the original it comes from."""
    plain = (text, list(range(len(text))), list(range(1, len(text) + 1)))
    if not _ESCAPE.search(text):
        return [plain]
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for match in _ESCAPE.finditer(text):
        for i in range(pos, match.start()):
            chars.append(text[i])
            starts.append(i)
            ends.append(i + 1)
        code = next(g for g in match.groups() if g is not None)
        base = 10 if match.group(5) is not None else 16
        try:
            chars.append(chr(int(code, base)))
        except (ValueError, OverflowError):
            chars.append("\ufffd")
        starts.append(match.start())
        ends.append(match.end())
        pos = match.end()
    for i in range(pos, len(text)):
        chars.append(text[i])
        starts.append(i)
        ends.append(i + 1)
    return [plain, ("".join(chars), starts, ends)]


def _without_pieces(text: str, pieces: frozenset[str]) -> str:
    hidden: list[tuple[int, int]] = []
    for view, starts, ends in _views(text):
        kept = [i for i, ch in enumerate(view) if ch not in _SEPARATORS]
        skeleton = "".join(view[i] for i in kept).lower()
        limit = FRAGMENT * _SPREAD
        for j in range(len(skeleton) - FRAGMENT + 1):
            if skeleton[j : j + FRAGMENT] in pieces:
                first, last = kept[j], kept[j + FRAGMENT - 1]
                if last - first < limit:
                    hidden.append((starts[first], ends[last]))
    if not hidden:
        return text
    merged: list[list[int]] = []
    for a, b in sorted(hidden):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    out, pos = [], 0
    for a, b in merged:
        out += [text[pos:a], "***"]
        pos = b
    out.append(text[pos:])
    return "".join(out)

