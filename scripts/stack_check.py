"""The production stack, end to end, on loopback: `python scripts/stack_check.py`.

Starts its own Redis (a private port), creates a fresh PostgreSQL database, migrates it and
loads the reference data, then runs gunicorn with CARENET_ENV=production (secrets generated for
the run) and an RQ worker (`carenet rqworker default`). A focal point signs in over HTTP, uploads
a 4W file, which goes through the queue (CARENET_IMPORT_BACKGROUND_BYTES=0), waits for the job
to finish, exports the month as XLSX and as HXL CSV, and a `carenet backup` of the database is
taken. Everything it started is stopped and the database dropped, whatever happens. The whole
check is bounded (STACK_CHECK_SECONDS, 600 by default): it needs about 80 s of CPU, but took
8 minutes on a machine shared with other builds. Exit status 0 only when every step passed.

Needs: the venv (`make install`), redis-server, a PostgreSQL server that the user of
STACK_POSTGRES may create databases on (default postgres://postgres@127.0.0.1:5432) and the
PostgreSQL client programs (for the backup step). Run by .ci/run, not by `make test`.
"""

from __future__ import annotations

import csv
import http.client
import io
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
POSTGRES = os.environ.get("STACK_POSTGRES", "postgres://postgres@127.0.0.1:5432")
BUDGET = float(os.environ.get("STACK_CHECK_SECONDS", "600"))
MONTH = "2026-03"
PASSWORD = secrets.token_urlsafe(18)
EMAIL = "focal@stack-check.example"

# A 4W month as an information manager sends it: titles, HXL hashtags, two rows.
FOURW = [
    ["Reporting organisation", "Activity code", "P-code (lowest level known)", "Status",
     "Start date", "Women 18-59", "Men 18-59", "People reached (total)", "Sessions held"],
    ["#org", "#activity+code", "#loc+code", "#status", "#date+start", "#reached+f+adults",
     "#reached+m+adults", "#reached+total", "#output+sessions"],
    ["STACK", "8.1", "UA3208015", "ongoing", "2026-03-04", "14", "9", "23", "6"],
    ["STACK", "7.1", "UA4606025", "completed", "2026-03-11", "30", "12", "42", "3"],
]  # fmt: skip


class CheckFailed(Exception):
    pass


