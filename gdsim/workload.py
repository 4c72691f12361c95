"""The practice part's workload, shared by its chapters: the digits and the two classifiers.

One hidden layer of 32 tanh units (2,410 parameters) on the 64 standardized pixels, or softmax
regression (650), trained with mini-batches of 32 (45 steps per epoch on the 1,438 training
images), every run seeded with the same seed, so the chapters' numbers agree with each other.
"""

from __future__ import annotations

from gdsim import digits
from gdsim.network import Network

MLP = Network(inputs=64, classes=digits.CLASSES, hidden=32)
SOFTMAX = Network(inputs=64, classes=digits.CLASSES)
BATCH_SIZE = 32
SEED = 0


def data() -> digits.Split:
    """The digits, split 80/20 and standardized with the training statistics."""
    return digits.load()
