"""What the app serves: the release (or ad-hoc RDF files) and the query service over it.

The release's graph is loaded into memory, or opened on disk (`--store`, left by `build --store`),
or held by a remote SPARQL store (`--backend`, filled by `intmk-kg publish`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from flask import Flask, current_app

from ..errors import InputError, Problem
from ..linking.index import Searchable, index_for
from ..linking.stored import INDEX_FILE, IndexFormatError, StoredIndex
from ..progress import Progress
from ..project import Project
from ..release import Release, build, load_store, open_release
from .adhoc import load_paths
from .http import client, policy
from .intact import IntactFiles
from .query.cache import CachedService
from .query.diskstore import ProcessStore
from .query.embedded import EmbeddedService
from .query.isolation import Hooks
from .query.isolation.processes import IsolatedService
from .query.remote import open_remote
from .query.service import QueryService
from .sparql.description import graph_sizes


@dataclass
class ServerState:
    release: Release | None  # None when serving --data files
    service: QueryService
    remote: bool = False  # the graph is held by a remote store (--backend)
    hooks: Hooks = field(default_factory=Hooks)  # what the query isolation asks of the server (server.py sets retire)
    intact: IntactFiles | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.release is not None:  # taken now, in the master, so that every worker compares with the start
            self.intact = IntactFiles(self.release)

    @property
    def version(self) -> str:
        return self.service.version

    @cached_property
    def graph_sizes(self) -> dict[str | None, int]:
        """Triples per named graph and in the default graph (key None), for the service description."""
        return graph_sizes(self.service)

    @cached_property
    def names(self) -> Searchable:
        """The name index of reconciliation and the QID lookup: the release's index file, opened
        in no time; built from the query service only for a remote store (whose graph is the one
        to search) or a release written before the file existed or in an older format."""
        path = self.release.file(INDEX_FILE) if self.release is not None else None
        if path is not None and not self.remote and path.is_file():
            try:
                return StoredIndex(path)
            except IndexFormatError:  # a release of an older version: its file lacks what this one reads
                pass
        return index_for(self.service)


EXTENSION = "intmk"  # the key of the served state in `app.extensions`


def install(app: Flask, served: ServerState) -> None:
    app.extensions[EXTENSION] = served


def of(app: Flask) -> ServerState:
    """What `app` serves (for code beneath Flask's request context, such as the fast path)."""
    return app.extensions[EXTENSION]


def current() -> ServerState:
    """What the app of the current request serves."""
    return current_app.extensions[EXTENSION]


def open_state(config) -> ServerState:
    hooks = Hooks(client_socket=client.current_socket, overrun_answer=policy.overrun_answer(config.get("CORS_ORIGIN")))
    if config.get("DATA_PATHS"):
        store, version = load_paths([Path(p) for p in config["DATA_PATHS"]])
        service = IsolatedService.from_config(EmbeddedService(store, version), config, hooks)
        return ServerState(None, _cached(service, config), hooks=hooks)
    project = Project.at(config.get("HOME"))
    out = Path(config["RELEASE_DIR"]) if config.get("RELEASE_DIR") else project.dist_dir
    elsewhere = config.get("STORE_PATH") or config.get("BACKEND_URL")
    try:
        release = open_release(out, serving=True)
    except FileNotFoundError as e:
        if elsewhere:  # a store belongs to one release: building another here would not match it
            raise InputError(Problem(f"{e}, with the same sources as the store", out)) from None
        progress = Progress(sys.stderr)
        progress(f"no release in {out} yet: building one first (what `intmk-kg build` does)")
        release = build(project, out, progress)
    for name in sorted(release.damaged):
        print(f"intmk-kg: warning: {release.file(name)} is missing or does not match release.json; /dumps/{name} "
              "answers 503 until `intmk-kg build` writes the release again", file=sys.stderr, flush=True)
    if config.get("BACKEND_URL"):
        return ServerState(release, _cached(open_remote(config["BACKEND_URL"], release, config), config), remote=True)
    store = ProcessStore(config["STORE_PATH"], release) if config.get("STORE_PATH") else load_store(release, ox.Store())
    service = IsolatedService.from_config(EmbeddedService(store, release.version), config, hooks)
    return ServerState(release, _cached(service, config), hooks=hooks)


def _cached(service: QueryService, config) -> QueryService:
    megabytes = int(config.get("CACHE_MB") or 0)
    return CachedService(service, megabytes * 1024 * 1024) if megabytes > 0 else service
