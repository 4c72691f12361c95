"""Two small classifiers in NumPy: softmax regression and a network with one hidden layer.

Both map an image's features ``x`` (d values) to one score per class and are trained on the
mean **cross-entropy**, −log of the probability the softmax gives the true class, or on the
**squared error** ½‖z − onehot(y)‖² averaged over the points (``loss="mse"``, the loss of the
edge-of-stability experiments, whose curvature is easiest to study). All of a
model's parameters live in one flat vector ``params``, so descent, search and the range test
treat them the way the linear-regression chapters treat (b, w):

- softmax regression: scores z = x W + c                       (W: d × k)
- one hidden layer:   h = tanh(x V + a),  scores z = h W + c    (V: d × m, W: m × k)

The gradient is back-propagated by hand, and the Hessian-vector product forward-over-backward
(Pearlmutter's R-operator), exactly; the tests check both against finite differences.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gdsim import checks

LOSSES = ("cross-entropy", "mse")


@dataclass(frozen=True)
class Network:
    """An architecture: ``hidden`` = 0 is softmax regression, otherwise a tanh hidden layer."""

    inputs: int
    classes: int
    hidden: int = 0
    loss: str = "cross-entropy"

    def __post_init__(self) -> None:
        checks.one_of(self.loss, LOSSES, "loss")
        for name in ("inputs", "classes"):
            checks.step_count(getattr(self, name), name, maximum=100_000)
        if self.classes < 2:
            raise ValueError(f"a classifier needs at least 2 classes, got {self.classes}")
        if not isinstance(self.hidden, int) or isinstance(self.hidden, bool) or not 0 <= self.hidden <= 100_000:
            raise ValueError(f"hidden units must be a whole number from 0 (softmax regression), got {self.hidden!r}")

    @property
    def shapes(self) -> list[tuple[int, ...]]:
        """Shapes of the weight matrices and bias vectors, in the order ``params`` stores them."""
        if self.hidden == 0:
            return [(self.inputs, self.classes), (self.classes,)]
        return [(self.inputs, self.hidden), (self.hidden,), (self.hidden, self.classes), (self.classes,)]

    @property
    def size(self) -> int:
        """How many numbers ``params`` holds."""
        return sum(math.prod(shape) for shape in self.shapes)

    def unpack(self, params: np.ndarray) -> list[np.ndarray]:
        """Views of ``params`` as the weight matrices and bias vectors (no copy)."""
        pieces, start = [], 0
        for shape in self.shapes:
            end = start + math.prod(shape)
            pieces.append(params[start:end].reshape(shape))
            start = end
        return pieces

    def weight_mask(self) -> np.ndarray:
        """True at the entries of ``params`` that are weights, False at biases."""
        mask = np.zeros(self.size, dtype=bool)
        for piece, shape in zip(self.unpack(mask), self.shapes):
            piece[...] = len(shape) == 2
        return mask


def initial(net: Network, seed: int = 0) -> np.ndarray:
    """Starting parameters: weights drawn with variance 1/fan-in (scores start near zero, tanh
    unsaturated), biases zero."""
    rng = np.random.default_rng(checks.seed(seed))
    params = np.zeros(net.size)
    for piece, shape in zip(net.unpack(params), net.shapes):
        if len(shape) == 2:
            piece[...] = rng.normal(0.0, 1.0 / math.sqrt(shape[0]), size=shape)
    return params


def _scores(net: Network, params: np.ndarray, x: np.ndarray) -> np.ndarray:
    """One score per class for every row of ``x``: (n, k)."""
    if net.hidden == 0:
        W, c = net.unpack(params)
        return x @ W + c
    V, a, W, c = net.unpack(params)
    return np.tanh(x @ V + a) @ W + c


def _log_softmax(z: np.ndarray) -> np.ndarray:
    # log p_j = z_j − log Σ_i e^{z_i}, shifted by max z so no exponential overflows
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _onehot(labels: np.ndarray, classes: int) -> np.ndarray:
    return np.eye(classes)[labels]


def _value_and_dz(net: Network, z: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """The loss of scores ``z`` and its gradient ∂L/∂z."""
    n = len(labels)
    if net.loss == "mse":
        # L = (1/2n) Σ ‖z − onehot(y)‖², ∂L/∂z = (z − onehot(y)) / n
        residual = z - _onehot(labels, net.classes)
        return float(0.5 * np.sum(residual * residual) / n), residual / n
    log_p = _log_softmax(z)
    # L = −(1/n) Σ log p(y), ∂L/∂z = (softmax(z) − onehot(y)) / n
    dz = np.exp(log_p)
    dz[np.arange(n), labels] -= 1.0
    return float(-log_p[np.arange(n), labels].mean()), dz / n


def _loss(net: Network, params: np.ndarray, x: np.ndarray, labels: np.ndarray) -> float:
    """The mean loss over the rows: cross-entropy −log p(true class), or the squared error."""
    return _value_and_dz(net, _scores(net, params, x), labels)[0]


def _forward(net: Network, params: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The last layer's input h (x itself for softmax regression) and the scores z."""
    if net.hidden == 0:
        W, c = net.unpack(params)
        return x, x @ W + c
    V, a, W, c = net.unpack(params)
    h = np.tanh(x @ V + a)
    return h, h @ W + c


