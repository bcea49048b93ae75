"""/openapi.json: an OpenAPI 3.1 description of the HTTP API.

Written out by hand rather than derived from the routes, so that it states what a client may rely
on (parameters, formats, status codes); tests/test_openapi.py fails when a route is missing from it
or it names one that does not exist, and tests/test_fuzz.py runs schemathesis against it on a real
server. The server URL is relative ("/"): the same paths are answered on any host.
"""

from __future__ import annotations

from flask import Blueprint, current_app

from ... import formats
from ...linking.extend import MAX_IDS, MAX_PROPERTIES
from .. import state
from ..http.policy import ERROR_FORMATS
from ..sparql.protocol import SOLUTION_OFFERS

bp = Blueprint("openapi", __name__)

OPENAPI_VERSION = "3.1.0"
# the media types of the format registry (formats.py), as the routes offer them
HTML = formats.HTML.media_type
JSON = formats.JSON.media_type
JAVASCRIPT = "application/javascript"  # JSONP (http/jsonp.py)
RDF_TYPES = formats.media_types(formats.GRAPHS)
QUAD_TYPES = formats.media_types(formats.QUADS)
SOLUTION_TYPES = formats.media_types(SOLUTION_OFFERS)
# An error comes in the format the client asked for, or as plain text where content negotiation
# itself failed (conneg.py), which is one of these too.
ERROR_TYPES = ERROR_FORMATS
ERRORS = {
    "400": "Bad request: an unknown format or language, a malformed query or parameter; the message says which.",
    "403": "Refused: SPARQL Update on a read-only endpoint.",
    "404": "Not found: no such resource, graph, file or query.",
    "406": "Not acceptable: none of the formats in Accept is offered; the message lists them.",
    "413": "Too large: the query or request body exceeds the limit.",
    "415": "Unsupported media type of the request body.",
    "503": "The query (or a reconciliation request) ran past its time, memory or result-size limit, no query "
           "process was free, or the name index is damaged.",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"oneOf": [
        {"type": "string"},
        {"type": "object", "required": ["status", "title", "message"],
         "properties": {"status": {"type": "integer"}, "title": {"type": "string"}, "message": {"type": "string"}}},
    ]}},
}
KINDS = ["conference", "chair", "state", "place", "person", "office", "organisation", "actor", "resolution",
         "demand", "milestone", "law", "statement", "act", "group", "contact", "document", "party", "topic",
         "meeting", "scheme"]


def _content(media_types: list[str], schemas: dict[str, dict] | None = None) -> dict:
    """JSON media types hold JSON values (objects unless said otherwise), the others text."""
    schemas = schemas or {}
    default = {m: {"type": ["object", "array"]} if m.endswith("json") else {"type": "string"} for m in media_types}
    return {m: {"schema": schemas.get(m, default[m])} for m in media_types}


def _responses(ok: dict, *errors: str, jsonp: bool = False) -> dict:
    """The success responses plus the errors; with `jsonp` an error may come as JSONP too."""
    out = dict(ok)
    types = [*ERROR_TYPES, JAVASCRIPT] if jsonp else ERROR_TYPES
    for code in errors:
        out[code] = {"description": ERRORS[code], "content": _content(types, {JSON: ERROR_SCHEMA})}
    return out


def _ok(description: str, media_types: list[str], schemas: dict[str, dict] | None = None) -> dict:
    return {"200": {"description": description, "content": _content(media_types, schemas)}}


def _param(name: str, where: str, description: str, schema: dict, required: bool = False, **extra) -> dict:
    return {"name": name, "in": where, "description": description, "required": required or where == "path",
            "schema": schema, **extra}


def _format(keys: list[str]) -> dict:
    return _param("format", "query", "A format name; wins over Accept. An unknown name is 400.",
                  {"type": "string", "enum": keys})


LANG = _param("lang", "query", "Language of the page (else Accept-Language, else German).",
              {"type": "string", "enum": ["de", "en"]})
SEE_OTHER = {"303": {"description": "See Other: the document about it.",
                     "headers": {"Location": {"required": True, "schema": {"type": "string"}}}}}
LISTING = {"type": "object"}


def _object(required: list[str], **properties: dict) -> dict:
    return {"type": "object", "required": required, "properties": properties}


