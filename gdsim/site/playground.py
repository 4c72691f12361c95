"""What the playground page needs, exported once per build as JSON-ready numbers: pure NumPy.

For each problem — the bowl θ² and the three least-squares problems — the training data (the
page's JavaScript recomputes ``model.gradient`` and ``model.mse`` from them with the same
operations in the same order, so its iterates equal ``descent.gradient_descent``'s), the random
start, a window for the map, the least-squares minimum and loss floor, the Hessian's eigenvalues
and eigenvectors and the exact thresholds 1/λ and 2/λ along each eigen-direction. The page types
no number: ``python -m gdsim.site.playground`` prints this as JSON, and the MkDocs hook puts it in the
page at every build.
"""

from __future__ import annotations

import json
import sys

import numpy as np

from gdsim import descent, quadratic, scenarios, stability, surface

# The one-parameter chapter's start θ₀ = 2 (gdsim.chapters.one_parameter.THETA0; a test keeps them equal).
THETA2_START = 2.0
# The θ² map shows θ ∈ [−THETA2_REACH·θ₀, THETA2_REACH·θ₀].
THETA2_REACH = 1.5
# descent.descend counts a loss above EXPLODE_FACTOR × max(start loss, this) as divergence.
LOSS_SCALE_FLOOR = 1e-12
# Each run stops after this many steps (the page's step budget; a run may stop sooner).
MAX_STEPS = 500
# The rate the page starts at: this fraction of the limit 2/λ_max (the steep direction oscillates).
DEFAULT_FRACTION = 0.8
# The slider spans from the limit ÷ SLIDER_BELOW to SLIDER_ABOVE × the flat direction's limit 2/λ_min.
SLIDER_BELOW = 1000.0
SLIDER_ABOVE = 2.0
LABELS = {
    "theta2": "loss = θ² (one parameter)",
    "original": "linear regression, original feature x",
    "bad": "linear regression, bad feature 10x",
    "standardized": "linear regression, standardized feature z",
}


def thresholds(lam: float) -> dict:
    """Along an eigen-direction of curvature λ the error is multiplied by 1 − ηλ each step:
    η < 1/λ shrinks it with its sign kept, 1/λ < η < 2/λ flips and shrinks it, η = 2/λ bounces, above grows."""
    # one step to the minimum at η = 1/λ; the limit at η = 2/λ
    return {"lam": float(lam), "one_step": 1.0 / lam, "limit": 2.0 / lam}


def rates(lam_min: float, lam_max: float) -> dict:
    """The slider's range and starting rate, from the exact limits."""
    limit = 2.0 / lam_max
    return {"default": DEFAULT_FRACTION * limit, "min": limit / SLIDER_BELOW, "max": SLIDER_ABOVE * 2.0 / lam_min}


def theta2() -> dict:
    """θ²: L = ½·c·θ² with c = 2, minimum 0, one direction of curvature c."""
    c = quadratic.CURVATURE
    reach = THETA2_REACH * abs(THETA2_START)
    return {
        "name": "theta2", "label": LABELS["theta2"], "dims": 1, "parameters": ["θ"], "curvature": c,
        "start": [THETA2_START], "window": [[-reach, reach]], "minimum": [0.0], "floor": 0.0,
        "lam_min": c, "lam_max": c, "hessian": [[c]],
        "directions": [dict(thresholds(c), name="θ", vector=[1.0])],
        "rates": rates(c, c),
    }


def regression(name: str) -> dict:
    """One least-squares problem: its training data, start, window, minimum, Hessian and thresholds."""
    s = scenarios.get(name)
    X = stability.design_matrix(s.split.x_train)
    lam, vectors = stability.eigenvectors(X)
    directions = [dict(thresholds(lam[0]), name="flat", vector=vectors[:, 0].tolist()),
                  dict(thresholds(lam[-1]), name="steep", vector=vectors[:, -1].tolist())]
    return {
        "name": name, "label": LABELS[name], "dims": 2, "parameters": ["b", "w"],
        "x": s.split.x_train.tolist(), "y": s.split.y_train.tolist(),
        "start": s.start.tolist(), "window": [[s.grid.b[0], s.grid.b[-1]], [s.grid.w[0], s.grid.w[-1]]],
        "minimum": s.solution.tolist(), "floor": s.solution_loss,
        "lam_min": float(lam[0]), "lam_max": float(lam[-1]), "hessian": stability.hessian(X).tolist(),
        "levels": s.grid.levels().tolist(), "directions": directions,
        "rates": rates(lam[0], lam[-1]),
    }


def export() -> dict:
    """Every problem the page offers, in the chapters' order, and the rules of a run."""
    problems = [theta2()] + [regression(name) for name in scenarios.NAMES]
    # the θ² map's bands, spaced like every contour map of the site: evenly in √(L − L*)
    reach = problems[0]["window"][0][1]
    problems[0]["levels"] = surface.bowl_levels(np.array([0.0, reach**2]), 0.0).tolist()
    return {
        "explode_factor": descent.EXPLODE_FACTOR, "loss_scale_floor": LOSS_SCALE_FLOOR, "max_steps": MAX_STEPS,
        "problems": problems,
    }


def main() -> None:
    """Print the export as JSON (``python -m gdsim.site.playground``), for the MkDocs hook."""
    json.dump(export(), sys.stdout, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


if __name__ == "__main__":
    main()
