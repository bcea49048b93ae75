"""The one query service every route uses (`service.py`), its backends (in memory, on disk,
remote), the guard of public queries, the answer cache, and their isolation (`isolation/`)."""