def _list_of(key: str, required: list[str]) -> dict:
    return _object([key], **{key: {"type": "array", "items": _object(required)}})


STRING = {"type": "string"}
HOME = _object(["title", "version", "license", "citation", "links", "queries"], version=STRING, license=STRING,
               citation=STRING, links={"type": "object"}, queries={"type": "array"})
GRAPHS = _list_of("graphs", ["graph", "triples"])
DUMPS = {**_list_of("files", ["name", "media_type", "size", "sha256"]), "required": ["version", "license", "files"]}
QUERIES = _list_of("queries", ["name", "question", "url"])
SPARQL_JSON = {"type": "object", "required": ["head"], "properties": {"head": {"type": "object"}},
               "anyOf": [{"required": ["results"]}, {"required": ["boolean"]}]}
CANNED = {**SPARQL_JSON, "required": ["head", "name", "question", "query"]}
PAGED = ["total", "page", "page_size", "pages", "previous", "next"]  # pages/paging.py
RESOLUTIONS = {**_list_of("items", ["iri", "conference", "kind", "label", "result"]), "required": ["items", *PAGED]}
BROWSE = {**_list_of("items", ["iri"]), "required": ["list", "lang", "sort", "columns", "items", *PAGED]}
PAGE = _param("page", "query", "The page of the list, from 1 (300 rows each, at most 10,000 rows deep); JSON says "
              "total, page, pages, previous and next, CSV the total (X-Total-Count) and Link rel=next/prev.",
              {"type": "integer", "minimum": 1}, example=1)
SEARCH = _object(["query", "lang", "total", "groups"], query=STRING, lang=STRING)
# the browse lists (routes/browse.py): path → (summary, the columns ?sort= takes, its example)
BROWSE_LISTS = {
    "/conferences/": ("All conferences with dates, place, host Land, chair Land and chair",
                      ["conference", "date", "place", "host_land", "chair_land", "chair_person"], "-date"),
    "/states/": ("The 16 Länder with chairs held, conferences hosted, resolutions moved and dissents",
                 ["name", "code", "chairs", "hosted", "moved", "dissents"], "-chairs"),
    "/persons/": ("Every person with Land, chairs, attendance and statements",
                  ["name", "land", "chairs", "attended", "statements"], "-attended"),
    "/topics/": ("The topics with their broader topic and number of resolutions", ["name", "broader", "resolutions"],
                 "-resolutions"),
    "/documents/": ("The source documents with date, publisher, kind and address",
                    ["title", "issued", "publisher", "kind", "url"], "issued"),
    "/entries/": ("Every other entity (places, chairs, attendance, statements, demands, offices…) by kind",
                  ["kind", "entry"], "entry"),
}
MEASURE = _param("measure", "query", "What the tile map of the Länder shows: chairs held, resolutions moved, votes "
                 "against and abstentions, or conferences hosted (HTML only).",
                 {"type": "string", "enum": ["chairs", "moved", "dissents", "hosted"]}, example="moved")


def _sort(columns: list[str], example: str) -> dict:
    return _param("sort", "query", "The column to sort by, with a leading - for descending (numbers numerically, "
                  "text in natural order).", {"type": "string", "enum": [*columns, *("-" + c for c in columns)]},
                  example=example)


def _browse_paths() -> dict:
    out = {}
    for path, (summary, columns, example) in BROWSE_LISTS.items():
        params = (_sort(columns, example), PAGE, MEASURE) if path == "/states/" else (_sort(columns, example), PAGE)
        out[path] = _typed_document(summary, "One row per entity, each column's value and, for a column that links, "
                                    "the IRIs (`<column>_iri`); the HTML page links every entity and shows the "
                                    "list's picture.", ["html", "json", "csv"], [HTML, JSON, "text/csv"],
                                    schemas={JSON: BROWSE}, params=params)
    return out


def _typed_document(summary: str, description: str, keys: list[str], media_types: list[str], *errors: str,
                    params: tuple = (), schemas: dict | None = None) -> dict:
    return {"get": {
        "summary": summary, "description": description,
        "parameters": [*params, _format(keys), LANG],
        "responses": _responses(_ok(summary, media_types, schemas), "400", "404", "406", *errors),
    }}


