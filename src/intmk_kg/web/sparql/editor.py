"""What the YASGUI editor at /sparql opens with: one tab per canned query, and a new tab's query."""

from __future__ import annotations

import json

from ... import namespaces as ns

# A new editor tab: a query that runs anywhere, its PREFIX lines in place (YASGUI marks an undeclared
# prefix as an error, and other endpoints know none of ours).
NEW_TAB = ns.sparql_prologue(["intmk", "rdf", "rdfs", "xsd", "skos", "schema", "prov", "owl"]) + "".join(
    f"PREFIX {p}: <{ns.KIND_PREFIXES[p]}>\n" for p in ("conf", "state", "person", "res")) + (
    "\nSELECT ?conference ?label ?year WHERE {\n  ?conference a intmk:Conference ;\n      rdfs:label ?label .\n"
    "  OPTIONAL { ?conference intmk:year ?year }\n  FILTER(LANG(?label) = \"de\")\n}\nORDER BY ?year\n")


def script_json(value) -> str:
    """JSON to be placed inside the page's <script>: no "<" or ">" that could end it."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
