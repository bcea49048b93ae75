"""Where a public query runs: light ones in the request thread under a watchdog (`inline.py`), the
others in killable query processes (`processes.py`) forked by each worker's fork server
(`spawner.py`)."""
