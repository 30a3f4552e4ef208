"""results.json: assembled from the checks, validated against the shipped schema, written atomically."""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match

SCHEMA_ID = "auditcli.results/v1"


@cache
def schema() -> dict[str, Any]:
    return json.loads(resources.files("auditcli.stores").joinpath("schema", "results.schema.json").read_text("utf-8"))


def validate(results: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError if `results` breaks the contract (docs/SPEC.md §5)."""
    jsonschema.Draft202012Validator(schema()).validate(results)


@cache
def _finding_validator() -> jsonschema.Draft202012Validator:
    defs = schema()["$defs"]
    return jsonschema.Draft202012Validator({"$ref": "#/$defs/finding", "$defs": defs})


def finding_problem(finding: dict[str, Any]) -> str | None:
    """What makes one finding break the results contract (docs/SPEC.md §5), or None: checked as each
    check emits it, so one bad finding is dropped and named instead of failing the whole results file."""
    error = best_match(_finding_validator().iter_errors(finding))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(finding)"
    return f"{where}: {error.message}"[:300]


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_current_umask()


def atomic_write(path: Path, data: str | bytes | Iterable[str], encoding: str = "utf-8") -> Path:
    """Write beside the target and rename, so readers never see half a file (mode as a plain open() would give).
    `data` may be pieces of text (`json_pieces`), written as they come: a fleet's results are never held
    as one string beside the objects they are made from."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, str):
                data = data.encode(encoding)
            if isinstance(data, bytes):
                handle.write(data)
            else:
                text = io.TextIOWrapper(handle, encoding=encoding, newline="")
                text.writelines(data)
                text.flush()
                text.detach()
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def json_pieces(value: Any, indent: int = 2) -> Iterator[str]:
    """`value` as JSON text, piece by piece (what `json.dumps` joins into one string)."""
    return json.JSONEncoder(ensure_ascii=False, indent=indent).iterencode(value)


def write_results(results: dict[str, Any], path: Path) -> Path:
    validate(results)
    atomic_write(path, json_pieces(results))
    return path


class ResultsError(Exception):
    """A results file that cannot be read or does not follow the schema (exit code 2)."""


def load_results(path: Path) -> dict[str, Any]:
    try:
        results = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{path}: not a JSON file ({exc})") from None
    try:
        validate(results)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise ResultsError(f"{path}: {where}: {exc.message}") from None
    return results
