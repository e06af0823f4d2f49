"""Backups: a consistent copy of the database (SQLite's online backup API, or pg_dump for
PostgreSQL), the evidence and document files, and a manifest of their SHA-256 hashes;
and the restore into an empty database and evidence directory, which checks every hash
before it touches anything. `flask restore` then verifies the restored history against
the last checkpoint before it reports success (complaints.backup_cli)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from complaints.services import transparency

FORMAT = "aryz-backup v1"
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
EVIDENCE = "evidence"
#: Not copied: uploads in progress and files moved aside by `audit verify --quarantine`.
SKIPPED = ("tmp", "quarantine")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (which goes in PGPASSWORD, not the process list)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(tool: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL client tool found on PATH (no shell; the arguments are ours)."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(f"{tool} is not installed (Debian: postgresql-client)")
    return subprocess.run([path, *args], capture_output=True, text=True, env=env)  # noqa: S603


def _tool_major(tool: str) -> int:
    done = _run(tool, "--version")
    if done.returncode != 0:
        raise BackupError(f"{tool} --version failed: {done.stderr.strip()}")
    out = done.stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    if not match:
        raise BackupError(f"cannot read the version of {tool}: {out.strip()}")
    return int(match.group(1))


def check_pg_tools(session: Session, tool: str = "pg_dump") -> None:
    """pg_dump/pg_restore must be at least the server's major version."""
    server = int(session.scalar(text("SHOW server_version_num")) or 0) // 10000
    major = _tool_major(tool)
    if major < server:
        raise BackupError(f"{tool} is version {major} but the server is {server}: install {tool} {server}")


def _empty_target(target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: a backup goes into a new directory")
    target.mkdir(parents=True, exist_ok=True)


def backup(session: Session, url: str, evidence_dir: str, target_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Write the backup into `target_dir` (new or empty) and return its manifest."""
    target = Path(target_dir)
    _empty_target(target)
    latest = transparency.latest(session)
    checkpoint = transparency.checkpoint_json(latest) if latest else None
    rows = transparency.history_size(session)
    dialect = make_url(url).get_backend_name()
    if dialect == "sqlite":
        source_path = make_url(url).database
        if not source_path or source_path == ":memory:":
            raise BackupError("an in-memory database cannot be backed up")
        db_file = target / SQLITE_FILE
        with sqlite3.connect(source_path) as src, sqlite3.connect(db_file) as dst:
            src.backup(dst)  # the online backup API: a consistent copy while the app runs
        dst.close()
        src.close()
    elif dialect == "postgresql":
        check_pg_tools(session, "pg_dump")
        db_file = target / PG_FILE
        libpq, env = _libpq(url)
        done = _run("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={db_file}", libpq,
                    env=env)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    else:
        raise BackupError(f"no backup method for {dialect}")
    files: dict[str, dict[str, Any]] = {}
    root = Path(evidence_dir)
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root)
            if not path.is_file() or rel.parts[0] in SKIPPED:
                continue
            copy = target / EVIDENCE / rel
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
            files[rel.as_posix()] = {"sha256": _sha256(copy), "size": copy.stat().st_size}
    manifest = {
        "format": FORMAT, "created_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "database": {"kind": dialect, "file": db_file.name, "sha256": _sha256(db_file),
                     "size": db_file.stat().st_size},
        "history_rows_at_start": rows, "checkpoint": checkpoint, "evidence": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def read_manifest(source_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest, after every file it lists was re-hashed; BackupError names the first
    file that is missing or differs."""
    source = Path(source_dir)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"no readable {MANIFEST} in {source}: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is not an {FORMAT} backup")
    db_info = manifest["database"]
    db_file = source / db_info["file"]
    if not db_file.is_file() or _sha256(db_file) != db_info["sha256"]:
        raise BackupError(f"the database file {db_info['file']} is missing or differs from its hash in the manifest")
    for rel, info in manifest.get("evidence", {}).items():
        path = source / EVIDENCE / rel
        if not path.is_file():
            raise BackupError(f"evidence file {rel} is missing from the backup")
        if _sha256(path) != info["sha256"]:
            raise BackupError(f"evidence file {rel} differs from its hash in the manifest")
    return manifest


def restore(engine: Engine, url: str, evidence_dir: str, source_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Restore the backup into an empty database and an empty evidence directory. Checks
    every hash first; returns the manifest. Verification of the result is the caller's."""
    source = Path(source_dir)
    manifest = read_manifest(source)
    dialect = make_url(url).get_backend_name()
    if dialect != manifest["database"]["kind"]:
        raise BackupError(f"the backup is of a {manifest['database']['kind']} database, the target is {dialect}")
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()
    engine.dispose()  # nothing of ours holds the target open while it is written
    if tables:
        raise BackupError(f"the target database is not empty ({len(tables)} tables): restore into a new one")
    root = Path(evidence_dir)
    if root.exists() and any(root.iterdir()):
        raise BackupError(f"the evidence directory {root} is not empty")
    db_file = source / manifest["database"]["file"]
    if dialect == "sqlite":
        with sqlite3.connect(db_file) as src, sqlite3.connect(make_url(url).database or "") as dst:
            src.backup(dst)
        dst.close()
        src.close()
    else:
        with Session(engine) as session:
            check_pg_tools(session, "pg_restore")
        libpq, env = _libpq(url)
        done = _run("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={libpq}",
                    str(db_file), env=env)
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    for rel, info in manifest.get("evidence", {}).items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / EVIDENCE / rel, target)
        if _sha256(target) != info["sha256"]:
            raise BackupError(f"evidence file {rel} changed while it was restored")
    engine.dispose()
    return manifest
