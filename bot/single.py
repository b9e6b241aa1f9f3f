"""One bot process per SQLite file: a second one would answer every update twice."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from config.settings import ConfigError


def hold_sqlite_lock(database_url: str) -> IO[str] | None:
    """Take an exclusive lock next to a SQLite file for the life of the process.

    Returns the open lock file (keep it referenced), or None for other databases. Raises
    ConfigError with one sentence when another process holds it. PostgreSQL is the way to
    run several replicas (Telegram allows one poller anyway; webhook replicas share it).
    """
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; run one process by hand
        return None
    path = Path(f"{url.database}.lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"DATABASE_URL: cannot create the SQLite file {url.database}: "
            f"{exc.strerror or exc}; choose a writable folder."
        ) from None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise ConfigError(
            f"another rectibot (pid {holder}) is already running on {url.database}; stop it "
            "first, or use PostgreSQL (DATABASE_URL=postgresql+asyncpg://…) for several processes"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle
