"""Reading RDF files: one parse with errors that name the file, line and column.

Both the loader (ontology, data files) and the reference mapper (the notes beside a table)
read RDF through here, so neither depends on the other.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from . import namespaces as ns
from .errors import InputError, Problem


def parse_file(path: Path, fmt: ox.RdfFormat | None = None) -> list[ox.Quad]:
    """Parse one RDF file; a syntax error becomes an InputError naming file, line and column."""
    try:
        return list(ox.parse(path=str(path), format=fmt, base_iri=ns.BASE))
    except (SyntaxError, OSError, ValueError) as e:
        raise input_error(e, path) from None


def input_error(e: Exception, path: Path) -> InputError:
    """The InputError for an exception raised while reading `path` (with line and column for a syntax error)."""
    if isinstance(e, SyntaxError):
        return InputError(Problem(str(e.msg if hasattr(e, "msg") else e), path, e.lineno, e.offset))
    return InputError(Problem(str(e), path))
