"""The engine's syntax errors as a person can act on them: where, what, and what would do.

Oxigraph's parser says `error at 3:18: expected one of ABS, AVG, ...`, names `CONSTRUCT` when a
query begins with `SELEC`, and answers an undeclared prefix with a list of Unicode ranges. Here
the message names the line and column, shows the line with a caret under the place, and says
plainly what is wrong in the two cases people meet most: a misspelt query form and an unknown
prefix (with the prefixes this endpoint predeclares).
"""

from __future__ import annotations

import re

from ... import namespaces as ns

FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
POSITION = re.compile(r"^error at (\d+):(\d+):\s*")
UNICODE_RANGES = re.compile(r"\[[^\[\]]*\\u\{[^\[\]]*\]")
PROLOGUE = re.compile(r"\s*(?:(?:#[^\n]*\n)|(?:PREFIX\s+[\w.-]*:\s*<[^>]*>)|(?:BASE\s*<[^>]*>)|\s+)*", re.I)
PNAME_BEFORE = re.compile(r"(?<![\w<\"'?$])([A-Za-z][\w.-]{0,60})?:[^\s{}();,.]{0,200}$")
NEAR = 300  # characters before the error that can hold the prefixed name (a search over a long line costs its square)
SHOWN = 160  # characters of the line shown around the place


def readable(text: str, message: str) -> str:
    """The message for a query that did not parse (`message` as the engine gave it)."""
    found = POSITION.match(message)
    if not found:
        return _short(message)
    line_no, column = int(found.group(1)), int(found.group(2))
    detail = message[found.end():]
    lines = text.splitlines() or [""]
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    explanation, at = _explain(text, line_no, line, column, detail)
    if at is not None:
        line_no, column = at
        line = lines[line_no - 1]
    first = max(0, min(column, len(line) + 1) - 1 - SHOWN // 2)  # a long line is shown around the place
    shown = ("…" if first else "") + line[first:first + SHOWN] + ("…" if first + SHOWN < len(line) else "")
    caret = " " * (max(0, min(column, len(line) + 1) - 1) - first + (1 if first else 0)) + "^"
    return f"Syntax error at line {line_no}, column {column}: {explanation}\n    {shown}\n    {caret}"


def _explain(text: str, line_no: int, line: str, column: int, detail: str) -> tuple[str, tuple[int, int] | None]:
    """What went wrong, and where to point if not where the parser stopped (line, column from 1)."""
    if "Prefix not found" in detail:
        start = max(0, column - NEAR)
        used = PNAME_BEFORE.search(line, start, max(start, column - 1)) or PNAME_BEFORE.search(line, start, column)
        name = used.group(1) or "" if used else None
        predeclared = ", ".join(f"{p}:" for p in ns.QUERY_PREFIXES)
        if name is not None:
            return (f"the prefix {name}: is not declared. Declare it (PREFIX {name}: <...>) or use one of the "
                    f"prefixes predeclared here: {predeclared}"), (line_no, used.start() + 1)
        return f"a prefix is not declared. Predeclared here: {predeclared}", None
    start = PROLOGUE.match(text).end()
    first = re.match(r"[A-Za-z]+", text[start:])
    if first and first.group(0).upper() not in (*FORMS, "PREFIX", "BASE"):
        before = text[:start]
        where = (before.count("\n") + 1, start - (before.rfind("\n") + 1) + 1)
        return (f"a query begins (after PREFIX and BASE lines) with SELECT, CONSTRUCT, ASK or DESCRIBE, "
                f"not {first.group(0)[:40]!r}"), where
    return _short(detail), None


def _short(detail: str) -> str:
    """The parser's own words, its long lists of Unicode ranges shortened."""
    return UNICODE_RANGES.sub("[a name character]", detail).replace("\n", " ")
