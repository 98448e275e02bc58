"""`ecr-report collect --shard K/N` and `ecr-report assemble`: the command-line side of
jobs/shards.py (README "Sharded runs")."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from .demo_options import add_demo_arguments, demo_options_from


def add_shard_parsers(sub: Any) -> None:
    collect = sub.add_parser("collect", help="collect one shard of a sharded run (Kubernetes Indexed Job, "
                                             "AWS Batch array job); then `assemble`")
    _common(collect)
    collect.add_argument("--shard", metavar="K/N", required=True,
                         help="this shard's index K (from 0) of N; or N, with K from JOB_COMPLETION_INDEX "
                              "(Kubernetes) or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch)")
    collect.set_defaults(func=_cmd_collect)

    assemble = sub.add_parser("assemble", help="merge the shards of a run into its run directory, and "
                                               "analyse, render, sign (and deliver) it")
    _common(assemble)
    assemble.add_argument("--shards", type=int, metavar="N",
                          help="the run's shard count (default: the N its shard directories name)")
    assemble.add_argument("--run-root", type=Path, metavar="DIR",
                          help="where the assembled run goes (RUN_ROOT/runs/RUN_ID): default ROOT, or with an "
                               "s3:// ROOT the local report.output_dir")
    assemble.add_argument("--no-pdf", action="store_true", help="skip the PDF (faster)")
    assemble.add_argument("--deliver", action="store_true",
                          help="then email the report and upload the run to S3, as configured")
    assemble.set_defaults(func=_cmd_assemble)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--run-id", required=True, metavar="RUN_ID",
                        help="the run's id, its as-of time in UTC: YYYYMMDDTHHMMSSZ (the same for every shard)")
    # Text, not a Path: a Path would fold "s3://bucket" into "s3:/bucket".
    parser.add_argument("--output", metavar="ROOT",
                        help="output root shared by the shards: a local or mounted path, or s3://bucket/prefix "
                             "(default report.output_dir)")
    parser.add_argument("--config", type=Path, metavar="FILE", help="TOML config (default ./ecr-report.toml)")
    add_demo_arguments(parser)


def _cmd_collect(args: argparse.Namespace) -> int:
    from .config import load_config
    from .rundir import run_id_instant
    from .shards import collect_shard, parse_shard

    demo = demo_options_from(args)
    run_id_instant(args.run_id)  # a bad run id fails before anything is read
    shard, of = parse_shard(args.shard)
    config = load_config(args.config)
    root = args.output or config.report.output_dir
    print(collect_shard(config, root, args.run_id, shard, of, demo))
    return 0  # failed calls are the report's business: assemble lists them (exit 3)


def _cmd_assemble(args: argparse.Namespace) -> int:
    from .cli import _after_run, _run_exit
    from .config import load_config
    from .errors import ConfigError
    from .rundir import run_id_instant
    from .shards import assemble

    demo = demo_options_from(args)
    run_id_instant(args.run_id)
    if args.shards is not None and args.shards < 1:
        raise ConfigError(f"--shards {args.shards}: must be 1 or more")
    config = load_config(args.config)
    if args.no_pdf:
        config = config.model_copy(update={"report": config.report.model_copy(update={"pdf": False})})
    root = args.output or config.report.output_dir
    outcome = assemble(config, root, args.run_id, demo, args.shards, run_root=_run_root(args, config, root))
    print(outcome.run_dir)
    code = _run_exit(outcome)
    for line in _missing_lines(outcome):
        print(f"ecr-report: {line}", file=sys.stderr)
    return _after_run(outcome, config, deliver=args.deliver) or code


def _run_root(args: argparse.Namespace, config: Any, root: str) -> Path:
    """--run-root; else ROOT when it is a path; else (an S3 shard area) the local report.output_dir."""
    from .errors import ConfigError
    from .shard_store import is_s3

    if args.run_root is not None:
        return Path(args.run_root)
    if not is_s3(root):
        return Path(root)
    if is_s3(config.report.output_dir):
        raise ConfigError(f"output {root}: the assembled run is written to a local directory, and "
                          "report.output_dir is on S3 too; give one with --run-root DIR")
    return Path(config.report.output_dir)


def _missing_lines(outcome: Any) -> list[str]:
    """'shard 2 of 3: 4 registries not collected', for the shards left out."""
    shards = Counter(str(e["operation"])[len("collect ("):-1] for e in outcome.analysis.snapshot.meta.errors
                     if str(e["operation"]).startswith("collect (shard "))
    return [f"{name}: {n} registries not collected" for name, n in sorted(shards.items())]
