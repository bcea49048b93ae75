"""Linking with Wikidata-style datasets: a label index, reconciliation, QuickStatements and Mix'n'match.

Core code (no Flask): the web blueprints and the CLI call into it, and `build` writes the exports.
"""
