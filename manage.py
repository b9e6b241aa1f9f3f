#!/usr/bin/env python3
"""Set up and run rectibot with nothing but Python 3.11+.

    python3 manage.py run      # create .venv from requirements.lock, then `rectibot run`
    python3 manage.py test     # create .venv from requirements-dev.lock, then pytest (+ coverage)
    python3 manage.py lint     # ruff, ruff format --check, mypy, import contracts
    python3 manage.py lock     # regenerate both lockfiles (needs network)

Any further arguments go to the command (`manage.py run import FILE.xlsx`, `manage.py test -k board`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def _run(*cmd: str | Path) -> None:
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True)


def ensure_env(lock: str) -> None:
    """Create .venv and install the lockfile (and the project) unless already done."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs before any venv exists
        sys.exit("rectibot needs Python 3.11 or newer.")
    lockfile = ROOT / lock
    stamp = VENV / f".installed-{lock}"
    project = (ROOT / "pyproject.toml").read_bytes()
    digest = hashlib.sha256(lockfile.read_bytes() + project).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and PY.exists():
        return
    if not PY.exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.create(VENV, with_pip=True)
    print(f"Installing {lock} ...", flush=True)
    _run(
        PY,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--require-hashes",
        "--no-deps",
        "-r",
        lockfile,
    )
    _run(
        PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "-e", "."
    )
    stamp.write_text(digest)


COVERED = ("domain", "handlers", "scheduler", "storage")
COVERAGE_FLOOR = 95.0  # percent of statements, for each package on its own


def coverage_floor() -> int:
    """Print each package's coverage from the run just made; 1 if one is under the floor."""
    below = []
    for package in COVERED:
        total = subprocess.run(
            [str(PY), "-m", "coverage", "report", f"--include={package}/*", "--format=total"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"coverage of {package}: {total}% (floor {COVERAGE_FLOOR:.0f}%)")
        if float(total) < COVERAGE_FLOOR:
            below.append(package)
    if below:
        print(f"coverage under the floor: {', '.join(below)}", file=sys.stderr)
    return 1 if below else 0


def main(argv: list[str]) -> int:
    """Dispatch the subcommand."""
    command, rest = (argv[0], argv[1:]) if argv else ("help", [])
    if command == "run":
        ensure_env("requirements.lock")
        return subprocess.call([str(BIN / "rectibot"), *(rest or ["run"])], cwd=ROOT)
    if command == "test":
        ensure_env("requirements-dev.lock")
        # The whole suite also measures coverage (configured in pyproject.toml); a run narrowed
        # by arguments does not, since its figure would mean nothing.
        coverage = [] if rest else ["--cov", "--cov-report=term"]
        code = subprocess.call([str(PY), "-m", "pytest", *coverage, *rest], cwd=ROOT)
        return code or (0 if rest else coverage_floor())
    if command == "lint":
        ensure_env("requirements-dev.lock")
        for step in (
            [str(PY), "-m", "ruff", "check", "."],
            [str(PY), "-m", "ruff", "format", "--check", "."],
            [str(PY), "-m", "mypy", "."],
            [str(BIN / "lint-imports")],
        ):
            print(
                "$",
                " ".join(Path(step[0]).name if i == 0 else s for i, s in enumerate(step)),
                flush=True,
            )
            code = subprocess.call(step, cwd=ROOT)
            if code:
                return code
        return 0
    if command == "lock":
        ensure_env("requirements-dev.lock")
        _run(PY, "-m", "pip", "install", "--quiet", "uv")
        common = [
            "pip",
            "compile",
            "pyproject.toml",
            "--universal",
            "--python-version",
            "3.11",
            "--generate-hashes",
            "--quiet",
        ]
        _run(BIN / "uv", *common, "-o", "requirements.lock")
        _run(BIN / "uv", *common, "--extra", "dev", "-o", "requirements-dev.lock")
        return 0
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
