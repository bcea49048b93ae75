"""HTTP beneath the routes: the response policy (headers, gzip, errors), content negotiation, the
paths of our IRIs, the public origin, the client's connection, and the fast path for the plain
`GET /sparql?query=`."""
