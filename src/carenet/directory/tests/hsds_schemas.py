"""Validating against the official HSDS 3.0 JSON Schemas, offline.

Each shipped schema file is registered under its canonical URL
(https://raw.githubusercontent.com/openreferral/specification/3.0/schema/...), so the
relative `$ref`s between them and the OpenAPI's absolute ones resolve without a network.
Draft 2020-12 with a format checker (uuid, email, uri, date-time).
"""

from __future__ import annotations

import copy
import datetime
import json
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from carenet.directory.hsds.api import HSDS_DIR, _openapi

BASE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
OPENAPI = BASE + "openapi.json"

format_checker = FormatChecker()
format_checker.checkers.update(Draft202012Validator.FORMAT_CHECKER.checkers)


@format_checker.checks("uri", raises=ValueError)
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.scheme in ("urn", "mailto")))


@format_checker.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return datetime.datetime.fromisoformat(value).tzinfo is not None


def _strict(schema: Any) -> Any:
    """additionalProperties: false wherever properties are listed (as upstream's checks do)."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if "properties" in out and "additionalProperties" not in out and "allOf" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


@cache
def registry(strict: bool = False) -> Registry:
    resources = []
    for path in sorted((HSDS_DIR / "schema").rglob("*.json")):
        rel = path.relative_to(HSDS_DIR / "schema").as_posix()
        contents = _openapi() if rel == "openapi.json" else json.loads(path.read_text())
        if strict and rel != "openapi.json":
            contents = _strict(copy.deepcopy(contents))
        resources.append(
            (BASE + rel, Resource.from_contents(contents, default_specification=DRAFT202012))
        )
    return Registry().with_resources(resources)


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def response_validator(path: str, *, strict: bool = False) -> Draft202012Validator:
    """The validator of the 200 response of `GET path` in the (corrected) HSDS OpenAPI."""
    ref = (
        OPENAPI
        + "#/"
        + _pointer(
            "paths", path, "get", "responses", "200", "content", "application/json", "schema"
        )
    )
    return Draft202012Validator(
        {"$ref": ref}, registry=registry(strict), format_checker=format_checker
    )


def schema_validator(name: str, *, strict: bool = False) -> Draft202012Validator:
    """The validator of one schema file, e.g. "compiled/service_list.json"."""
    return Draft202012Validator(
        {"$ref": BASE + name}, registry=registry(strict), format_checker=format_checker
    )


def errors(validator: Draft202012Validator, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(instance)
    ][:20]
