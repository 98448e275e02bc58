"""Size and shape of the code: modules over 400 lines, functions over 50 lines, import cycles.

    python tools/code_metrics.py [--root DIR] [--list]

Counts `reports/` and `jobs/` (the product; tests and benchmarks are not counted). An import
cycle is a strongly connected group of two or more modules in the graph of every import statement
(at module level or inside a function: a function-level import still ties the modules together).
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

PACKAGES = {"reports": "ecr_report.reports", "jobs": "ecr_report.jobs"}
MODULE_LINES, FUNCTION_LINES = 400, 50


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for folder, package in PACKAGES.items():
        for path in sorted((root / folder).rglob("*.py")):
            parts = list(path.relative_to(root / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join([package, *parts])] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The product modules `name` imports (a `from pkg import mod` counts as importing `pkg.mod`)."""
    is_package = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, is_package, node.level, node.module)
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                out.add(candidate if candidate in known else base)
    return {m for m in out if m in known and m != name}


def _resolve(name: str, is_package: bool, level: int, module: str | None) -> str:
    if level == 0:
        return module or ""
    parts = name.split(".")
    parts = parts if is_package else parts[:-1]
    parts = parts[: len(parts) - (level - 1)]
    return ".".join(parts + ([module] if module else []))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of two or more modules (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return sorted(found)


def long_functions(path: Path) -> list[tuple[str, int]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > FUNCTION_LINES:
                out.append((node.name, length))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--list", action="store_true", help="name each long module, function and cycle")
    args = parser.parse_args(argv)
    found = modules(args.root)
    rel = {name: path.relative_to(args.root) for name, path in found.items()}
    big = sorted((len(p.read_text(encoding="utf-8").splitlines()), rel[n]) for n, p in found.items())
    big = [(n, p) for n, p in big if n > MODULE_LINES]
    functions = [(rel[n], f, length) for n, p in found.items() for f, length in long_functions(p)]
    graph = {name: imports(name, path, set(found)) for name, path in found.items()}
    knots = cycles(graph)
    print(f"modules: {len(found)}; over {MODULE_LINES} lines: {len(big)}; functions over "
          f"{FUNCTION_LINES} lines: {len(functions)}; import cycles: {len(knots)} "
          f"({sum(len(k) for k in knots)} modules in them)")
    if args.list:
        for lines, path in big:
            print(f"  module   {path}: {lines} lines")
        for path, name, length in sorted(functions, key=lambda f: -f[2]):
            print(f"  function {path}: {name} {length} lines")
        for knot in knots:
            print(f"  cycle    {' <-> '.join(m.removeprefix('ecr_report.') for m in knot)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
