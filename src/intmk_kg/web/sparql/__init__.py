"""The SPARQL 1.1 Protocol without Flask: what a request asks, and how its answer is written."""