@dataclass
class Stack:
    """The processes of the run, stopped in reverse order however the check ends."""

    workdir: Path
    env: dict[str, str]
    started: float = field(default_factory=time.monotonic)
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def left(self) -> float:
        return BUDGET - (time.monotonic() - self.started)

    def log(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def start(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        out = self.log(name).open("wb")
        process = subprocess.Popen(  # noqa: S603 (our own programs, no shell)
            args,
            env=self.env,
            cwd=self.workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its children
        )
        self.processes.append((name, process))
        return process

    def run(self, name: str, args: list[str], stdin: str | None = None) -> str:
        """Run a command to completion within the time left; its output goes to a log."""
        step_started = time.monotonic()
        try:
            done = subprocess.run(  # noqa: S603 (our own programs, no shell)
                args,
                env=self.env,
                cwd=self.workdir,
                input=stdin,
                capture_output=True,
                text=True,
                timeout=max(self.left(), 1),
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise CheckFailed(f"{name}: still running when the time ran out") from exc
        self.log(name).write_text(done.stdout + done.stderr)
        if done.returncode != 0:
            raise CheckFailed(f"{name} exited {done.returncode}:\n{_tail(done.stderr)}")
        say(f"{name}: {time.monotonic() - step_started:.1f} s")
        return done.stdout

    def stop(self) -> None:
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for name, process in reversed(self.processes):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            say(f"stopped {name} (exit {process.returncode})")

    def check_alive(self) -> None:
        for name, process in self.processes:
            if process.poll() is not None:
                raise CheckFailed(
                    f"{name} stopped (exit {process.returncode}):\n{_tail(self.log(name))}"
                )


def _tail(text: str | Path, lines: int = 25) -> str:
    if isinstance(text, Path):
        text = text.read_text(errors="replace") if text.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def say(message: str) -> None:
    print(f"[stack] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(stack: Stack, what: str, ready: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + min(timeout, stack.left())
    while time.monotonic() < deadline:
        stack.check_alive()
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise CheckFailed(f"timed out waiting for {what}")


def redis_ping(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
        s.sendall(b"PING\r\n")
        return s.recv(16).startswith(b"+PONG")


# --- PostgreSQL ----------------------------------------------------------------------------


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def sql_value(database_url: str, query: str, params: tuple[Any, ...]) -> Any:
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as conn:
        row = conn.execute(query, params).fetchone()  # type: ignore[arg-type]
    return row[0] if row else None


# --- HTTP as a browser behind a TLS-terminating proxy ----------------------------------------


class Browser:
    """http.client with a cookie jar of its own. Every request says it came through HTTPS
    (X-Forwarded-Proto, as the proxy in front of gunicorn does), so the production settings
    apply unchanged: secure cookies, the HTTPS redirect, CSRF origin checks."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": "en",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, data

    def get(self, path: str, **headers: str) -> tuple[int, http.client.HTTPMessage, bytes]:
        return self.request("GET", path, headers=headers)

    def post(
        self, path: str, fields: dict[str, str], file: tuple[str, str, bytes] | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        if file is not None:
            name, filename, content = file
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Origin": self.origin,
            "Referer": self.origin + path,
        }
        return self.request("POST", path, body=body, headers=headers)

    def csrf_form(self, path: str) -> str:
        status, _, body = self.get(path)
        if status != 200:
            raise CheckFailed(f"GET {path} answered {status}")
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if not found:
            raise CheckFailed(f"GET {path}: no CSRF token in the form")
        return found.group(1).decode()


# --- the deploy folder ------------------------------------------------------------------------

SERVICES = {"db", "redis", "migrate", "web", "worker", "scheduler"}


def check_deploy_files(stack: Stack) -> None:
    """deploy/ cannot be built here (no podman or docker): check that its files parse, hold
    the services the README describes, and name only commands and files that exist."""
    import yaml

    deploy = ROOT / "deploy"
    compose = yaml.safe_load((deploy / "compose.yaml").read_text())
    services = compose.get("services", {})
    if set(services) != SERVICES:
        raise CheckFailed(f"compose.yaml services {sorted(services)}, expected {sorted(SERVICES)}")
    for name in SERVICES - {"db", "redis"}:
        service = services[name]
        if service.get("image") != "localhost/carenet:latest" or "build" not in service:
            raise CheckFailed(f"compose.yaml: {name} does not run the CareNet image")
        if service["environment"].get("CARENET_ENV") != "production":
            raise CheckFailed(f"compose.yaml: {name} is not in production mode")
    commands = {
        str(s["command"][1]) for s in services.values() if s.get("command", [""])[0] == "carenet"
    }
    scheduler = (deploy / "scheduler.sh").read_text()
    commands |= set(re.findall(r"^\s*run ([a-z0-9_-]+)", scheduler, flags=re.M))
    known = set(stack.run("commands", [str(BIN / "carenet"), "help", "--commands"]).split())
    missing = sorted(c for c in commands if c.replace("-", "_") not in known)
    if missing:
        raise CheckFailed(f"deploy/ names commands that do not exist: {missing}")
    containerfile = (deploy / "Containerfile").read_text()
    if not re.search(r"^FROM \S*python:3\.11-slim", containerfile, flags=re.M):
        raise CheckFailed("Containerfile: not based on python:3.11-slim")
    if not re.search(r"^USER (?!root)\S+", containerfile, flags=re.M):
        raise CheckFailed("Containerfile: runs as root")
    for source in re.findall(r"^COPY (.+) \S+$", containerfile, flags=re.M):
        for path in source.split():
            if not (ROOT / path).exists():
                raise CheckFailed(f"Containerfile copies {path}, which does not exist")
    say(f"deploy/: compose services, Containerfile, commands {sorted(commands)} exist")


# --- the check --------------------------------------------------------------------------------


def prepare(stack: Stack, setup: str) -> None:
    carenet = str(BIN / "carenet")
    stack.run("migrate", [carenet, "migrate", "--no-input", "-v", "0"])
    stack.run("collectstatic", [carenet, "collectstatic", "--no-input", "-v", "0"])
    stack.run("load-areas", [carenet, "load-areas", "ukraine"])
    stack.run("load-taxonomies", [carenet, "load-taxonomies"])
    stack.run("people", [carenet, "shell", "--no-imports"], stdin=setup)


PEOPLE = """
from carenet.accounts import services
from carenet.accounts.models import Role, User
org = services.organisation_create(
    actor=None, name="Stack Check Support", acronym="STACK", kind="nngo", country="UA"
)
user = User.objects.create_user({email!r}, {password!r})
services.membership_set(actor=None, user=user, organisation=org, role=Role.FOCAL_POINT)
print("ORG", org.uuid)
"""


def _control_socket(stack: Stack) -> list[str]:
    """gunicorn 27 opens a control socket in the home directory by default: keep this run's
    apart from any other gunicorn on the machine."""
    from importlib.metadata import version

    major = int(version("gunicorn").split(".")[0])
    return [f"--control-socket={stack.workdir / 'gunicorn.ctl'}"] if major >= 27 else []


def serve(stack: Stack, port: int) -> None:
    stack.start(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "carenet.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--timeout=60",
            "--access-logfile=-",
            *_control_socket(stack),
        ],
    )
    stack.start("rqworker", [str(BIN / "carenet"), "rqworker", "default"])
    browser = Browser(port)
    wait_for(stack, "gunicorn", lambda: browser.get("/healthz")[0] == 200, 60)


def check_pages(browser: Browser) -> None:
    status, headers, body = browser.get("/")
    if status != 200 or "Content-Security-Policy" not in headers:
        raise CheckFailed(f"home page: {status}")
    if "max-age" not in headers.get("Strict-Transport-Security", ""):
        raise CheckFailed("home page: no HSTS header in production")
    static = re.search(rb'href="(/static/[^"]+\.css)"', body)
    if not static or not re.search(rb"\.[0-9a-f]{12}\.css$", static.group(1)):
        raise CheckFailed("home page: no hashed (collected) stylesheet")
    if browser.get(static.group(1).decode())[0] != 200:
        raise CheckFailed(f"{static.group(1)!r} is not served")
    plain = http.client.HTTPConnection("127.0.0.1", browser.port, timeout=10)
    plain.request("GET", "/", headers={"Host": f"127.0.0.1:{browser.port}"})
    if plain.getresponse().status != 301:
        raise CheckFailed("plain HTTP is not redirected to HTTPS")
    plain.close()
    say("pages: home, hashed static file, HSTS, HTTPS redirect")


def sign_in(browser: Browser) -> None:
    token = browser.csrf_form("/accounts/sign-in/")
    status, _headers, _ = browser.post(
        "/accounts/sign-in/",
        {"csrfmiddlewaretoken": token, "username": EMAIL, "password": PASSWORD},
    )
    if status != 302 or "sessionid" not in browser.cookies:
        raise CheckFailed(f"sign-in answered {status}")
    say("signed in as the focal point")


def import_through_queue(stack: Stack, browser: Browser, org: str, database_url: str) -> None:
    path = f"/4w/{org}/{MONTH}/upload/"
    token = browser.csrf_form(path)
    content = io.StringIO()
    csv.writer(content).writerows(FOURW)
    status, headers, body = browser.post(
        path,
        {"csrfmiddlewaretoken": token},
        file=("file", "stack-4w.csv", content.getvalue().encode()),
    )
    preview = urlsplit(headers.get("Location", "")).path
    if status != 302 or not preview.startswith(path):
        raise CheckFailed(f"upload answered {status}: {_tail(body.decode(errors='replace'))}")
    say("uploaded; the preview shows how the file is read")
    status, headers, body = browser.post(
        preview, {"csrfmiddlewaretoken": browser.csrf_form(preview)}
    )
    location = headers.get("Location", "")
    if status != 302 or "/4w/imports/" not in location:
        raise CheckFailed(f"import answered {status}: {_tail(body.decode(errors='replace'))}")
    job_path = urlsplit(location).path
    job_uuid = job_path.rstrip("/").rsplit("/", 1)[-1]
    say(f"confirmed; job {job_uuid} queued")

    def finished() -> bool:  # what the page's progress bar asks (htmx)
        status, headers, _ = browser.get(job_path, **{"HX-Request": "true"})
        if status != 200:
            raise CheckFailed(f"job page answered {status}")
        return headers.get("HX-Refresh") == "true"

    started = time.monotonic()
    wait_for(stack, "the import job", finished, 60)
    state = sql_value(
        database_url,
        "SELECT status FROM reporting_importjob WHERE uuid = %s",
        (job_uuid,),
    )
    rows = sql_value(
        database_url,
        "SELECT count(*) FROM reporting_activityreport r JOIN accounts_organisation o "
        "ON o.id = r.organisation_id WHERE o.acronym = 'STACK'",
        (),
    )
    if state != "done" or rows != 2:
        errors = sql_value(
            database_url, "SELECT errors FROM reporting_importjob WHERE uuid = %s", (job_uuid,)
        )
        raise CheckFailed(
            f"import job ended {state!r} with {rows} rows (expected done, 2): {errors}"
        )
    say(f"import job done by the worker in {time.monotonic() - started:.1f} s: {rows} rows")


def export_month(browser: Browser) -> None:
    query = urlencode({"month": MONTH, "format": "xlsx"})
    status, headers, body = browser.get(f"/4w/export/?{query}")
    if status != 200 or not zipfile.is_zipfile(io.BytesIO(body)):
        raise CheckFailed(f"XLSX export answered {status} ({headers.get('Content-Type')})")
    query = urlencode({"month": MONTH, "format": "hxl"})
    status, _, body = browser.get(f"/4w/export/?{query}")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    tagged = [i for i, row in enumerate(rows) if "#reached+total" in row]
    if status != 200 or not tagged:
        raise CheckFailed(f"HXL export answered {status} without the #reached+total tag")
    column = rows[tagged[0]].index("#reached+total")
    data = [row for row in rows[tagged[0] + 1 :] if row]
    total = sum(int(row[column]) for row in data)
    if total != 23 + 42:
        raise CheckFailed(f"HXL export: people reached add up to {total}, not 65")
    say(f"exported {MONTH} as XLSX and as HXL CSV ({len(data)} rows, {total} reached)")


def main() -> int:
    for program in ("redis-server", "pg_dump"):
        if shutil.which(program) is None:
            print(f"[stack] {program} is missing (Debian: redis-server, postgresql-client)")
            return 1
    workdir = Path(tempfile.mkdtemp(prefix="carenet-stack-"))
    database = f"carenet_stack_{os.getpid()}"
    database_url = f"{POSTGRES}/{database}"
    redis_port, web_port = free_port(), free_port()
    from cryptography.fernet import Fernet

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CARENET_", "DJANGO_"))},
        "CARENET_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CARENET_FIELD_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CARENET_DATA_DIR": str(workdir / "data"),
        "CARENET_IMPORT_BACKGROUND_BYTES": "0",  # every upload goes through the queue
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }
    stack = Stack(workdir, env)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    created = False
    try:
        stack.start(
            "redis",
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
        )  # fmt: skip
        check_deploy_files(stack)
        wait_for(stack, "redis", lambda: redis_ping(redis_port), 15)
        admin_sql(f'CREATE DATABASE "{database}"')
        created = True
        say(f"redis on port {redis_port}, database {database}")
        prepare(stack, PEOPLE.format(email=EMAIL, password=PASSWORD))
        org = re.search(r"ORG (\S+)", stack.log("people").read_text())
        if org is None:
            raise CheckFailed("could not create the organisation")
        serve(stack, web_port)
        browser = Browser(web_port)
        check_pages(browser)
        sign_in(browser)
        import_through_queue(stack, browser, org.group(1), database_url)
        export_month(browser)
        stack.run("backup", [str(BIN / "carenet"), "backup", str(workdir / "stack.backup")])
        stack.check_alive()
    except CheckFailed as exc:
        say(f"FAILED: {exc}")
        for name in ("gunicorn", "rqworker"):
            if stack.log(name).exists():
                say(f"--- last lines of {name}:\n{_tail(stack.log(name))}")
        return 1
    finally:
        stack.stop()
        if created:
            admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)
    say(f"passed in {time.monotonic() - stack.started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