def _suffixed(name: str, summary: str) -> dict:
    """/ontology, /shapes, /void: a release file in the negotiated syntax, or its HTML documentation."""
    keys = ["html", "ttl", "jsonld", "nt", "rdf"]
    plain = _typed_document(summary, f"The release's {name} in the negotiated syntax, or HTML.", keys,
                            [HTML, *RDF_TYPES])
    suffix = _param("suffix", "path", "The syntax: html, ttl, jsonld, nt or rdf.", {"type": "string", "enum": keys})
    with_suffix = _typed_document(summary, f"The release's {name} in the syntax of the suffix.", keys,
                                  [HTML, *RDF_TYPES], params=(suffix,))
    return {"plain": plain, "suffixed": with_suffix}


SPARQL_PARAMS = [
    _param("query", "query", "A SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE). Without it, RDF clients get "
           "the service description and browsers the YASGUI editor.", {"type": "string"},
           example="SELECT ?land WHERE { ?land intmk:isoCode ?code }"),
    _param("default-graph-uri", "query", "A named graph held here to use as default graph (never fetched).",
           {"type": "array", "items": {"type": "string"}}, explode=True),
    _param("named-graph-uri", "query", "A named graph held here to query with GRAPH (never fetched).",
           {"type": "array", "items": {"type": "string"}}, explode=True),
    _format(["json", "xml", "csv", "tsv", "ttl", "jsonld", "nt", "rdf", "html"]),
]
SPARQL_RESPONSES = _responses(
    _ok("Query results (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE); without a query, the service "
        "description or the editor.", [*SOLUTION_TYPES, *RDF_TYPES, HTML],
        {"application/sparql-results+json": SPARQL_JSON, JSON: SPARQL_JSON}),
    "400", "403", "406", "413", "503",
)
RECONCILE_JSON = [JSON, JAVASCRIPT]  # JSONP when a GET names a callback
CALLBACK = _param("callback", "query", "JSONP: a JavaScript name such as cb or ns.cb (GET only).",
                  {"type": "string", "pattern": "^[A-Za-z_$][A-Za-z0-9_$.]*$"})
RECONCILE_LANG = _param("lang", "query", "Language of names and descriptions.", {"type": "string", "enum": ["de", "en"]})
PAGING = [
    _param("prefix", "query", "The text typed so far.", {"type": "string"}, required=True, example="Nieder"),
    _param("cursor", "query", "Offset of the first result.", {"type": "integer", "minimum": 0}),
    _param("limit", "query", "Results per page.", {"type": "integer", "minimum": 1, "maximum": 100}),
    RECONCILE_LANG, CALLBACK,
]


EXTEND_EXAMPLE = '{"ids": ["state/DE-NI"], "properties": [{"id": "iso"}]}'
EXTEND_TEXT = (f"A data extension query: a JSON object of at most {MAX_IDS} ids and {MAX_PROPERTIES} properties (see "
               "/reconcile/propose_properties), e.g. " + EXTEND_EXAMPLE + ".")


