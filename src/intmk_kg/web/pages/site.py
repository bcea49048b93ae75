"""What every HTML page shares: the page's language and its catalogue, the navigation, the search
box, the language switch that keeps the reader on the same page, and links that keep the language.

Registered on the app by `create_app`: a template context processor (every template gets `lang`,
`t`, `nav`, `switch`, `keep`) and an after-request step that labels every HTML page with its
language (Content-Language, and Vary: Accept-Language where the browser's preference chose it).
A route may still pass its own `lang`; what it passes wins over the context processor's.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, g, request

from ...readable import messages
from ..http import paths
from ..http.conneg import LANGUAGES, preferred_language

# the navigation: (message key, path); the browse lists first, then the data services
NAV = [
    ("nav.conferences", "/conferences/"),
    ("nav.lander", "/states/"),
    ("nav.persons", "/persons/"),
    ("nav.resolutions", "/resolutions/"),
    ("nav.topics", "/topics/"),
    ("nav.documents", "/documents/"),
    ("nav.entries", "/entries/"),
    ("nav.sparql", "/sparql"),
    ("nav.queries", "/queries/"),
    ("nav.downloads", "/dumps/"),
]
OTHER = {"de": "en", "en": "de"}
NAMES = {"de": "Deutsch", "en": "English"}


def register(app: Flask) -> None:
    app.context_processor(context)
    app.after_request(_label)


def context() -> dict:
    lang = preferred_language()
    g.page_lang = lang
    return {
        "lang": lang,
        "t": messages(lang),
        "nav": [{"text": messages(lang)[key], "href": keep(path), "path": path} for key, path in NAV],
        "switch": [{"lang": code, "name": NAMES[code], "href": switched(code), "current": code == lang}
                   for code in LANGUAGES],
        "keep": keep,
        "here": here,
        "page_of": paths.href,
        "search_href": keep("/search"),
    }


def switched(lang: str) -> str:
    """This page in another language: the same path and parameters, `lang` set."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", lang)]
    return request.path + "?" + urlencode(args)


def here(**changes: object) -> str:
    """This page with some parameters changed (None removes one), the others as they were."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in changes]
    args += [(k, str(v)) for k, v in changes.items() if v is not None]
    return request.path + ("?" + urlencode(args) if args else "")


def keep(path: str, **params: object) -> str:
    """A link to one of our pages that keeps the language the reader chose with ?lang (a language the
    browser's preference chose needs no parameter: the next page chooses it again)."""
    args = [(k, str(v)) for k, v in params.items() if v is not None]
    chosen = request.args.get("lang")
    if chosen in LANGUAGES and not any(k == "lang" for k, _ in args):
        args.append(("lang", chosen))
    if not args:
        return path
    return path + ("&" if "?" in path else "?") + urlencode(args)


def _label(response: Response) -> Response:
    """An HTML page whose template read the language says which one it is in."""
    if response.mimetype == "text/html" and g.get("page_lang") and "Content-Language" not in response.headers:
        response.headers["Content-Language"] = g.page_lang
        if request.args.get("lang") not in LANGUAGES:  # chosen by the browser's preference, also past a bad ?lang
            response.vary.add("Accept-Language")
    return response
