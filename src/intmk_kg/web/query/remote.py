"""The query service over a remote SPARQL 1.1 store (`intmk-kg serve --backend URL`), through SPARQLWrapper.

The store holds a release that `intmk-kg publish` uploaded; the server keeps the release folder
for its version, dumps and files, and asks the store for everything else. The interface, limits
and errors are those of the embedded service:

- Our prefixes and base are sent as one prologue line before the query (a query's own
  declarations come later and win), so queries read as they do on the embedded server.
- The store answers in one canonical format (SPARQL JSON results; N-Triples or Turtle for
  graphs), which is parsed and serialized here: every result format, Turtle's prefixes and the
  result size limit are the embedded server's.
- One deadline of TIMEOUT seconds covers connecting, waiting and reading; past it the request is
  dropped and the query answered with QueryTimeout (503), as is a 503 of the store. A 400 of the
  store is a QueryError (400); any other failure (store down, 5xx, a format we did not ask for) is
  a QueryAborted (503), for lookups as for the endpoint.

The public endpoint checks every query with the guard (no update, no SERVICE, only our graphs)
before it reaches `execute`, which checks it again, so nothing refused is ever sent.
"""

from __future__ import annotations

import ast
import re
import threading
import time
import urllib.error

import pyoxigraph as ox
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from ... import formats
from ... import namespaces as ns
from ...errors import InputError, Problem
from ...publish import SHAPES_GRAPH
from ...release import Release
from .embedded import serialize_result
from .guard import QueryForbidden, inspect, tokens
from .service import Dataset, QueryAborted, QueryError, QueryOutcome, QueryTimeout

SOLUTIONS_ACCEPT = formats.RESULTS_JSON.media_type
GRAPH_ACCEPT = f"{formats.N_TRIPLES.media_type}, {formats.TURTLE.media_type};q=0.9"
CHUNK = 1 << 16
WRAPPER_STATUS = [(QueryBadFormed, 400), (Unauthorized, 401), (EndPointNotFound, 404), (URITooLong, 414),
                  (EndPointInternalError, 500)]
READ_FACTOR = 2  # the store's JSON may be larger than the format asked for; read up to twice the result limit


class RemoteService:
    """A QueryService whose store is a SPARQL endpoint; lookups and `execute` alike go over HTTP."""

    remote = True  # a graph it does not hold might be fetched by the store: sparql.py refuses such graphs

    def __init__(self, endpoint: str, version: str, timeout: float, max_result_bytes: int):
        self.endpoint = endpoint
        self.version = version
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self._graphs: list[str] | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, endpoint: str, version: str, config) -> "RemoteService":
        return cls(endpoint, version, float(config["TIMEOUT"]), int(config["MAX_RESULT_BYTES"]))

    # --- the QueryService interface ----------------------------------------------------------

    def select(self, text: str) -> list[dict]:
        result = ox.parse_query_results(self._fetch(text, SOLUTIONS_ACCEPT)[0], format=ox.QueryResultsFormat.JSON)
        names = [v.value for v in result.variables]
        return [{n: s[n] for n in names if s[n] is not None} for s in result]

    def construct(self, text: str) -> list[ox.Triple]:
        return self._triples(*self._fetch(text, GRAPH_ACCEPT))

    def ask(self, text: str) -> bool:
        return bool(ox.parse_query_results(self._fetch(text, SOLUTIONS_ACCEPT)[0], format=ox.QueryResultsFormat.JSON))

    def graph_names(self) -> list[str]:
        with self._lock:
            if self._graphs is None:
                self._graphs = sorted(self.graph_sizes())
            return list(self._graphs)

    def execute(self, text: str, result_format: str, dataset: Dataset = Dataset()) -> QueryOutcome:
        try:
            form = inspect(text, ns.BASE, ns.prefixes_for(text)).form
        except QueryForbidden as e:
            raise QueryError(str(e)) from None
        if form in ("CONSTRUCT", "DESCRIBE"):
            result = self._triples(*self._fetch(text, GRAPH_ACCEPT, dataset, READ_FACTOR * self.max_result_bytes))
        else:  # SELECT or ASK; a text with no query form is for the store's parser to reject
            body, _ = self._fetch(text, SOLUTIONS_ACCEPT, dataset, READ_FACTOR * self.max_result_bytes)
            try:
                result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
            except SyntaxError as e:
                raise QueryAborted(f"The store sent results that do not parse: {e}") from None
        return serialize_result(result, result_format, self.max_result_bytes)

    # --- what the store holds ----------------------------------------------------------------

    def graph_sizes(self) -> dict[str, int]:
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {r["g"].value: int(r["n"].value) for r in rows if isinstance(r.get("g"), ox.NamedNode)}

    def default_size(self) -> int:
        return int(self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].value)

    # --- HTTP -----------------------------------------------------------------------------------

    def _fetch(self, text: str, accept: str, dataset: Dataset = Dataset(), limit: int | None = None) -> tuple[bytes, str]:
        """The store's answer as bytes and media type, within the deadline (and `limit` bytes, for public queries)."""
        deadline = time.monotonic() + self.timeout
        client = SPARQLWrapper(self.endpoint)
        client.setMethod(POST)  # a query of MAX_QUERY_BYTES does not fit in a URL
        client.setOnlyConneg(True)  # no format= parameters that some stores misread
        client.setQuery(prologue(text) + text)
        client.addCustomHttpHeader("Accept", accept)
        for graph in dataset.default_graphs:
            client.addDefaultGraph(graph)
        for graph in dataset.named_graphs:
            client.addNamedGraph(graph)
        client.setTimeout(self.timeout)
        try:
            response = client.query().response
            media = response.headers.get_content_type()
            body = self._read(response, deadline, limit)
        except SPARQLWrapperException as e:
            raise _mapped(e) from None
        except urllib.error.HTTPError as e:
            raise _status_error(e.code, e.read()) from None
        except OSError as e:  # URLError, a socket timeout, a refused or reset connection
            reason = getattr(e, "reason", e)
            if isinstance(reason, TimeoutError):
                raise QueryTimeout(f"The query ran longer than {self.timeout:g} s and was stopped; "
                                   "narrow it or add a LIMIT.") from None
            raise QueryAborted(f"The store at {self.endpoint} cannot be reached ({reason}); try again later.") from None
        if not _acceptable(media, accept):
            raise QueryAborted(f"The store answered in {media}, which this server did not ask for ({accept}).")
        return body, media

    def _read(self, response, deadline: float, limit: int | None) -> bytes:
        data = bytearray()
        with response:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                chunk = response.read1(CHUNK)
                if not chunk:
                    return bytes(data)
                data += chunk
                if limit is not None and len(data) > limit:
                    raise QueryAborted(
                        f"The result is larger than {self.max_result_bytes} bytes, the most this endpoint sends; "
                        "ask for less (LIMIT, fewer variables) or download a dump from /dumps/."
                    )

    @staticmethod
    def _triples(body: bytes, media: str) -> list[ox.Triple]:
        fmt = ox.RdfFormat.from_media_type(media)
        try:
            return [q.triple for q in ox.parse(body, format=fmt)]
        except SyntaxError as e:
            raise QueryAborted(f"The store sent RDF that does not parse: {e}") from None


