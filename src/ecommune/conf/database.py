"""The kit's options for SQLite, the embedded database of the demo and the tests.

With a web process and a task worker writing to one SQLite file, SQLite's defaults give
« database is locked »: a transaction that read first and then writes cannot wait for
the lock (SQLite refuses at once rather than risk a deadlock), and in the default
rollback journal a writer blocks the readers. So every SQLite connection gets:

- ``transaction_mode: IMMEDIATE`` (Django 5.1+): ``transaction.atomic()`` takes the write
  lock when it begins, where waiting is safe, instead of upgrading a read lock later;
- ``PRAGMA journal_mode=WAL``: readers and the writer no longer block each other;
- ``PRAGMA busy_timeout``: a writer waits up to ``SQLITE_BUSY_TIMEOUT_MS`` for another
  one to finish instead of failing at once.
"""

SQLITE_BUSY_TIMEOUT_MS = 20_000


def sqlite_options(busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> dict:
    """Django ``OPTIONS`` for an SQLite database shared by the web and the worker."""
    return {
        # The timeout first: switching the journal mode itself may wait for a lock.
        "init_command": f"PRAGMA busy_timeout={int(busy_timeout_ms)}; PRAGMA journal_mode=WAL",
        "transaction_mode": "IMMEDIATE",
    }


def with_sqlite_options(config: dict, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> dict:
    """``config`` (one entry of DATABASES) with the SQLite options added when it is SQLite;
    options the site gives itself win."""
    if not config.get("ENGINE", "").endswith("sqlite3"):
        return config
    config["OPTIONS"] = {**sqlite_options(busy_timeout_ms), **config.get("OPTIONS", {})}
    return config
