"""Run a SPARQL query against a release from the command line and format the answer."""

from __future__ import annotations

import pyoxigraph as ox

from . import formats
from . import namespaces as ns

RESULT_FORMATS = {f.key: f.results for f in formats.RESULTS}


def run(store: ox.Store, text: str):
    """Queries read the default graph (the union of all sources); GRAPH reaches each source."""
    return store.query(text, prefixes=ns.prefixes_for(text), base_iri=ns.BASE)


def short(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in ns.PREFIXES.items():
            if term.value.startswith(iri) and prefix not in {"rdf"}:
                return f"{prefix}:{term.value[len(iri):]}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value + (f"@{term.language}" if term.language else "")
    return str(term)


def table(solutions: ox.QuerySolutions) -> str:
    names = [v.value for v in solutions.variables]
    rows = [[short(s[n]) for n in names] for s in solutions]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    widths = [min(w, 80) for w in widths]

    def line(cells: list[str]) -> str:
        return " | ".join(c[:80].ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [line(names), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def format_result(result, fmt: str) -> str:
    if isinstance(result, ox.QueryBoolean):
        if fmt == "table":
            return "yes" if bool(result) else "no"
        return result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")
    if isinstance(result, ox.QuerySolutions):
        if fmt == "table":
            return table(result)
        return result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")
    # CONSTRUCT / DESCRIBE
    return ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=ns.PREFIXES).decode("utf-8")
