"""The linked-data server: a Flask app factory, one blueprint per route family.

The app reads a release (or, with DATA_PATHS, any RDF files) and never writes one. Settings come
from `settings.SETTINGS`, then the instance config, then the `test_config` overrides.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask

from . import origin
from .settings import DEFAULTS

BLUEPRINT_MODULES = ["home", "sparql", "resources", "dumps", "meta", "canned", "resolutions", "reconcile", "wikidata",
                     "openapi"]


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

    from .state import open_state

    app.extensions["intmk"] = open_state(app.config)
    importlib.import_module(".http", __name__).register(app)  # CORS, caching, gzip, security headers, errors

    for name in BLUEPRINT_MODULES:
        module_path = Path(__file__).with_name(f"{name}.py")
        if module_path.exists():
            module = importlib.import_module(f".{name}", __name__)
            app.register_blueprint(module.bp)
    from .direct import DirectSparql

    app.wsgi_app = DirectSparql(app, app.wsgi_app)  # the plain GET /sparql beneath Flask
    return app
