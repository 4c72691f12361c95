"""Hypergradient descent: SGD that tunes its own learning rate as it trains (SGD-HD).

Baydin, Cornish, Martínez Rubio, Schmidt and Wood, "Online Learning Rate Adaptation with
Hypergradient Descent", ICLR 2018, arXiv:1703.04782. The step θ_t = θ_{t−1} − α ∇f(θ_{t−1})
makes the loss at θ_t a function of α, with derivative ∂f(θ_t)/∂α = ∇f(θ_t) · (−∇f(θ_{t−1})).
One step of gradient descent on α with the gradients already at hand (the previous batch's and
the current one's) gives the update

    α_t = α_{t−1} + β ∇f(θ_{t−1}) · ∇f(θ_{t−2}),    then    θ_t = θ_{t−1} − α_t ∇f(θ_{t−1}):

the rate grows while successive gradients agree and shrinks when they oppose. The cost is one
stored gradient and one dot product per step; β = 0 is plain SGD at α₀, exactly.

The loop is ``gdsim.sgd.train``'s, with the same shuffles, the same measurements and the same
clean stop on a blow-up, so a run is an ``sgd.Training`` and compares with it directly.
"""

from __future__ import annotations

import math

import numpy as np

from gdsim import checks, network, sgd
from gdsim.digits import Split
from gdsim.network import Network


def _split(data: Split) -> Split:
    """Data with at least one training and one validation point."""
    if len(data.y_train) == 0 or len(data.y_val) == 0:
        raise ValueError(f"data must hold training and validation points, got {len(data.y_train)} training and "
                         f"{len(data.y_val)} validation points")
    return data


def sgd_hd(net: Network, data: Split, lr0: float, beta: float, epochs: int, batch_size: int = 32, seed: int = 0,
           start: np.ndarray | None = None, blowup: float = sgd.BLOWUP) -> sgd.Training:
    """SGD-HD from the rate ``lr0`` with hypergradient rate ``beta``; ``step_lr`` holds α_t of every step."""
    data, lr0 = _split(data), checks.learning_rate(lr0)
    beta = checks.non_negative_number(beta, "hypergradient rate beta")
    epochs = checks.step_count(epochs, "number of epochs", maximum=10_000)
    batch_size = checks.batch_size(batch_size, len(data.y_train))
    blowup = checks.positive_number(blowup, "blow-up factor")
    params = (network.initial(net, seed) if start is None else checks.vector(start, "start")).copy()
    if params.shape != (net.size,):
        raise ValueError(f"start must hold the network's {net.size} parameters, got {params.size}")
    rng, weights = np.random.default_rng(checks.seed(seed)), net.weight_mask()
    epoch_loss = [network.loss(net, params, data.x_train, data.y_train)]
    val_loss = [network.loss(net, params, data.x_val, data.y_val)]
    val_accuracy = [network.accuracy(net, params, data.x_val, data.y_val)]
    step_loss, step_lr, ratio = [], [], []
    limit, diverged = blowup * epoch_loss[0], False
    alpha, previous = lr0, np.zeros_like(params)  # ∇f(θ_{−1}) = 0: the first step is plain SGD at α₀
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            for rows in sgd.batches(len(data.y_train), batch_size, rng):
                value, gradient = network.loss_and_gradient(net, params, data.x_train[rows], data.y_train[rows])
                # α_t = α_{t−1} + β ∇f(θ_{t−1}) · ∇f(θ_{t−2})
                alpha = alpha + beta * float(gradient @ previous)
                if not (math.isfinite(value) and value <= limit and math.isfinite(alpha)):
                    diverged = True
                    break
                # θ_t = θ_{t−1} − α_t ∇f(θ_{t−1})
                update = alpha * gradient
                params -= update
                previous = gradient
                step_loss.append(value)
                step_lr.append(alpha)
                ratio.append(np.linalg.norm(update[weights]) / max(np.linalg.norm(params[weights]), 1e-300))
            if diverged:
                break
            epoch_loss.append(network.loss(net, params, data.x_train, data.y_train))
            val_loss.append(network.loss(net, params, data.x_val, data.y_val))
            val_accuracy.append(network.accuracy(net, params, data.x_val, data.y_val))
    array = lambda values: np.array(values, dtype=float)  # noqa: E731
    return sgd.Training(params, array(epoch_loss), array(val_loss), array(val_accuracy), array(step_loss),
                        array(step_lr), array(ratio), diverged)
