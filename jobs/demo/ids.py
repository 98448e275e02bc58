"""Random identifiers for the demo fleet, drawn from the fleet's seeded generator."""

from __future__ import annotations

import random


def random_hex(rng: random.Random, bits: int) -> str:
    """`bits` random bits as lower-case hex, zero-padded (`bits` // 4 digits)."""
    return format(rng.getrandbits(bits), f"0{bits // 4}x")