def _reconcile_paths() -> dict:
    manifest_and_batch = {
        "get": {
            "summary": "Reconciliation service manifest (API 0.2), a batch given as ?queries=, or data extension "
                       "given as ?extend=",
            "parameters": [_param("queries", "query", "A JSON object of queries, e.g. {\"q0\": {\"query\": "
                                  "\"Niedersachsen\"}}.", {"type": "string"}),
                           _param("extend", "query", EXTEND_TEXT, {"type": "string"}), RECONCILE_LANG, CALLBACK],
            "responses": _responses(_ok("The manifest, the candidates per query, or the values per id and property.",
                                        RECONCILE_JSON, {JSON: LISTING}), "400", "413", "503", jsonp=True),
        },
        "post": {
            "summary": "Reconcile a batch of names, or add property values (OpenRefine's form POST)",
            "parameters": [RECONCILE_LANG],
            "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
                "type": "object", "anyOf": [{"required": ["queries"]}, {"required": ["extend"]}],
                "properties": {"queries": {"type": "string", "example": '{"q0": {"query": "Niedersachsen"}}'},
                               "extend": {"type": "string", "description": EXTEND_TEXT, "example": EXTEND_EXAMPLE}},
            }}}},
            "responses": _responses(_ok("Candidates per query, or values per id and property (data extension).",
                                        [JSON], {JSON: LISTING}), "400", "413", "503"),
        },
    }
    proposals = {"get": {
        "summary": "The properties data extension offers for a type (OpenRefine's \"Add columns from reconciled values\")",
        "parameters": [
            _param("type", "query", "A type id, e.g. State, Conference or Person; without it, every property.",
                   {"type": "string"}, example="State"),
            _param("limit", "query", "Properties at most.", {"type": "integer", "minimum": 1, "maximum": 100}),
            RECONCILE_LANG, CALLBACK,
        ],
        "responses": _responses(_ok("The properties, with the type and the limit.", RECONCILE_JSON, {JSON: LISTING}),
                                "400", jsonp=True),
    }}
    entity_id = _param("id", "query", "An entity id relative to https://w3id.org/intmk/id/, e.g. state/DE-NI.",
                       {"type": "string"}, required=True, example="state/DE-NI")
    preview = {"get": {
        "summary": "A small HTML card of an entity, for a client's iframe",
        "parameters": [entity_id, RECONCILE_LANG],
        "responses": _responses(_ok("The card.", [HTML]), "400", "404"),
    }}

    def suggest(what: str) -> dict:
        params = [*PAGING]
        if what == "entity":
            params.append(_param("type", "query", "Restrict to a type id (repeatable).",
                                 {"type": "array", "items": {"type": "string"}}, explode=True))
        return {"get": {"summary": f"Suggest {what} ids for a prefix (auto-completion)", "parameters": params,
                        "responses": _responses(_ok("Suggestions.", RECONCILE_JSON, {JSON: LISTING}), "400", "503",
                                                jsonp=True)}}

    paths = {"/reconcile": manifest_and_batch, "/reconcile/": manifest_and_batch,
             "/reconcile/propose_properties": proposals}
    for base in ("/reconcile", "/reconcile/draft"):
        for what in ("entity", "type", "property"):
            paths[f"{base}/suggest/{what}"] = suggest(what)
        paths[f"{base}/preview"] = preview
    paths["/reconcile/view"] = {"get": {
        "summary": "Our page of an entity (the view template's target)",
        "parameters": [entity_id, CALLBACK],
        "responses": _responses(SEE_OTHER, "400", "404", jsonp=True),
    }}
    paths["/reconcile/draft"] = {"get": {
        "summary": "Reconciliation service manifest (API 1.0 draft)", "parameters": [RECONCILE_LANG, CALLBACK],
        "responses": _responses(_ok("The manifest.", RECONCILE_JSON, {JSON: LISTING}), "400", jsonp=True),
    }}
    paths["/reconcile/draft/reconcile"] = {"post": {
        "summary": "Reconcile a batch of names (API 1.0 draft, JSON body)",
        "parameters": [RECONCILE_LANG],
        "requestBody": {"required": True, "content": {JSON: {"schema": {
            "type": "object", "required": ["queries"],
            "properties": {"queries": {"type": "array", "items": {"type": "object"}}},
        }}}},
        "responses": _responses(_ok("Candidates per query.", [JSON], {JSON: LISTING}), "400", "413", "503"),
    }}
    return paths


WIKIDATA_MAPPING = {
    "summary": "Every Wikidata item linked to our entities (owl:sameAs)",
    "parameters": [CALLBACK],
    "responses": _responses(_ok("The mapping.", RECONCILE_JSON, {JSON: LISTING}), "400", jsonp=True),
}


def description(version: str) -> dict:
    kind = _param("kind", "path", f"The kind of thing: {', '.join(KINDS)}.", {"type": "string"}, example="state")
    key = _param("key", "path", "Its key, optionally with a format suffix (.html .ttl .jsonld .nt .rdf .trig .nq).",
                 {"type": "string"}, example="DE-NI")
    meta = {name: _suffixed(name, summary) for name, summary in [
        ("ontology", "The IntMK ontology"), ("shapes", "The SHACL shapes"), ("void", "VoID and DCAT description"),
    ]}
    paths = {
        "/": _typed_document("Home page: the dataset, its counts, licence and citation",
                             "Version, counts, licence, citation, the browse lists, example queries and entry points; "
                             "the HTML page also shows the timeline of conferences and the tile map of the Länder.",
                             ["html", "json"], [HTML, JSON], schemas={JSON: HOME}, params=(MEASURE,)),
        "/sparql": {
            "get": {"summary": "SPARQL 1.1 query endpoint (read-only)", "parameters": SPARQL_PARAMS,
                    "responses": SPARQL_RESPONSES},
            "post": {
                "summary": "SPARQL 1.1 query by POST (form-encoded or the query as body)",
                "parameters": [SPARQL_PARAMS[3]],
                "requestBody": {"required": True, "content": {
                    "application/x-www-form-urlencoded": {"schema": {
                        "type": "object", "required": ["query"],
                        "properties": {"query": {"type": "string"}, "format": {"type": "string"},
                                       "default-graph-uri": {"type": "string"}, "named-graph-uri": {"type": "string"}},
                    }},
                    formats.SPARQL_QUERY.media_type: {"schema": {"type": "string"}},
                }},
                "responses": {**SPARQL_RESPONSES, **_responses({}, "415")},
            },
        },
        "/id/{kind}/{key}": {"get": {
            "summary": "A thing's IRI: 303 See Other to the document about it",
            "parameters": [kind, key],
            "responses": _responses(SEE_OTHER, "404"),
        }},
        "/doc/{kind}/{key}": _typed_document(
            "The document about a thing",
            "Its statements in both directions with the labels of linked things; the quad formats keep "
            "the source graph of each statement.",
            ["html", "ttl", "jsonld", "nt", "rdf", "trig", "nq"], [HTML, *RDF_TYPES, *QUAD_TYPES], params=(kind, key)),
        "/graph/": _typed_document("The named graphs, one per source document", "Size and source of each graph.",
                                   ["html", "json"], [HTML, JSON], schemas={JSON: GRAPHS}),
        "/graph/{name}": _typed_document(
            "One named graph", "Its quads (TriG, N-Quads), the named graph as JSON-LD, its triples (Turtle, N-Triples) "
            "or an HTML page.",
            ["html", "trig", "nq", "ttl", "jsonld", "nt"],
            [HTML, *QUAD_TYPES, formats.TURTLE.media_type, formats.JSON_LD.media_type, formats.N_TRIPLES.media_type],
            params=(_param("name", "path", "The graph's name, optionally with a format suffix.",
                           {"type": "string"}, example="ms-ni-2025-068"),)),
        "/ontology": meta["ontology"]["plain"],
        "/ontology.{suffix}": meta["ontology"]["suffixed"],
        "/shapes": meta["shapes"]["plain"],
        "/shapes.{suffix}": meta["shapes"]["suffixed"],
        "/void": meta["void"]["plain"],
        "/void.{suffix}": meta["void"]["suffixed"],
        "/.well-known/void": {"get": {
            "summary": "The dataset description at its well-known address (RFC 8615)",
            "parameters": [_format(["html", "ttl", "jsonld", "nt", "rdf"]), LANG],
            "responses": _responses(_ok("VoID and DCAT.", [HTML, *RDF_TYPES]), "400", "404", "406"),
        }},
        "/dataset": {"get": {"summary": "The dataset's IRI: 303 to /void", "responses": SEE_OTHER}},
        "/dataset/{rest}": {"get": {
            "summary": "IRIs of the dataset's parts: 303 to /void",
            "parameters": [_param("rest", "path", "A distribution or linkset.", {"type": "string"})],
            "responses": _responses(SEE_OTHER, "404"),  # a name no path can hold (a line break)
        }},
        "/dumps/": _typed_document("The downloadable files of the release",
                                   "Name, media type, size, SHA-256, title and kind of each file.",
                                   ["html", "json"], [HTML, JSON], schemas={JSON: DUMPS}),
        "/dumps/{name}": {"get": {
            "summary": "One file of the release (gzip files as they are)",
            "description": "Only names listed in /dumps/; Range, HEAD and conditional requests work. "
                           "With Accept-Encoding: gzip an uncompressed file comes as the release's gzip copy. "
                           "A gzip dump's name without .gz (intmk-kg.nq) is its content with its RDF media type: "
                           "the gzip bytes as Content-Encoding: gzip to a client that accepts it, else decompressed.",
            "parameters": [_param("name", "path", "A file name from /dumps/.", {"type": "string"},
                                  example="intmk-kg.ttl")],
            "responses": _responses({
                "200": {"description": "The file.", "content": {"*/*": {"schema": {"type": "string"}}}},
                "206": {"description": "The range asked for.", "content": {"*/*": {"schema": {"type": "string"}}}},
                "304": {"description": "Not modified."},
                "416": {"description": "The range is outside the file."},
            }, "404") | {"503": {
                "description": "This file changed, or was found damaged, since the server started; "
                               "the others are served.",
                "content": _content(ERROR_TYPES, {JSON: ERROR_SCHEMA})}},
        }},
        "/queries/": _typed_document("The example queries (queries/*.rq)", "Their questions.",
                                     ["html", "json"], [HTML, JSON], schemas={JSON: QUERIES}),
        "/queries/{name}": _typed_document(
            "One example query with its answer",
            "HTML, a SPARQL JSON results document with the question beside it, CSV, or the query text (.rq).",
            ["html", "json", "csv", "rq"], [HTML, JSON, formats.CSV.media_type, formats.SPARQL_QUERY.media_type], "503",
            schemas={JSON: CANNED},
            params=(_param("name", "path", "The query's name, optionally with a format suffix.", {"type": "string"},
                           example="chair-of-21st"),)),
        "/resolutions/": _typed_document(
            "The record of the conferences: every resolution, report and other item",
            "One row per item: conference, kind, label, title, agenda item, result ('unknown' where no source "
            "reports it), movers, votes by Land (those derived from a count apart), counts and protocol notes.",
            ["html", "json", "csv"], [HTML, JSON, formats.CSV.media_type], schemas={JSON: RESOLUTIONS},
            params=(_param("conference", "query", "Only the items of this conference (its number).",
                           {"type": "string", "pattern": "^[1-9][0-9]{0,3}$"}, example="12"),
                    _sort(["conference", "item", "kind", "agenda_item", "result"], "-conference"), PAGE)),
        **_browse_paths(),
        "/search": {"get": {
            "summary": "Search by name, title, place or topic, with the folding of reconciliation (Mueller, Müller)",
            "description": "Hits grouped by kind (conferences, lander, persons, resolutions, topics, documents, "
                           "other), at most 10 per group with each group's total.",
            "parameters": [_param("q", "query", "What to look for (at least two characters).", {"type": "string"},
                                  example="Mueller"), _format(["html", "json"]), LANG],
            "responses": _responses(_ok("Search results", [HTML, JSON], {JSON: SEARCH}), "400", "406"),
        }},
        **_reconcile_paths(),
        "/wikidata": {"get": WIKIDATA_MAPPING},
        "/wikidata/": {"get": WIKIDATA_MAPPING},
        "/wikidata/{qid}": {"get": {
            "summary": "Our entity linked to a Wikidata item: 303 to it (300 when several are)",
            "parameters": [_param("qid", "path", "A Wikidata item id.", {"type": "string"}, example="Q1197"),
                           CALLBACK],
            "responses": _responses({
                **SEE_OTHER,
                "300": {"description": "Multiple Choices: the item is linked to several entities.",
                        "content": _content(RECONCILE_JSON, {JSON: LISTING})},
            }, "400", "404", jsonp=True),
        }},
        "/openapi.json": {"get": {
            "summary": "This description",
            "responses": {"200": {"description": "OpenAPI 3.1.", "content": {JSON: {"schema": {"type": "object"}}}}},
        }},
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "IntMK knowledge graph",
            "version": version,
            "summary": "Linked data and SPARQL for the Integrationsministerkonferenz knowledge graph.",
            "description": "Every route is read-only and public. Formats are chosen by a suffix or `format` "
                           "parameter, else by Accept. See docs/http-api.md.",
            "license": {"name": "CC0 1.0 (data)", "identifier": "CC0-1.0"},
        },
        "servers": [{"url": "/"}],
        "paths": paths,
    }


@bp.get("/openapi.json")
def openapi_json():
    return current_app.json.response(description(state.current().version))
