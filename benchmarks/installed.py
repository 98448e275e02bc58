"""Measure the program as it is installed: with its modules' bytecode compiled.

A wheel install (the Docker image, `pip install ecr-report`) compiles every module; this
checkout is an editable install, and with PYTHONDONTWRITEBYTECODE=1 (set on these machines, and
in the image for what it runs) each process would compile the project's ~180 modules from
source again, ~0.3 s of CPU per process that a deployment never pays. The benchmarks compile
them once, into `__pycache__/` as usual, before they measure."""

from __future__ import annotations

import compileall
from pathlib import Path


def compile_tree(tree: Path) -> None:
    """Write the bytecode of `tree`'s package folders (quietly; a no-op when it is current)."""
    for folder in ("jobs", "reports", "templates"):
        if (tree / folder).is_dir():
            compileall.compile_dir(tree / folder, quiet=1)
