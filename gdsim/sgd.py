"""Mini-batch stochastic gradient descent on the classifiers of ``gdsim.network``.

Each **epoch** shuffles the training points (one seeded generator per run, so a run is
reproducible) and takes one **step** per batch of B of them: θ ← θ − η_t ∇L_batch(θ). The rate
η_t is a number, or a schedule: any function of the step t = 0, 1, 2, … (``gdsim.schedules``).

A run records what a practitioner watches: the loss on every batch, the training and
validation loss and validation accuracy after every epoch, and the update-to-weight ratio
‖η ∇W‖ / ‖W‖ (weights only, not biases) of every step. It stops cleanly, without a NaN or a
NumPy warning, once a batch's loss passes ``BLOWUP`` times the starting training loss (CS231n's
rule of thumb) or stops being finite: the run is marked ``diverged``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from gdsim import checks, network
from gdsim.digits import Split
from gdsim.network import Network

BLOWUP = 3.0
Rate = float | Callable[[int], float]


@dataclass(frozen=True)
class Training:
    """One run: the parameters it ended with and everything measured on the way."""

    params: np.ndarray
    epoch_train_loss: np.ndarray  # (epochs + 1,): before training, then after each epoch
    epoch_val_loss: np.ndarray
    epoch_val_accuracy: np.ndarray
    step_loss: np.ndarray  # (steps,) the loss of each step's batch, before the step
    step_lr: np.ndarray  # (steps,)
    update_ratio: np.ndarray  # (steps,) ‖η ∇W‖ / ‖W‖
    diverged: bool

    @property
    def steps(self) -> int:
        return len(self.step_loss)

    @property
    def final_val_loss(self) -> float:
        """The validation loss at the end (inf for a run that blew up)."""
        return math.inf if self.diverged else float(self.epoch_val_loss[-1])


def batches(n: int, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """The indices of one epoch's batches: a fresh shuffle, cut into runs of ``batch_size``."""
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def rate_at(lr: Rate, step: int) -> float:
    """η at ``step``: the number itself, or the schedule's value, checked."""
    return checks.learning_rate(lr(step) if callable(lr) else lr)


def train(net: Network, data: Split, lr: Rate, epochs: int, batch_size: int = 32, seed: int = 0,
          start: np.ndarray | None = None, blowup: float = BLOWUP) -> Training:
    """Mini-batch SGD for ``epochs`` epochs from ``start`` (default ``network.initial(net, seed)``)."""
    data = checks.split(data, net.inputs, net.classes)
    if callable(lr):
        n = len(data.y_train)
        per_epoch = math.ceil(n / checks.batch_size(batch_size, n))
        check_schedule(lr, checks.step_count(epochs, "number of epochs", maximum=10_000) * per_epoch)
    else:
        checks.learning_rate(lr)
    return run(net, data, lambda step, gradient: rate_at(lr, step), epochs, batch_size, seed, start, blowup)


def check_schedule(lr: Callable[[int], float], steps: int) -> None:
    """Every rate a schedule gives over the ``steps`` of a run, checked before the run starts: a
    schedule that reaches 0 (a cosine past its ``total``) is named with its first bad step."""
    with np.errstate(all="ignore"):
        try:
            rates = np.asarray(lr(np.arange(steps)), dtype=float)
        except (TypeError, ValueError):  # a function of one step at a time
            rates = np.array([lr(t) for t in range(steps)], dtype=float)
    if rates.ndim == 0:  # the same rate at every step
        rates = np.full(steps, rates)
    if rates.shape != (steps,):
        raise ValueError(f"a schedule must give one learning rate per step, got shape {rates.shape} for {steps} steps")
    bad = np.flatnonzero(~(np.isfinite(rates) & (rates > 0)))
    if len(bad):
        t = int(bad[0])
        name = getattr(lr, "name", None) or getattr(lr, "__name__", repr(lr))
        raise ValueError(f"schedule {name!r} gives learning rate {float(rates[t]):g} at step {t} of the run's "
                         f"{steps} steps; every step needs a positive finite rate (a cosine's total must cover the run)")


def run(net: Network, data: Split, rate: Callable[[int, np.ndarray], float], epochs: int, batch_size: int = 32,
        seed: int = 0, start: np.ndarray | None = None, blowup: float = BLOWUP) -> Training:
    """The loop every variant shares: ``rate(step, gradient)`` gives each step's η from its batch
    gradient (a fixed rate, a schedule, or a rule that adapts, such as SGD-HD's). A rate that is
    not finite ends the run as a blow-up does."""
    data = checks.split(data, net.inputs, net.classes)
    epochs = checks.step_count(epochs, "number of epochs", maximum=10_000)
    batch_size = checks.batch_size(batch_size, len(data.y_train))
    blowup = checks.positive_number(blowup, "blow-up factor")
    params = (network.initial(net, seed) if start is None else checks.vector(start, "start")).copy()
    if params.shape != (net.size,):
        raise ValueError(f"start must hold the network's {net.size} parameters, got {params.size}")
    rng, weights = np.random.default_rng(checks.seed(seed)), net.weight_mask()
    epoch_loss = [network._loss(net, params, data.x_train, data.y_train)]
    val_loss = [network._loss(net, params, data.x_val, data.y_val)]
    val_accuracy = [network._accuracy(net, params, data.x_val, data.y_val)]
    step_loss, step_lr, ratio = [], [], []
    limit, diverged = blowup * epoch_loss[0], False
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            for rows in batches(len(data.y_train), batch_size, rng):
                value, gradient = network._loss_and_gradient(net, params, data.x_train[rows], data.y_train[rows])
                eta = rate(len(step_loss), gradient)
                if not (math.isfinite(value) and value <= limit and math.isfinite(eta)):
                    diverged = True
                    break
                # θ ← θ − η ∇L_batch(θ)
                update = eta * gradient
                params -= update
                step_loss.append(value)
                step_lr.append(eta)
                ratio.append(np.linalg.norm(update[weights]) / max(np.linalg.norm(params[weights]), 1e-300))
            if diverged:
                break
            epoch_loss.append(network._loss(net, params, data.x_train, data.y_train))
            val_loss.append(network._loss(net, params, data.x_val, data.y_val))
            val_accuracy.append(network._accuracy(net, params, data.x_val, data.y_val))
    array = lambda values: np.array(values, dtype=float)  # noqa: E731
    return Training(params, array(epoch_loss), array(val_loss), array(val_accuracy), array(step_loss),
                    array(step_lr), array(ratio), diverged)
