"""describe_failure: a database that cannot be used is one sentence naming DATABASE_URL and the fix.

Each case raises the real exception (a closed port, a listener that never answers, a database or
role PostgreSQL does not know, a locked or foreign SQLite file) and reads the sentence made of it.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storage.database import describe_failure, make_engine
from tests.conftest import PG_URL, _postgres_problem


async def failure_of(url: str, **kwargs: Any) -> BaseException:
    """What making an engine on `url` and asking it one question raises."""
    try:
        engine = make_engine(url, **kwargs)
    except OSError as exc:
        return exc
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (OSError, DBAPIError) as exc:
        return exc
    finally:
        await engine.dispose()
    raise AssertionError(f"{url} could be used")


def closed_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


@pytest.fixture
def server() -> str:
    """The test PostgreSQL server's URL, without a database (fails when CI=true and it is gone)."""
    problem = _postgres_problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {problem}")
        pytest.skip(problem)
    return urlsplit(PG_URL)._replace(path="").geturl()


def with_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=f"{user}@{host}").geturl()


async def test_a_closed_port_asks_whether_postgresql_runs_there() -> None:
    port = closed_port()
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/rectibot"
    exc = await failure_of(url)
    assert isinstance(exc, ConnectionRefusedError)
    assert describe_failure(exc, url) == (
        f"DATABASE_URL: nothing answers at 127.0.0.1:{port} (connection refused); "
        "is PostgreSQL running there?"
    )


async def test_an_unknown_host_is_named() -> None:
    url = "postgresql+asyncpg://postgres@no-such-host.invalid/rectibot"
    exc = await failure_of(url)
    assert isinstance(exc, socket.gaierror)
    assert describe_failure(exc, url) == (
        "DATABASE_URL: the host 'no-such-host.invalid' is unknown; check the host name."
    )


async def test_a_server_that_never_answers_points_at_the_firewall(silent_port: int) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{silent_port}/rectibot"
    exc = await failure_of(url, connect_args={"timeout": 0.5})
    assert isinstance(exc, TimeoutError)
    sentence = describe_failure(exc, url)
    assert sentence is not None
    assert sentence.startswith(f"DATABASE_URL: 127.0.0.1:{silent_port} did not answer in time")
    assert "firewall" in sentence


async def test_another_socket_error_says_what_the_system_said(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://postgres@/rectibot?host={tmp_path / 'no-such-folder'}"
    exc = await failure_of(url)  # a Unix socket in a folder that is not there
    assert isinstance(exc, FileNotFoundError)
    sentence = describe_failure(exc, url)
    assert sentence is not None
    assert sentence.startswith("DATABASE_URL: cannot connect to ")
    assert sentence.endswith(f": {exc.strerror}.")


@pytest.mark.postgres
async def test_a_database_that_does_not_exist_says_how_to_create_it(server: str) -> None:
    url = f"{server}/rectibot_no_such_database_{os.getpid()}"  # never created
    exc = await failure_of(url)
    assert isinstance(exc, DBAPIError)
    sentence = describe_failure(exc, url)
    assert sentence is not None
    assert sentence.startswith(
        f"DATABASE_URL: the database 'rectibot_no_such_database_{os.getpid()}' does not exist"
    )
    assert f"createdb -h {urlsplit(url).hostname} " in sentence
    assert "or fix the name" in sentence


@pytest.mark.postgres
async def test_a_role_postgresql_does_not_know_is_a_refused_login(server: str) -> None:
    url = with_user(f"{server}/postgres", "rectibot_no_such_role")
    exc = await failure_of(url)
    assert isinstance(exc, DBAPIError)
    sentence = describe_failure(exc, url)
    assert sentence is not None
    assert 'refused the login (role "rectibot_no_such_role" does not exist)' in sentence
    assert sentence.endswith("fix the user or password.")


@pytest.mark.postgres
async def test_another_refusal_repeats_postgresqls_reason(server: str) -> None:
    url = f"{server}/template0"  # exists, takes no connections
    exc = await failure_of(url)
    assert isinstance(exc, DBAPIError)
    sentence = describe_failure(exc, url)
    assert sentence is not None
    assert sentence.startswith("DATABASE_URL: PostgreSQL at ")
    assert sentence.endswith(
        'refused: database "template0" is not currently accepting connections.'
    )


async def test_a_sqlite_file_under_a_plain_file_asks_for_a_writable_folder(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("not a folder")
    url = f"sqlite+aiosqlite:///{blocker}/rectibot.sqlite3"
    exc = await failure_of(url)
    assert isinstance(exc, OSError)
    sentence = describe_failure(exc, url)
    assert sentence is not None
    assert sentence.startswith(f"DATABASE_URL: cannot create the SQLite file {blocker}/rectibot")
    assert sentence.endswith("; choose a writable folder.")


async def test_a_sqlite_file_another_process_holds_says_to_stop_it(tmp_path: Path) -> None:
    path = tmp_path / "rectibot.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("CREATE TABLE t (a INTEGER)")
        other.execute("BEGIN EXCLUSIVE")
        url = f"sqlite+aiosqlite:///{path}"
        exc = await failure_of(url, connect_args={"timeout": 0.1})
    assert isinstance(exc, DBAPIError)
    assert describe_failure(exc, url) == (
        f"DATABASE_URL: the SQLite file {path} is locked by another process; stop it first."
    )


async def test_a_file_that_is_no_sqlite_database_is_questioned(tmp_path: Path) -> None:
    path = tmp_path / "rectibot.sqlite3"
    path.write_bytes(b"PK\x03\x04 a workbook, saved under the wrong name" * 50)
    url = f"sqlite+aiosqlite:///{path}"
    exc = await failure_of(url)
    assert isinstance(exc, DBAPIError)
    assert describe_failure(exc, url) == (
        f"DATABASE_URL: cannot use the SQLite file {path} (file is not a database); "
        "is it a rectibot database?"
    )


@pytest.mark.parametrize(
    "url", ["postgresql+asyncpg://postgres@127.0.0.1/rectibot", "sqlite+aiosqlite:///x.sqlite3"]
)
def test_an_exception_about_something_else_is_not_explained(url: str) -> None:
    assert describe_failure(KeyError("task_id"), url) is None
    assert describe_failure(ValueError("naive datetime given to the database"), url) is None