def open_remote(endpoint: str, release: Release, config) -> RemoteService:
    """The service over `endpoint`, once the store is seen to hold `release`.

    Every named graph of the release must be there with as many triples as its VoID description
    says, and the default graph must be their union (so a store that repeats a triple once per
    graph in its default graph is refused). Other graphs a store keeps for itself (and the shapes
    graph of `publish`) are allowed, except graphs under our graph namespace that the release
    lacks: those are left over from an older release. This costs two counting queries, once.
    """
    service = RemoteService.from_config(endpoint, release.version, config)
    fix = "publish it with `intmk-kg publish --to <the store's Graph Store Protocol URL>`"
    try:
        found, union = service.graph_sizes(), service.default_size()
    except (QueryError, QueryTimeout) as e:
        raise InputError(Problem(f"cannot count what the store holds: {e}")) from None
    expected = release_graph_sizes(release)
    wrong = [f"<{g}>: {found.get(g, 0)} triples, the release has {n}" for g, n in sorted(expected.items())
             if found.get(g) != n]
    wrong += [f"<{g}> is not in the release" for g in sorted(found)
              if g.startswith(ns.GRAPH) and g not in expected and g != SHAPES_GRAPH]
    if wrong:
        raise InputError(Problem(f"the store at {endpoint} does not hold release {release.version} "
                                 f"({len(wrong)} graphs differ, e.g. {wrong[0]}); {fix}"))
    triples = int(release.manifest["statistics"]["triples"])
    if union != triples:
        raise InputError(Problem(f"the default graph of the store at {endpoint} has {union} triples, the union of "
                                 f"release {release.version} has {triples} (each triple once); {fix}"))
    service._graphs = sorted(found)
    return service


def release_graph_sizes(release: Release) -> dict[str, int]:
    """Triples per named graph of a release, from its VoID description."""
    void = ox.Store()
    void.load(path=str(release.file("void.ttl")), format=ox.RdfFormat.TURTLE)
    query = ("PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> PREFIX void: <http://rdfs.org/ns/void#> "
             "SELECT ?g ?n WHERE { ?d a sd:NamedGraph ; sd:name ?g ; void:triples ?n }")
    return {r["g"].value: int(r["n"].value) for r in void.query(query)}


def prologue(text: str) -> str:
    """One line with our base and every predeclared prefix the query does not declare itself."""
    toks = tokens(text)
    declared = {toks[i + 1].text[:-1] for i, t in enumerate(toks[:-1])
                if t.kind == "word" and t.text.upper() == "PREFIX" and toks[i + 1].kind == "pname"}
    prefixes = " ".join(f"PREFIX {p}: <{iri}>" for p, iri in ns.prefixes_for(text).items() if p not in declared)
    return f"BASE <{ns.BASE}> {prefixes}\n"


def _acceptable(media: str, accept: str) -> bool:
    return media in {part.split(";")[0].strip() for part in accept.split(",")}


def _mapped(error: SPARQLWrapperException) -> Exception:
    """SPARQLWrapper's exception for a status, with the store's own message (it keeps only its repr)."""
    status = next((code for cls, code in WRAPPER_STATUS if isinstance(error, cls)), 500)
    _, marker, body = str(error).partition("Response:\n")
    try:
        message = ast.literal_eval(body) if marker else b""
    except (ValueError, SyntaxError):
        message = body
    return _status_error(status, message)


def _status_error(status: int, body: bytes | str) -> Exception:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()[:1000]  # an HTML error page's text
    if status == 400:
        return QueryError(_renumbered(text))
    if status in (503, 504):
        return QueryTimeout(f"The store stopped the query ({status}): {text}")
    return QueryAborted(f"The store failed to answer ({status}): {text}")


def _renumbered(message: str) -> str:
    """Oxigraph counts the prologue line: `error at 3:5` is line 2 of the query as sent to us."""
    return re.sub(r"^error at (\d+):", lambda m: f"error at {max(1, int(m.group(1)) - 1)}:", message)
