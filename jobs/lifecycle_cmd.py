"""`ecr-report lifecycle preview|lint`: the offline lifecycle commands (CLI edge: files, clock).

Reads the policy, `describe-images` and `batch-get-image` JSON files, calls the pure evaluator in
`ecr_report.reports.lifecycle`, and maps every bad input to a one-line reason on stderr and exit
code 2 (design.md), with nothing on stdout. Only here may "now" come from the wall clock.
"""

from __future__ import annotations

import argparse
import codecs
import io
import json
import os
import sys
from datetime import datetime, timezone
from typing import Any

import orjson

from ecr_report.reports.jsonbytes import has_float_written_differently, orjson_if_alike

from .gcpause import cycle_collector_paused

EXIT_OK, EXIT_BAD_INPUT = 0, 2


class _BadInput(Exception):
    """A one-line reason the input cannot be used."""


def add_lifecycle_parser(subparsers: Any) -> None:
    """Add ``lifecycle`` with ``preview`` and ``lint`` to an argparse subparsers object."""
    parser = subparsers.add_parser("lifecycle", help="offline lifecycle policy preview and lint")
    sub = parser.add_subparsers(dest="lifecycle_command", metavar="{preview,lint}", required=True)
    p = sub.add_parser("preview", help="what a policy would expire or archive now (GetLifecyclePolicyPreview-shaped JSON)")
    p.add_argument("--policy", required=True, metavar="FILE", help="lifecycle policy JSON")
    p.add_argument("--images", required=True, metavar="FILE", help="aws ecr describe-images --output json")
    p.add_argument("--manifests", metavar="FILE", help="aws ecr batch-get-image output, for manifest lists and exact bytes")
    p.add_argument("--as-of", metavar="TIME", help="evaluation time, ISO 8601 or epoch seconds (default: now, UTC)")
    p.set_defaults(func=run_preview)
    lint_parser = sub.add_parser("lint", help="validation errors (exit 2) and warnings (exit 0)")
    lint_parser.add_argument("--policy", required=True, metavar="FILE", help="lifecycle policy JSON")
    lint_parser.add_argument("--images", metavar="FILE", help="aws ecr describe-images --output json, for today's checks")
    lint_parser.add_argument("--manifests", metavar="FILE", help="aws ecr batch-get-image output")
    lint_parser.add_argument("--as-of", metavar="TIME", help="evaluation time, ISO 8601 or epoch seconds (default: now, UTC)")
    lint_parser.add_argument("--no-pull-time-exclusions", action="store_true", help="the registry has no pull-time update exclusion registered")
    lint_parser.set_defaults(func=run_lint)


