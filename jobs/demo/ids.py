"""Random identifiers and draws for the demo fleet, from the fleet's seeded generator.

`randint` and `uniform` give `random.Random`'s own draws (the same numbers from the same
state, consuming the same bits) without the Python frames of `Random.randint` -> `randrange` ->
`_randbelow` (~1 us a draw, ~300k draws in a scale-40 fleet and ~100k more answering it).
tests/demo/test_fleet.py compares them with Random's methods.
"""

from __future__ import annotations

import random


def random_hex(rng: random.Random, bits: int) -> str:
    """`bits` random bits as lower-case hex, zero-padded (`bits` // 4 digits)."""
    spec = _HEX_SPECS.get(bits)
    if spec is None:
        spec = _HEX_SPECS[bits] = f"0{bits // 4}x"
    return format(rng.getrandbits(bits), spec)


_HEX_SPECS: dict[int, str] = {}


def randint(rng: random.Random, a: int, b: int) -> int:
    """`rng.randint(a, b)`: a + `_randbelow(b - a + 1)`, which draws bit_length bits until the
    value is below the width (CPython's `Random._randbelow_with_getrandbits`)."""
    width = b - a + 1
    if width <= 0:
        return rng.randint(a, b)  # Random's own error
    getrandbits = rng.getrandbits
    k = width.bit_length()
    r = getrandbits(k)
    while r >= width:
        r = getrandbits(k)
    return a + r


def uniform(rng: random.Random, a: float, b: float) -> float:
    """`rng.uniform(a, b)`: the same expression, `a + (b - a) * random()`."""
    return a + (b - a) * rng.random()


def choice(rng: random.Random, seq):
    """`rng.choice(seq)`: `seq[_randbelow(len(seq))]`, the same draw."""
    if not len(seq):
        return rng.choice(seq)  # Random's own error
    return seq[randint(rng, 0, len(seq) - 1)]
