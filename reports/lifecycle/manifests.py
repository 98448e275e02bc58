"""Manifest facts the evaluator and the byte accounting need, as two frames.

``blobs``: one row per (image, blob) with the blob's compressed size (layers and config);
``children``: one row per (manifest list, child image). ``known`` lists every image whose
manifest was read, so an image with no blobs (a manifest list) is told apart from one whose
manifest is missing. All three carry the repository key columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .frame import KEY_COLUMNS

BLOB_COLUMNS = (*KEY_COLUMNS, "image_digest", "blob_digest", "blob_size")
CHILD_COLUMNS = (*KEY_COLUMNS, "parent_digest", "child_digest")
KNOWN_COLUMNS = (*KEY_COLUMNS, "image_digest")


def _empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "blob_size" else object) for c in columns})


@dataclass(frozen=True)
class Manifests:
    """Layer and manifest-list facts for some images (see module docstring)."""

    blobs: pd.DataFrame = field(default_factory=lambda: _empty(BLOB_COLUMNS))
    children: pd.DataFrame = field(default_factory=lambda: _empty(CHILD_COLUMNS))
    known: pd.DataFrame = field(default_factory=lambda: _empty(KNOWN_COLUMNS))

    @classmethod
    def from_records(cls, blobs=(), children=(), known=()) -> "Manifests":
        """Build from dict records; missing key columns default to ""."""

        def frame(rows, columns):
            df = pd.DataFrame(list(rows), columns=None) if rows else _empty(columns)
            for col in columns:
                if col not in df.columns:
                    df[col] = ""
            return df[list(columns)]

        return cls(frame(blobs, BLOB_COLUMNS), frame(children, CHILD_COLUMNS), frame(known, KNOWN_COLUMNS))
