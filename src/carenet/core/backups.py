"""Database backups without the keys, behind `carenet backup` and `carenet restore`.

PostgreSQL: `pg_dump`'s custom format, restored by `pg_restore` in one transaction. SQLite: the
online backup API (a consistent copy while the site keeps running). A backup holds the database
only. `SECRET_KEY` and `CARENET_FIELD_KEYS` live in the environment (or, in development, in
files of the data directory), never in a table, so encrypted personal fields stay ciphertext in
the file and a stolen backup alone reveals no name or phone number. Keep the keys somewhere
else: without them the encrypted fields of a restored backup cannot be read, which is why a
restore first decrypts one value of every model with encrypted fields and refuses when it fails.
Uploaded files (`CARENET_MEDIA_DIR`) are not in the backup; copy that folder beside it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connections

from carenet.core import crypto

SQLITE_MAGIC = b"SQLite format 3\x00"
POSTGRES_MAGIC = b"PGDMP"
POSTGRESQL, SQLITE = "PostgreSQL", "SQLite"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message is safe to print."""


@dataclass(frozen=True)
class EncryptedColumns:
    label: str  # e.g. "referrals.Client"
    table: str
    columns: tuple[str, ...]


def encrypted_columns() -> list[EncryptedColumns]:
    """Every table with an encrypted field, whichever app it belongs to."""
    found = []
    for model in apps.get_models():
        columns = tuple(
            f.column
            for f in model._meta.concrete_fields
            if isinstance(f, crypto.EncryptedTextField)
        )
        if columns:
            found.append(EncryptedColumns(model._meta.label, model._meta.db_table, columns))
    return found


def engine(using: str = "default") -> str:
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return POSTGRESQL
    if vendor == "sqlite":
        return SQLITE
    raise BackupError(f"Backups of a {vendor} database are not supported.")


def kind_of(path: Path) -> str:
    """Which database a backup file was made from, from its first bytes."""
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head.startswith(POSTGRES_MAGIC):
        return POSTGRESQL
    if head == SQLITE_MAGIC:
        return SQLITE
    raise BackupError(f"{path} is not a CareNet backup (neither pg_dump nor SQLite).")


# --- backup ----------------------------------------------------------------------------------


def create(path: Path, *, using: str = "default") -> str:
    """Write a backup of the database to `path` (readable by its owner only); returns the kind.

    The file appears only once it is complete: a failed backup leaves nothing behind."""
    if path.exists():
        raise BackupError(f"{path} exists already: choose a new file name.")
    kind = engine(using)
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    try:
        if kind == POSTGRESQL:
            _pg_dump(partial, using)
        else:
            _sqlite_backup(partial, using)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return kind


def _sqlite_backup(target: Path, using: str) -> None:
    connection = connections[using]
    connection.ensure_connection()
    out = sqlite3.connect(target)
    try:
        connection.connection.backup(out)
    finally:
        out.close()


def _pg_dump(target: Path, using: str) -> None:
    _run(
        [
            _program("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            *_pg_connection_args(using),
        ],
        using,
    )


# --- restore ---------------------------------------------------------------------------------


def restore(path: Path, *, using: str = "default") -> int:
    """Replace the database with the backup at `path`, after checking that the current keys
    read its encrypted fields. Returns how many encrypted values were checked."""
    if not path.is_file():
        raise BackupError(f"No such file: {path}")
    kind, here = kind_of(path), engine(using)
    if kind != here:
        raise BackupError(f"{path} is a {kind} backup; this CareNet uses {here}.")
    checked = check_keys(path, kind)
    connections[using].close()
    if kind == POSTGRESQL:
        _pg_restore(path, using)
    else:
        _sqlite_restore(path, using)
    connections[using].close()
    return checked


def check_keys(path: Path, kind: str) -> int:
    """Decrypt the first encrypted value of every table that has one, with the current keys;
    raise BackupError naming the model when one cannot be read. Nothing is changed."""
    read = _pg_samples if kind == POSTGRESQL else _sqlite_samples
    checked = 0
    for table in encrypted_columns():
        for value in read(path, table):
            try:
                crypto.decrypt(value)
            except ValueError:
                raise BackupError(
                    f"Refusing to restore {path}: the encrypted fields of {table.label} cannot "
                    "be read with the keys in CARENET_FIELD_KEYS. Set the keys this backup was "
                    "made with (older keys may follow the newest one), then try again. "
                    "Nothing was changed."
                ) from None
            checked += 1
    return checked


def _sqlite_samples(path: Path, table: EncryptedColumns) -> list[str]:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise BackupError(f"{path} is a damaged SQLite file.")
        present = {row[1] for row in source.execute(f'PRAGMA table_info("{table.table}")')}
        columns = [c for c in table.columns if c in present]
        if not columns:
            return []
        names = ", ".join(f'"{c}"' for c in columns)
        where = " OR ".join(f"COALESCE(\"{c}\", '') <> ''" for c in columns)
        row = source.execute(
            f'SELECT {names} FROM "{table.table}" WHERE {where} LIMIT 1'  # noqa: S608 (model names)
        ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} cannot be read as a SQLite database: {exc}") from None
    finally:
        source.close()
    return [value for value in row or () if value]


def _sqlite_restore(path: Path, using: str) -> None:
    connection = connections[using]
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _pg_samples(path: Path, table: EncryptedColumns) -> list[str]:
    """The encrypted values of the first row that has one, read from the dump's COPY data of
    `table` (pg_restore writes it as text; the database is not touched)."""
    process = subprocess.Popen(  # noqa: S603 (fixed program, arguments are not shell-parsed)
        [_program("pg_restore"), "--data-only", f"--table={table.table}", "--file=-", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        return _first_encrypted(process.stdout, table)
    finally:
        process.kill()
        _, err = process.communicate()
        if process.returncode not in (0, -9) and err:
            raise BackupError(f"pg_restore could not read {path}: {err.strip()}")


def _first_encrypted(lines: Iterator[str], table: EncryptedColumns) -> list[str]:
    positions: list[int] = []
    for line in lines:
        if not positions:
            if line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;"):
                names = line[line.index("(") + 1 : line.rindex(")")].split(", ")
                names = [n.strip('"') for n in names]
                positions = [names.index(c) for c in table.columns if c in names]
                if not positions:
                    return []
            continue
        if line.startswith("\\."):
            return []
        cells = line.rstrip("\n").split("\t")
        values = [cells[i] for i in positions if cells[i] not in ("", "\\N")]
        if values:
            return values
    return []


def _pg_restore(path: Path, using: str) -> None:
    _run(
        [
            _program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *_pg_connection_args(using),
            str(path),
        ],
        using,
    )


# --- PostgreSQL client programs --------------------------------------------------------------


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client programs "
            "(Debian: apt-get install postgresql-client) of the server's major version."
        )
    return found


def _pg_connection_args(using: str) -> list[str]:
    db: dict[str, Any] = connections[using].settings_dict
    args = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    return args


def _pg_env(using: str) -> dict[str, str]:
    """The password goes through the environment, never the command line (`ps` shows it)."""
    db: dict[str, Any] = connections[using].settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def _run(args: list[str], using: str) -> None:
    done = subprocess.run(  # noqa: S603 (fixed program, arguments are not shell-parsed)
        args, env=_pg_env(using), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        program = Path(args[0]).name
        raise BackupError(f"{program} failed: {done.stderr.strip() or done.returncode}")
