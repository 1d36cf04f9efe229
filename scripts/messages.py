"""Extract and compile CareNet's translations (English, Ukrainian, Polish).

    python scripts/messages.py extract   # needs GNU gettext (make messages installs it)
    python scripts/messages.py compile   # pure Python (Babel)
    python scripts/messages.py extract directory   # one app only ("root": shared templates)

Each app keeps its catalogue in `src/carenet/<app>/locale/`; the shared templates, settings
and forms outside the apps use `src/carenet/locale/`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "src" / "carenet"
LANGS = ["uk", "pl"]


def app_dirs(only: str | None = None) -> list[Path]:
    dirs = sorted(p.parent for p in ROOT.glob("*/apps.py"))
    return [d for d in dirs if d.name == only] if only else dirs


def extract(only: str | None = None) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "carenet.settings",
        "CARENET_DATA_DIR": str(ROOT.parent.parent / "var"),
        "PYTHONPATH": str(ROOT.parent),
    }
    django_admin = [
        sys.executable,
        "-m",
        "django",
        "makemessages",
        "--no-obsolete",
        "--no-location",
        *(f"-l{lang}" for lang in LANGS),
    ]
    ignores = [f"--ignore={d.name}/*" for d in app_dirs()] + ["--ignore=conftest.py"]
    targets = [ROOT] if only == "root" else (app_dirs(only) if only else [*app_dirs(), ROOT])
    for directory in targets:
        (directory / "locale").mkdir(exist_ok=True)
        args = django_admin + (ignores if directory == ROOT else ["--ignore=tests/*"])
        subprocess.run(args, cwd=directory, env=env, check=True)


def compile_all(only: str | None = None) -> None:
    pattern = "locale/*/LC_MESSAGES/django.po"
    if only == "root":
        paths = sorted(ROOT.glob(pattern))
    else:
        paths = sorted((ROOT / only if only else ROOT).glob(f"**/{pattern}"))
    for po_path in paths:
        with po_path.open("rb") as f:
            catalog = read_po(f)
        with po_path.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        print(f"compiled {po_path.relative_to(ROOT)}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "compile"
    app = sys.argv[2] if len(sys.argv) > 2 else None  # one app only, e.g. "directory"
    {"extract": extract, "compile": compile_all}[command](app)
