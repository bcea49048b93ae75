"""What the app serves: the release (or ad-hoc RDF files) and the query service over it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..project import Project
from ..release import Release, build, load_store, open_release
from .embedded import EmbeddedService
from .executor import IsolatedService
from .service import QueryService


@dataclass
class ServerState:
    release: Release | None  # None when serving --data files
    service: QueryService

    @property
    def version(self) -> str:
        return self.service.version


def open_state(config) -> ServerState:
    if config.get("DATA_PATHS"):
        from .adhoc import load_paths

        store, version = load_paths([Path(p) for p in config["DATA_PATHS"]])
        return ServerState(None, IsolatedService.from_config(EmbeddedService(store, version), config))
    project = Project.at(config.get("HOME"))
    out = Path(config["RELEASE_DIR"]) if config.get("RELEASE_DIR") else project.dist_dir
    try:
        release = open_release(out)
    except FileNotFoundError:
        release = build(project, out)
    store = load_store(release, ox.Store())
    return ServerState(release, IsolatedService.from_config(EmbeddedService(store, release.version), config))
