"""The route families, one thin Flask blueprint each: read the request, ask `pages/`, `sparql/` or
`query/`, answer through `http/`. No blueprint imports another; `web/__init__.py` registers them."""
