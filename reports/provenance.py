"""Where a value came from: a raw file of the run and a JSON Pointer inside its response. Pure.

Every verdict and per-repository / per-image figure names its evidence as two parallel lists:

* `evidence_file`: raw files of the run directory, relative to `raw/`
  (`<account>/<region>/<service>.<Operation>.<n>.json.gz`, `RawCall.relative_path`);
* `evidence_pointer`: one JSON Pointer (RFC 6901) per file, evaluated against the stored call's
  `response` member (what AWS answered: `jq .response` on the gunzipped file). `""` is the
  whole response; `/Error/Code` is the error code of a failed call, which is the evidence when
  a verdict rests on the *absence* of something (no lifecycle policy).

Several references are joined with `SEPARATOR` (";"), the k-th pointer belonging to the k-th
file; a file repeats when several values in it decided the verdict. Neither a raw path nor a
pointer to an AWS response member contains ";" (raw paths are account ids, Region names and
API names; pointer tokens are member names and array indices), so the split is unambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

SEPARATOR = ";"

Ref = tuple[str, str]
"""(raw file relative to raw/, JSON Pointer into its response)."""


def escape(token: object) -> str:
    """One reference token, escaped as RFC 6901 §3 says: `~` -> `~0`, then `/` -> `~1`."""
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer(*tokens: object) -> str:
    """The JSON Pointer of `tokens` (member names or array indices)."""
    return "".join("/" + escape(t) for t in tokens)


def resolve(document: Any, ptr: str) -> Any:
    """The value `ptr` points at in `document` (RFC 6901 §4); LookupError when it names nothing."""
    if ptr == "":
        return document
    if not ptr.startswith("/"):
        raise LookupError(f"not a JSON Pointer: {ptr!r}")
    value = document
    for raw in ptr[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict):
            if token not in value:
                raise LookupError(f"{ptr}: no member {token!r}")
            value = value[token]
        elif isinstance(value, list):
            if not token.isdigit() or (token != "0" and token.startswith("0")) or int(token) >= len(value):
                raise LookupError(f"{ptr}: no array element {token!r}")
            value = value[int(token)]
        else:
            raise LookupError(f"{ptr}: {token!r} inside a scalar")
    return value


def join_refs(refs: Iterable[Ref | None]) -> tuple[str | None, str | None]:
    """(evidence_file, evidence_pointer) for references (None entries are skipped); (None,
    None) when there is none."""
    kept = [r for r in refs if r is not None and r[0]]
    if not kept:
        return None, None
    return SEPARATOR.join(f for f, _ in kept), SEPARATOR.join(p for _, p in kept)


def split_refs(files: object, pointers: object) -> list[Ref]:
    """The references of one row's (evidence_file, evidence_pointer); [] when it has none."""
    if not isinstance(files, str) or not files:
        return []
    file_list = files.split(SEPARATOR)
    pointer_list = pointers.split(SEPARATOR) if isinstance(pointers, str) else [""]
    if len(pointer_list) != len(file_list):
        raise ValueError(f"{len(file_list)} evidence files but {len(pointer_list)} pointers")
    return list(zip(file_list, pointer_list))


def refs_column(rows: Sequence[Sequence[Ref | None]]) -> tuple[list[str | None], list[str | None]]:
    """`join_refs` over many rows: the two columns."""
    files, pointers = [], []
    for refs in rows:
        f, p = join_refs(refs)
        files.append(f)
        pointers.append(p)
    return files, pointers
