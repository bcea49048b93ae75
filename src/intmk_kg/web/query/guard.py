"""Read a SPARQL query's tokens before it runs: which form it has, which graphs it names, and
whether it asks for anything a read-only public endpoint must refuse.

pyoxigraph executes SERVICE by fetching the URL and offers no way to inspect a parsed query
from Python, so the query is tokenised here with the terminals of the SPARQL grammar:
strings, IRIs, comments, variables and numbers are whole tokens, so a word inside them is
never mistaken for a keyword. Oxigraph's parser also accepts keywords glued to a neighbour
(`falseSERVICE <x>`, `SERVICESILENT`, `SERVICEex:x` read as SERVICE + `ex:x`), so a bare word
or a prefix name that merely contains SERVICE is refused too; a bare word in a SPARQL query is
always a keyword, a function name or a literal, so no honest query loses anything by that.
Syntax errors are left to the real parser, which reports their position.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from urllib.parse import urljoin

from .memo import remember_short
from .service import QueryError

UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}
FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS = _PN_CHARS_BASE + r"_\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = f"(?:[{_PN_CHARS}:]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"

_TOKEN = re.compile(
    "|".join(
        [
            r"(?P<ws>\s+)",
            r"(?P<comment>#[^\r\n]*)",
            f"(?P<iri><(?:[^<>\"{{}}|^`\\\\\\x00-\\x20]|{_UCHAR})*>)",
            # a string runs to its closing quote, or unterminated to the end of the line (short form)
            # or of the text (long form): one token either way, so scanning stays linear
            r'(?P<string>"""(?:[^"\\]|\\(?:.|\Z)|"(?!""))*(?:"""|\Z)'
            r"|'''(?:[^'\\]|\\(?:.|\Z)|'(?!''))*(?:'''|\Z)"
            r'|"(?:[^"\\\n\r]|\\[^\n\r])*"?'
            r"|'(?:[^'\\\n\r]|\\[^\n\r])*'?)",
            f"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
            f"(?P<var>[?$][{_PN_CHARS}]+)",
            f"(?P<bnode>_:[{_PN_CHARS_BASE}_0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)",
            r"(?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)",
            r"(?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?)",
            r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
            r"(?P<other>.)",
        ]
    ),
    re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


@dataclass(frozen=True)
class QueryShape:
    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    from_graphs: tuple[str, ...] = ()
    from_named_graphs: tuple[str, ...] = ()


class QueryForbidden(Exception):
    """The request asks for something a read-only endpoint does not do (HTTP 403)."""


def _scan_long(text: str) -> tuple[Token, ...]:
    """The tokens of a long text, kept for the request at hand (by its thread, until `forget`)."""
    last = getattr(_long, "text", None)
    if last is not None and (last is text or last == text):
        return _long.tokens
    found = _scan(text)
    _long.text, _long.tokens = text, found
    return found


def forget() -> None:
    """The request is answered: its long text's tokens need not be held any longer (http/fastpath.py)."""
    _long.__dict__.clear()


def _scan(text: str) -> tuple[Token, ...]:
    return tuple(Token(m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup not in ("ws", "comment"))


_long = threading.local()  # .text and .tokens of the last long text scanned in this thread
# The query's tokens without whitespace and comments. Scanning costs about 2 µs per character and the
# guard, the lanes and the response cache all ask, so short texts' tokens are remembered (memo.py).
tokens = remember_short(_scan, otherwise=_scan_long)


def _unescape_iri(text: str) -> str:
    return re.sub(_UCHAR, lambda m: chr(int(m.group()[2:], 16)), text[1:-1])


def _unescape_local(local: str) -> str:
    return re.sub(r"\\(.)", r"\1", local)


def inspect(text: str, base: str, prefixes: dict[str, str]) -> QueryShape:
    """The query's form and the graphs its FROM / FROM NAMED clauses name.

    Raises QueryForbidden for SPARQL Update and QueryError for SERVICE; a query with no query
    form is left for the parser to reject (QueryShape.form is then "").
    """
    return _inspect_remembered(text, base, tuple(prefixes.items()))


def _inspect_pairs(text: str, base: str, prefixes: tuple[tuple[str, str], ...]) -> QueryShape:
    return _inspect(text, base, dict(prefixes))  # a refusal is raised, so it is never remembered


_inspect_remembered = remember_short(_inspect_pairs)


def _inspect(text: str, base: str, prefixes: dict[str, str]) -> QueryShape:
    toks = tokens(text)
    words = [t.text.upper() for t in toks if t.kind == "word"]
    update = sorted({u for w in words for u in UPDATE_WORDS if w.startswith(u)})
    if update:
        raise QueryForbidden(
            f"SPARQL Update ({', '.join(update)}) is not accepted: this endpoint is read-only and answers queries only."
        )
    for tok in toks:
        if (tok.kind == "word" and "SERVICE" in tok.text.upper()) or (
            tok.kind == "pname" and "SERVICE" in tok.text.partition(":")[0].upper()
        ):
            raise QueryError(
                f"SERVICE (federated query) is not allowed here: this endpoint never fetches other endpoints "
                f"(refused at {tok.text[:40]!r}; a prefix name may not contain SERVICE either)."
            )
    prologue = {"BASE", "PREFIX", "VERSION"}
    first = next((w for w in words if w not in prologue), "")
    form = next((f for f in FORMS if first.startswith(f)), "")
    return QueryShape(form, *_dataset(toks, base, prefixes))


def _dataset(toks: tuple[Token, ...], base: str, prefixes: dict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The IRIs of the FROM and FROM NAMED clauses, resolved as the parser resolves them.

    A declared prefix is resolved against the base only if a FROM uses it: urljoin costs more than
    the rest of this scan, and most queries declare prefixes but have no FROM.
    """
    defaults: list[str] = []
    named: list[str] = []
    declared: dict[str, str | tuple[str, str]] = dict(prefixes)  # a declaration: (base, IRI text)
    i = 0
    while i < len(toks):
        tok, nxt = toks[i], toks[i + 1] if i + 1 < len(toks) else None
        upper = tok.text.upper() if tok.kind in ("word", "pname") else ""
        if upper == "BASE" and nxt and nxt.kind == "iri":
            base = urljoin(base, _unescape_iri(nxt.text))
        elif upper == "PREFIX" and nxt and nxt.kind == "pname" and i + 2 < len(toks) and toks[i + 2].kind == "iri":
            declared[nxt.text[:-1]] = (base, toks[i + 2].text)
            i += 2
        elif tok.kind == "pname" and upper.startswith("PREFIX") and upper.endswith(":") and nxt and nxt.kind == "iri":
            declared[tok.text[6:-1]] = (base, nxt.text)  # glued: PREFIXex: <...>
        elif tok.kind == "word" and (upper.endswith("FROM") or upper.endswith("FROMNAMED")) and nxt:
            target = defaults
            if upper.endswith("FROMNAMED"):
                target = named
            elif nxt.kind == "word" and nxt.text.upper() == "NAMED":
                target, i = named, i + 1
                nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt:
                target.append(_resolve(nxt, base, declared))
                i += 1
        i += 1
    return tuple(defaults), tuple(named)


def _resolve(tok: Token, base: str, prefixes: dict[str, str | tuple[str, str]]) -> str:
    if tok.kind == "iri":
        return urljoin(base, _unescape_iri(tok.text))
    if tok.kind == "pname":
        prefix, _, local = tok.text.partition(":")
        if prefix not in prefixes:
            raise QueryError(f"FROM uses the undeclared prefix {prefix + ':'!r}")
        namespace = prefixes[prefix]
        if isinstance(namespace, tuple):  # declared in the query: resolved against the base of its place
            namespace = urljoin(namespace[0], _unescape_iri(namespace[1]))
        return namespace + _unescape_local(local)
    raise QueryError(f"FROM must be followed by an IRI, not {tok.text[:40]!r}")