def _read(path: str, what: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise _BadInput(_unreadable(path, what, exc)) from None


def _unreadable(path: str, what: str, exc: Exception) -> str:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
    return f"{what} {path}: cannot read: {reason}"


def _json(path: str, what: str) -> Any:
    """The JSON document in the file. orjson reads the file's bytes (decoding 100 MB to a str
    first cost a tenth of a second); what it refuses goes to `_json_text`, which reads the file
    as text and lets json decide and word the error, as before."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise _BadInput(_unreadable(path, what, exc)) from None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return _json_text(data, path, what)


def _json_text(data: bytes, path: str, what: str) -> Any:
    """json.loads of the file's text, decoded as `open(path, encoding="utf-8")` decodes it
    (universal newlines): the same objects, or the same one-line reason, as reading it so."""
    try:
        text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8").read()
    except UnicodeDecodeError as exc:
        raise _BadInput(_unreadable(path, what, exc)) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _BadInput(f"{what} {path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    try:  # only here: orjson refuses lone surrogates, json reads them, and nothing can write them
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise _BadInput(f"{what} {path}: a string holds a lone UTF-16 surrogate (an escape such as "
                        "\\ud800 without its pair), which no AWS value can") from None
    return doc


def _dumps(doc: Any) -> str:
    """`json.dumps(doc, indent=2)`, byte for byte (see `_encode`)."""
    data = _encode(doc)
    return data if isinstance(data, str) else data.decode("ascii")


def _encode(doc: Any, *, float_free: bool = False, newline: bool = False) -> str | bytes:
    """`json.dumps(doc, indent=2)` (and a newline if asked): as orjson's ASCII bytes when they
    are the same bytes (reports/jsonbytes.py: with an indent, json encodes in pure Python, 15 s
    for a 166k-image preview), else json's text. `float_free`: the caller guarantees `doc` holds
    no float, so it is not walked for one (0.2 s of a 166k-image preview)."""
    # orjson appends the newline itself: no copy of 60 MB to add one byte
    option = orjson.OPT_INDENT_2 | (orjson.OPT_APPEND_NEWLINE if newline else 0)
    data = None if not float_free and has_float_written_differently(doc) else orjson_if_alike(doc, option)
    return data if data is not None else json.dumps(doc, indent=2) + ("\n" if newline else "")


def _print_json(doc: Any, *, float_free: bool = False) -> None:
    """Write `json.dumps(doc, indent=2)` and a newline to stdout (`float_free`: see `_encode`).
    ASCII bytes go straight to stdout's byte stream when the text layer would pass them
    unchanged: decoding 60 MB to a str and encoding it back cost 0.4 s. Either way one write
    call, as before (a reader that stops early, `| head`, ends the command the same way)."""
    data = _encode(doc, float_free=float_free, newline=True)
    raw = _byte_stream(sys.stdout) if isinstance(data, bytes) else None
    if raw is None:
        sys.stdout.write(data if isinstance(data, str) else data.decode("ascii"))
    else:
        sys.stdout.flush()  # anything already written as text goes first
        raw.write(data)


def _byte_stream(stream: Any) -> Any:
    """The byte stream under `stream` if ASCII text written to `stream` reaches it unchanged,
    else None: the interpreter's own stdout on POSIX (which translates no newlines; one made
    elsewhere might) in UTF-8 or ASCII."""
    if stream is None or stream is not sys.__stdout__ or os.linesep != "\n" or not hasattr(stream, "buffer"):
        return None
    try:
        encoding = codecs.lookup(stream.encoding).name
    except (LookupError, TypeError):
        return None
    return stream.buffer if encoding in ("utf-8", "ascii") else None


def _as_of(value: str | None):
    if value is None:
        return datetime.now(timezone.utc)  # the CLI edge is the one place the clock is read
    try:
        number = float(value)
    except ValueError:
        number = None
    from ecr_report.reports.lifecycle import AwsJsonError, parse_timestamp  # see _run_preview

    try:
        return parse_timestamp(number if number is not None else value, "--as-of")
    except AwsJsonError as exc:
        raise _BadInput(str(exc)) from None


def _inputs(args: argparse.Namespace):
    from ecr_report.reports.lifecycle import images_from_describe, manifests_from_batch_get, parse_policy

    policy = parse_policy(_read(args.policy, "policy"))
    images = images_from_describe(_json(args.images, "images")) if args.images else None
    manifests = manifests_from_batch_get(_json(args.manifests, "manifests")) if getattr(args, "manifests", None) else None
    return policy, images, manifests, _as_of(args.as_of)


def _fail(message: str) -> int:
    print(f"ecr-report lifecycle: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def run_preview(args: argparse.Namespace) -> int:
    """Print the preview JSON; exit 2 with one line on stderr for bad input."""
    with cycle_collector_paused():  # jobs/gcpause.py: a quarter of a 200k-image preview
        return _run_preview(args)


def _run_preview(args: argparse.Namespace) -> int:
    # The evaluator (pandas, pyarrow) is imported here, when a lifecycle command runs: not when
    # any command's parser is built (jobs/cli.py `build_parser` adds this command's).
    from ecr_report.reports.lifecycle import AwsJsonError, ImageInputError, PolicyValidationError, preview

    try:
        policy, images, manifests, as_of = _inputs(args)
        out = preview(policy, images, as_of, manifests)
    except PolicyValidationError as exc:
        return _fail(f"policy {args.policy}: {exc}")
    except (_BadInput, AwsJsonError, ImageInputError) as exc:
        return _fail(str(exc))
    _print_json(out, float_free=True)  # preview() writes every number as an int (preview.py)
    return EXIT_OK


def run_lint(args: argparse.Namespace) -> int:
    """Print validation errors (stderr, exit 2) or warnings (stdout, exit 0), one per line."""
    with cycle_collector_paused():  # jobs/gcpause.py: a quarter of a 200k-image preview
        return _run_lint(args)


def _run_lint(args: argparse.Namespace) -> int:
    # the evaluator: see _run_preview
    from ecr_report.reports.lifecycle import AwsJsonError, ImageInputError, PolicyValidationError, lint

    try:
        policy, images, manifests, as_of = _inputs(args)
        warnings = lint(
            policy,
            images,
            as_of,
            children=manifests.children if manifests is not None else None,
            pull_time_update_exclusions=() if args.no_pull_time_exclusions else None,
        )
    except PolicyValidationError as exc:
        for issue in exc.issues:
            print(f"error: {issue}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (_BadInput, AwsJsonError, ImageInputError) as exc:
        return _fail(str(exc))
    for warning in warnings:
        print(warning)
    return EXIT_OK
