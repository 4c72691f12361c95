"""A tiny chapter for the fault-injection tests: quick assets whose data can be slowed down."""

from __future__ import annotations

import os
import random
import time

from gdsim.assets import ANIMATION, STILL, Asset
from gdsim.facts import Fact
from gdsim.stored import stored

DELAY = 0.0  # seconds each asset's data takes: the tests raise it to catch a render mid-way
FACTS_DELAY = 0.0  # seconds the facts take: the tests raise it to kill a render while they change


def numbers(k: int) -> list[float]:
    """A short series of numbers, slowly."""
    time.sleep(DELAY)
    return [k, k + 1.0, k * k / 2.0]


@stored
def trained(k: int) -> list[float]:
    """A run kept in the result store, deterministic unless ``TINY_NOISE`` is set: then it draws
    unseeded noise, as a training run that forgot its seed would."""
    noise = random.random() if os.environ.get("TINY_NOISE") else 0.0
    return [k + noise, k + 1.0, k * 2.0]


def facts() -> dict[str, Fact]:
    time.sleep(FACTS_DELAY)
    return {"tiny_count": Fact(7, "d"), "tiny_trained": Fact(trained(9)[0], ".6f")}


ASSETS = (
    Asset("tiny-a", STILL, data=numbers, draw="line", params={"k": 1}),
    Asset("tiny-b", STILL, data=numbers, draw="line", params={"k": 2}),
    Asset("tiny-c", STILL, data=numbers, draw="line", params={"k": 3}),
    Asset("tiny-d", STILL, data=numbers, draw="line", params={"k": 4}),
    Asset("tiny-e", STILL, data=numbers, draw="line", params={"k": 5}),
    Asset("tiny-f", STILL, data=numbers, draw="line", params={"k": 6}),
    Asset("tiny-movie", ANIMATION, data=numbers, draw="movie", params={"k": 7}),
    Asset("tiny-bars", STILL, data=numbers, draw="bars", params={"k": 8}),
    Asset("tiny-trained", STILL, data=trained, draw="line", params={"k": 9}),
)
