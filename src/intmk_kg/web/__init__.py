"""The linked-data server: a Flask app factory, one blueprint per route family.

The app reads a release (or, with DATA_PATHS, any RDF files) and never writes one. Settings come
from `settings.SETTINGS`, then the instance config, then the `test_config` overrides.

The folders say where a change goes: `routes/` (one thin blueprint per route family, each registered
below), `http/` (the response policy, errors, content negotiation, paths, the fast path), `sparql/`
(the protocol without Flask), `pages/` (what a page shows), `query/` (the query service, its
backends and their isolation). What is served is `state.current()`.
"""

from __future__ import annotations

from flask import Flask

from . import state
from .http import origin, policy
from .http.client import ClientSocket
from .http.fastpath import DirectSparql
from .pages import site
from .routes import (
    browse,
    canned,
    dumps,
    home,
    meta,
    openapi,
    reconcile,
    resolutions,
    resources,
    search,
    sparql,
    wikidata,
)
from .settings import DEFAULTS

BLUEPRINTS = [home.bp, sparql.bp, resources.bp, dumps.bp, meta.bp, canned.bp, resolutions.bp, browse.bp, search.bp,
              reconcile.bp, wikidata.bp, openapi.bp]


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(RELEASE_DIR=None, DATA_PATHS=None, HOME=None)
    app.config.from_pyfile("config.py", silent=True)
    if test_config:
        app.config.from_mapping(test_config)
    app.config["PUBLIC_ORIGIN"] = origin.configured(app.config)
    if isinstance(app.config.get("TRUSTED_HOSTS"), str):  # the flag's text; Flask wants a list (or None: any)
        app.config["TRUSTED_HOSTS"] = [h.strip() for h in app.config["TRUSTED_HOSTS"].split(",") if h.strip()] or None

    state.install(app, state.open_state(app.config))
    policy.register(app)  # CORS, caching, gzip, security headers, errors
    site.register(app)  # what every page shares: language, navigation, search box
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    app.wsgi_app = DirectSparql(app, app.wsgi_app)  # the plain GET /sparql beneath Flask
    app.wsgi_app = ClientSocket(app.wsgi_app)  # each thread's client socket, for the inline lane's watchdog
    return app
