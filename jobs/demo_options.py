"""The `--demo` options of the commands that collect (`run`, and `collect` / `assemble`):
which emulated fleet answers, how big, how slow. One place, so every command takes them alike.

    add_demo_arguments(parser)          # --demo, --demo-scale, --demo-accounts, --demo-latency-ms
    options = demo_options_from(args)   # DemoOptions, or None without --demo (exit 2 on misuse)
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass

from .errors import ConfigError

MAX_DEMO_SCALE = 100.0
"""The largest --demo-scale: ~260k images (scale 40 is 105k images in 1.4 GiB)."""
MIN_DEMO_ACCOUNTS, MAX_DEMO_ACCOUNTS = 4, 5000
"""--demo-accounts: room for the hub, a sandbox, a suspended account and one without its role."""
MAX_DEMO_LATENCY_MS = 10_000.0


@dataclass(frozen=True)
class DemoOptions:
    """Which emulated fleet a demo run collects."""

    scale: float = 1.0
    """The story fleet (two accounts), grown `scale` times."""
    accounts: int | None = None
    """Organization mode: an organization of this many member accounts, discovered like
    `[aws.organization]` would (jobs/demo/org.py); None: the story fleet."""
    latency_ms: float = 0.0
    """Every emulated call waits this long (a network's round trip)."""


def add_demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true", help="use the embedded demo fleet instead of AWS")
    parser.add_argument("--demo-scale", type=_demo_scale, default=1.0, metavar="N",
                        help=f"grow the demo fleet N times, 1 to {MAX_DEMO_SCALE:g} "
                             "(default 1: ~60 repositories; 40: 100k+ images)")
    parser.add_argument("--demo-accounts", type=_demo_accounts, default=None, metavar="N",
                        help=f"with --demo: an AWS Organization of N member accounts ({MIN_DEMO_ACCOUNTS} to "
                             f"{MAX_DEMO_ACCOUNTS}), discovered through the Organizations API, with small "
                             "fleets, one suspended account and one whose role is missing")
    parser.add_argument("--demo-latency-ms", type=_demo_latency, default=0.0, metavar="MS",
                        help="with --demo: every emulated API call waits MS milliseconds (default 0)")


def demo_options_from(args: argparse.Namespace) -> DemoOptions | None:
    """The demo options of parsed `args`; None without --demo. A demo option without --demo, or
    --demo-scale with --demo-accounts, is a usage error (DemoUsageError: one line, exit 2)."""
    accounts, latency, scale = args.demo_accounts, args.demo_latency_ms, args.demo_scale
    if not args.demo:
        used = [name for name, value, default in (("--demo-scale", scale, 1.0), ("--demo-accounts", accounts, None),
                                                  ("--demo-latency-ms", latency, 0.0)) if value != default]
        if used:
            raise DemoUsageError(f"{used[0]} needs --demo")
        return None
    if accounts is not None and scale != 1.0:
        raise DemoUsageError("--demo-scale grows the two-account story fleet; it cannot be combined "
                             "with --demo-accounts")
    return DemoOptions(scale=scale, accounts=accounts, latency_ms=latency)


class DemoUsageError(ConfigError):
    """A misused demo option: one line, exit 2, like any bad input."""


def _demo_scale(text: str) -> float:
    """A finite scale from 1 (the base fleet) to MAX_DEMO_SCALE: beyond it a run needs more
    memory than a laptop has, below it the fleet would lose the cases the report demonstrates."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or not 1 <= value <= MAX_DEMO_SCALE:
        raise argparse.ArgumentTypeError(f"must be a number from 1 to {MAX_DEMO_SCALE:g}, got {text!r}")
    return value


def _demo_accounts(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not MIN_DEMO_ACCOUNTS <= value <= MAX_DEMO_ACCOUNTS:
        raise argparse.ArgumentTypeError(
            f"must be from {MIN_DEMO_ACCOUNTS} to {MAX_DEMO_ACCOUNTS}, got {text!r}")
    return value


def _demo_latency(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or not 0 <= value <= MAX_DEMO_LATENCY_MS:
        raise argparse.ArgumentTypeError(f"must be from 0 to {MAX_DEMO_LATENCY_MS:g}, got {text!r}")
    return value
