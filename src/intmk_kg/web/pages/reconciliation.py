"""What the reconciliation API (routes/reconcile.py) answers, as JSON and in its preview: the
service manifests (0.2 and the 1.0 draft), candidates with their types and features, suggestions,
a batch parsed query by query, the preview's values. The matching itself is linking/matching.py;
the route reads the request, keeps the deadline and answers (JSONP, CORS, errors).
"""

from __future__ import annotations

from urllib.parse import quote

from ... import namespaces as ns
from ...linking.deadline import Deadline
from ...linking.index import Searchable
from ...linking.matching import (
    BadQuery,
    Candidate,
    features,
    parse_query,
    reconcile,
    suggest_entities,
    suggest_properties,
    suggest_types,
)

BATCH_SIZE = 50
DEFAULT_TYPES = ["Conference", "State", "Person", "Resolution", "Milestone", "Law"]
PREVIEW = {"width": 420, "height": 160}


def type_json(index: Searchable, tid: str, lang: str) -> dict:
    t = index.types[tid]
    return {"id": t.id, "name": t.name(lang)}


def _service(index: Searchable, lang: str, version: str, documentation: str) -> dict:
    """What both manifests say of the service: its name, spaces, documentation, version and default types."""
    return {
        "name": "IntMK knowledge graph" if lang == "en" else "IntMK-Wissensgraph",
        "identifierSpace": ns.ID,
        "schemaSpace": ns.ONT,
        "documentation": documentation,
        "serviceVersion": version,
        "defaultTypes": [type_json(index, t, lang) for t in DEFAULT_TYPES if t in index.types],
    }


def manifest(index: Searchable, lang: str, *, base: str, documentation: str, version: str) -> dict:
    """The 0.2 manifest; `base` is the public URL of /reconcile."""
    suggest = {kind: {"service_url": base, "service_path": f"/suggest/{kind}"} for kind in ("entity", "type", "property")}
    return {
        "versions": ["0.2"],
        **_service(index, lang, version, documentation),
        "view": {"url": base + "/view?id={{id}}"},
        "preview": {"url": base + "/preview?id={{id}}", **PREVIEW},
        "suggest": suggest,
        "extend": {"propose_properties": {"service_url": base, "service_path": "/propose_properties"}},
        "batchSize": BATCH_SIZE,
    }


def draft_manifest(index: Searchable, lang: str, *, base: str, documentation: str, version: str) -> dict:
    """The manifest of the 1.0 draft."""
    service = _service(index, lang, version, documentation)
    default_types = service.pop("defaultTypes")
    return {
        "versions": ["1.0-draft"],
        **service,
        "view": {"url": base + "/view?id={id}"},
        "defaultTypes": default_types,
        "preview": PREVIEW,
        "suggest": {"entity": True, "property": True, "type": True},
        "batchSize": BATCH_SIZE,
    }


def candidate_json(index: Searchable, c: Candidate, lang: str, named_features: bool = False) -> dict:
    e = c.entity
    return {
        "id": e.id,
        "name": e.name(lang),
        "description": index.description(e, lang),
        "score": c.score,
        "match": c.match,
        "type": [type_json(index, t, lang) for t in e.types if t in index.types],
        "features": [
            {"id": fid, "name": name, "value": value} if named_features else {"id": fid, "value": value}
            for fid, name, value in features(c)
        ],
    }


def candidates(index: Searchable, q, deadline: Deadline, named_features: bool = False) -> list[dict]:
    """A query's candidates as JSON; describing them reads the index too, so the deadline holds here as well."""
    found = []
    for c in reconcile(index, q, deadline):
        deadline.check()
        found.append(candidate_json(index, c, q.lang, named_features))
    return found


def parse_batch(index: Searchable, batch: list[tuple[str, object]], lang: str) -> list[tuple[str, object]]:
    """Each query parsed, or its BadQuery: a batch answers its good queries and says what is wrong
    with the others (an empty result and the error), as OpenRefine expects of a batch. Only when no
    query of the batch can be answered is the batch itself refused (400, the first error)."""
    parsed = []
    for key, q in batch:
        try:
            parsed.append((key, parse_query(index, q, key, lang)))
        except BadQuery as e:
            parsed.append((key, e))
    if all(isinstance(q, BadQuery) for _, q in parsed):
        raise parsed[0][1]
    return parsed


def entity_suggestions(index: Searchable, prefix: str, types: list[str], cursor: int, limit: int, lang: str) -> list[dict]:
    return [
        {"id": e.id, "name": e.name(lang), "description": index.description(e, lang),
         "notable": [type_json(index, t, lang) for t in e.types if t in index.types]}
        for e in suggest_entities(index, prefix, types, cursor, limit)
    ]


def type_suggestions(index: Searchable, prefix: str, cursor: int, limit: int, lang: str) -> list[dict]:
    return [
        {**type_json(index, t.id, lang), "broader": [type_json(index, b, lang) for b in t.broader]}
        for t in suggest_types(index, prefix, cursor, limit)
    ]


def property_suggestions(prefix: str, cursor: int, limit: int, lang: str) -> list[dict]:
    return [{"id": p.id, "name": p.en if lang == "en" else p.de, "description": p.description}
            for p in suggest_properties(prefix, cursor, limit)]


def preview_view(index: Searchable, entity, lang: str, root: str) -> dict:
    """The preview template's values for one entity; `root` is the app's path prefix (its page's link)."""
    other = "en" if lang == "de" else "de"
    return dict(
        entity=entity, lang=lang, name=entity.name(lang),
        other_name=entity.labels.get(other) if entity.labels.get(other) != entity.name(lang) else None,
        description=index.description(entity, lang), page=root + "/id/" + quote(entity.id),
        wikidata=[(q, ns.WD + q) for q in entity.qids], size=PREVIEW,
    )
