"""Report size and render time against fleet size: what grows when the demo fleet grows.

Runs the whole demo (`ecr-report run --demo`, PDF included) once per scale into a temporary
directory and prints, per scale: images, PDF pages, the time to collect and analyse, to render
the HTML, to render the PDF, and the PDF's size; then how each figure grew between consecutive
scales (ratios). It prints, it does not assert: the page cap is tested in
tests/render/test_print_quality.py.

The stage times come from wrapping the functions `jobs.run` and `jobs.publish` call
(`publish`, `render_html`, `render_pdf`) for the duration of the run, so the run is the real one.
"Collect + analyse" is from the start of the run to the start of publish; writing data/ (CSV
and Parquet) is reported on its own line as the rest of publish.

    .venv/bin/python benchmarks/render.py [--scales 1 10 [40]] [--language ja] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pypdf import PdfReader

from ecr_report.jobs import publish as publish_module
from ecr_report.jobs import run as run_module
from ecr_report.jobs.config import Config, ReportConfig

AS_OF = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)


@dataclass
class Figures:
    scale: float
    images: int = 0
    repositories: int = 0
    pages: int = 0
    pdf_bytes: int = 0
    html_bytes: int = 0
    total_s: float = 0.0
    collect_analyse_s: float = 0.0
    data_files_s: float = 0.0
    html_s: float = 0.0
    pdf_s: float = 0.0


@contextlib.contextmanager
def _timed(figures: Figures, started: float) -> Iterator[None]:
    """Wrap publish / render_html / render_pdf where jobs.run and jobs.publish look them up."""
    original_publish = run_module.publish
    original_html = publish_module.render_html
    original_pdf = publish_module.render_pdf

    def publish(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        t0 = time.perf_counter()
        figures.collect_analyse_s = t0 - started
        result = original_publish(*args, **kwargs)
        figures.data_files_s = time.perf_counter() - t0 - figures.html_s - figures.pdf_s
        return result

    def render_html(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        t0 = time.perf_counter()
        html = original_html(*args, **kwargs)
        figures.html_s += time.perf_counter() - t0
        figures.html_bytes = len(html.encode("utf-8"))
        return html

    def render_pdf(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        t0 = time.perf_counter()
        pdf = original_pdf(*args, **kwargs)
        figures.pdf_s += time.perf_counter() - t0
        return pdf

    run_module.publish, publish_module.render_html, publish_module.render_pdf = (
        publish, render_html, render_pdf)
    try:
        yield
    finally:
        run_module.publish = original_publish
        publish_module.render_html = original_html
        publish_module.render_pdf = original_pdf


def measure(scale: float, root: Path, language: str = "en") -> Figures:
    figures = Figures(scale)
    started = time.perf_counter()
    config = Config(report=ReportConfig(language=language))
    with _timed(figures, started):
        outcome = run_module.run(config, output=root / f"scale-{scale:g}-{language}", demo=True,
                                 demo_scale=scale, now=AS_OF)
    figures.total_s = time.perf_counter() - started
    pdf = (outcome.run_dir / "report.pdf").read_bytes()
    figures.pdf_bytes = len(pdf)
    figures.pages = len(PdfReader(io.BytesIO(pdf)).pages)
    coverage = json.loads((outcome.run_dir / "summary.json").read_text())["coverage"]
    figures.images = int(coverage["images_total"])
    figures.repositories = int(coverage["repositories_total"])
    return figures


ROWS = (  # (label, attribute, format)
    ("repositories", "repositories", "{:,.0f}"),
    ("images", "images", "{:,.0f}"),
    ("PDF pages", "pages", "{:,.0f}"),
    ("collect + analyse (s)", "collect_analyse_s", "{:,.1f}"),
    ("write data/ files (s)", "data_files_s", "{:,.1f}"),
    ("render HTML (s)", "html_s", "{:,.2f}"),
    ("render PDF (s)", "pdf_s", "{:,.1f}"),
    ("whole run (s)", "total_s", "{:,.1f}"),
    ("HTML bytes", "html_bytes", "{:,.0f}"),
    ("PDF bytes", "pdf_bytes", "{:,.0f}"),
)


def report(results: list[Figures]) -> str:
    head = f"{'':24}" + "".join(f"{'scale ' + format(r.scale, 'g'):>14}" for r in results)
    pairs = list(zip(results, results[1:]))
    head += "".join(f"{'x' + format(b.scale / a.scale, 'g') + ' fleet':>16}" for a, b in pairs)
    lines = [head, "-" * len(head)]
    for label, attr, fmt in ROWS:
        line = f"{label:24}" + "".join(f"{fmt.format(getattr(r, attr)):>14}" for r in results)
        for a, b in pairs:
            before, after = getattr(a, attr), getattr(b, attr)
            line += f"{(f'x{after / before:,.2f}' if before else 'n/a'):>16}"
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0],
                        help="demo scales to run, in order (default: 1 10; 40 takes minutes)")
    parser.add_argument("--language", choices=("en", "ja"), default="en",
                        help="report language (ja needs a Japanese font; see README)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the runs here instead of a temporary directory")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="ecr-report-bench-") as tmp:
        root = args.keep or Path(tmp)
        for scale in args.scales:
            figures = measure(scale, root, args.language)
            print(f"scale {scale:g}: {figures.images:,} images, {figures.pages} pages, "
                  f"{figures.total_s:.1f} s", flush=True)
            results.append(figures)
    print()
    print(report(results))
    print("\nRatios compare each scale with the one before it. Render times are single runs "
          "on this machine, not averages.")


if __name__ == "__main__":
    main()
