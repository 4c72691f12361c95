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

import numpy as np

from gdsim import checks, sgd
from gdsim.digits import Split
from gdsim.network import Network


class _Hypergradient:
    """SGD-HD's rate as a rule of the loop: it remembers the last gradient and moves α with each new one."""

    def __init__(self, lr0: float, beta: float):
        self.alpha, self.beta, self.previous = lr0, beta, None

    def __call__(self, step: int, gradient: np.ndarray) -> float:
        if self.previous is not None:  # the first step is plain SGD at α₀
            # α_t = α_{t−1} + β ∇f(θ_{t−1}) · ∇f(θ_{t−2})
            self.alpha = self.alpha + self.beta * float(gradient @ self.previous)
        self.previous = gradient
        return self.alpha


def sgd_hd(net: Network, data: Split, lr0: float, beta: float, epochs: int, batch_size: int = 32, seed: int = 0,
           start: np.ndarray | None = None, blowup: float = sgd.BLOWUP) -> sgd.Training:
    """SGD-HD from the rate ``lr0`` with hypergradient rate ``beta``; ``step_lr`` holds α_t of every step."""
    data, lr0 = checks.split(data, net.inputs, net.classes), checks.learning_rate(lr0)
    beta = checks.non_negative_number(beta, "hypergradient rate beta")
    return sgd.run(net, data, _Hypergradient(lr0, beta), epochs, batch_size, seed, start, blowup)
