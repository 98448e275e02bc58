"""What a collecting process imports (issue 13: a shard's start-up time).

Building the command line's parser (every command, `--help` included) imports no data-frame,
template, PDF or workbook library; `ecr-report collect` imports none of the writers (the
renderer, Jinja2, WeasyPrint, XlsxWriter). It does use pandas, numpy and pyarrow while it
collects: the basic-scan scope (jobs/collect/ecr.py) and, with `[lifecycle] exact_bytes`, the
offline lifecycle evaluator (jobs/collect/lifecycle.py) read the DescribeImages answers through
them. Each check runs in a fresh interpreter, where nothing is imported yet.
"""

from __future__ import annotations

import json
import subprocess
import sys

DATA_FRAMES = ("pandas", "numpy", "pyarrow")
WRITERS = ("jinja2", "weasyprint", "xlsxwriter", "ecr_report.jobs.publish", "ecr_report.reports.xlsx",
           "ecr_report.reports.render.html")

PARSER = "from ecr_report.jobs.cli import build_parser; build_parser()"
# What `ecr-report collect` imports before it collects (jobs/shards_cmd.py `_cmd_collect`).
COLLECT_IMPORTS = ("from ecr_report.jobs.config import load_config; "
                   "from ecr_report.jobs.rundir import run_id_instant; "
                   "from ecr_report.jobs.shards import collect_shard, parse_shard")


def _loaded(code: str, watched: tuple[str, ...]) -> list[str]:
    """The watched modules (or their submodules) that a fresh interpreter holds after `code`."""
    probe = (f"import json, sys; {code}; "
             f"print(json.dumps(sorted({{m.split('.')[0] if not m.startswith('ecr_report') else m "
             f"for m in sys.modules if m in {watched!r} or m.split('.')[0] in {watched!r}}})))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])  # the probe's line: what `code` printed comes before


def test_building_the_parser_imports_no_data_frame_nor_writer_library():
    assert _loaded(PARSER, DATA_FRAMES + WRITERS) == []


def test_what_collect_imports_holds_no_writer():
    assert _loaded(f"{PARSER}; {COLLECT_IMPORTS}", WRITERS) == []


def test_a_collect_run_imports_no_writer(tmp_path):
    config = tmp_path / "ecr-report.toml"
    config.write_text("[report]\npdf = false\n", encoding="utf-8")
    code = ("from ecr_report.jobs.cli import main; "
            f"assert main(['collect', '--run-id', '20261207T060000Z', '--shard', '0/2', '--output', "
            f"{str(tmp_path / 'out')!r}, '--config', {str(config)!r}, '--demo']) == 0")
    assert _loaded(code, WRITERS) == []


def test_the_probe_sees_what_the_report_side_imports():
    """The checks above can fail: the modules that write a run do bring these libraries in."""
    assert _loaded("import ecr_report.jobs.publish", DATA_FRAMES + WRITERS) == sorted(
        ["jinja2", "numpy", "pandas", "pyarrow", "xlsxwriter", "ecr_report.jobs.publish", "ecr_report.reports.xlsx",
         "ecr_report.reports.render.html"])
    assert _loaded("import ecr_report.reports.lifecycle.evaluate", DATA_FRAMES) == ["numpy", "pandas", "pyarrow"]