def _loss_and_gradient(net: Network, params: np.ndarray, x: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """The mean loss and its gradient with respect to ``params`` (back-propagation)."""
    h, z = _forward(net, params, x)
    value, dz = _value_and_dz(net, z, labels)
    gradient = np.zeros_like(params)
    pieces = net.unpack(gradient)
    pieces[-2][...], pieces[-1][...] = h.T @ dz, dz.sum(axis=0)
    if net.hidden:
        W = net.unpack(params)[2]
        # back through tanh: ∂L/∂(xV + a) = (∂L/∂z Wᵀ) ⊙ (1 − h²)
        dpre = (dz @ W.T) * (1.0 - h * h)
        pieces[0][...], pieces[1][...] = x.T @ dpre, dpre.sum(axis=0)
    return value, gradient


def _hessian_vector_product(net: Network, params: np.ndarray, x: np.ndarray, labels: np.ndarray,
                            v: np.ndarray) -> np.ndarray:
    """H v, the Hessian of the mean loss at ``params`` times ``v``, exactly: the derivative of
    back-propagation along v (R{·} = d/dr ·(params + r v) at r = 0, Pearlmutter 1994)."""
    n = len(labels)
    h, z = _forward(net, params, x)
    _, dz = _value_and_dz(net, z, labels)
    W, c = net.unpack(params)[-2:]
    Rparams = net.unpack(v)
    RW, Rc = Rparams[-2:]
    if net.hidden:
        V, a = net.unpack(params)[:2]
        RV, Ra = Rparams[:2]
        # R{h} = (1 − h²) ⊙ (x RV + Ra)
        Rh = (1.0 - h * h) * (x @ RV + Ra)
    else:
        Rh = np.zeros_like(h)
    # R{z} = R{h} W + h RW + Rc
    Rz = Rh @ W + h @ RW + Rc
    if net.loss == "mse":
        Rdz = Rz / n
    else:
        # R{softmax(z)} = p ⊙ R{z} − p (p · R{z})
        p = dz * n + _onehot(labels, net.classes)
        Rdz = (p * Rz - p * np.sum(p * Rz, axis=1, keepdims=True)) / n
    product = np.zeros_like(params)
    pieces = net.unpack(product)
    # R{hᵀ dz} = R{h}ᵀ dz + hᵀ R{dz};  R{Σ dz} = Σ R{dz}
    pieces[-2][...], pieces[-1][...] = Rh.T @ dz + h.T @ Rdz, Rdz.sum(axis=0)
    if net.hidden:
        # dpre = (dz Wᵀ) ⊙ (1 − h²):  R{dpre} = (R{dz} Wᵀ + dz RWᵀ) ⊙ (1 − h²) − 2 (dz Wᵀ) ⊙ h ⊙ R{h}
        back = dz @ W.T
        Rdpre = (Rdz @ W.T + dz @ RW.T) * (1.0 - h * h) - 2.0 * back * h * Rh
        pieces[0][...], pieces[1][...] = x.T @ Rdpre, Rdpre.sum(axis=0)
    return product


def _accuracy(net: Network, params: np.ndarray, x: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose highest score is the true class."""
    return float(np.mean(_scores(net, params, x).argmax(axis=1) == labels))


# ---------------------------------------------------------------- the checked entry points
# The underscored kernels above trust their arguments: loops that checked their data once (sgd,
# search, lr_range, sharpness) call them step after step. Everyone else comes in here.


def _checked(net: Network, params: object, x: object, labels: object = None) -> tuple:
    params = checks.point(params, "params", net.size)
    if labels is None:
        return params, checks.features(x, "x", net.inputs)
    return (params, *checks.labelled(x, labels, net.inputs, net.classes))


def scores(net: Network, params: np.ndarray, x: np.ndarray) -> np.ndarray:
    """One score per class for every row of ``x``: (n, k)."""
    return _scores(net, *_checked(net, params, x))


def loss(net: Network, params: np.ndarray, x: np.ndarray, labels: np.ndarray) -> float:
    """The mean loss over the rows: cross-entropy −log p(true class), or the squared error."""
    return _loss(net, *_checked(net, params, x, labels))


def loss_and_gradient(net: Network, params: np.ndarray, x: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """The mean loss and its gradient with respect to ``params`` (back-propagation)."""
    return _loss_and_gradient(net, *_checked(net, params, x, labels))


def hessian_vector_product(net: Network, params: np.ndarray, x: np.ndarray, labels: np.ndarray,
                           v: np.ndarray) -> np.ndarray:
    """H v, exactly (Pearlmutter's R-operator): see ``_hessian_vector_product``."""
    return _hessian_vector_product(net, *_checked(net, params, x, labels), checks.point(v, "v", net.size))


def accuracy(net: Network, params: np.ndarray, x: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose highest score is the true class."""
    return _accuracy(net, *_checked(net, params, x, labels))
