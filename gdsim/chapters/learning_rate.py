"""Chapter "The learning rate" (docs/learning-rate.md): one step, steps along the cuts, full descent.

Three learning rates, ``RATES``, each taken three ways from the original problem: one step along
each cross-section from the snapped start, ``CUT_STEPS`` steps along each cross-section, and
``EPOCHS`` epochs of full gradient descent from the random start. Every step goes through
``gdsim.descent``, so every move uses the exact partial derivative. The figures of one kind are
compared with each other, so each family's axes (the cut windows, the loss axes) are computed
here once, from all three rates together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gdsim import checks, model, scenarios, surface
from gdsim.assets import ANIMATION, STILL, Asset
from gdsim.catalogue import Fact
from gdsim.descent import Trajectory, gradient_descent

# The "small", "big" and "very big" learning rates of the chapter (another chapter imports this).
RATES = {"small": 0.2, "big": 0.8, "very_big": 1.1}
# Steps taken along each cross-section, and epochs of full gradient descent.
CUT_STEPS = 12
EPOCHS = 60
# The cross-sections in panel order: first (left; on top on a phone), b fixed and w varies;
# second (right; below), w fixed and b varies.
CUTS = ("w", "b")
# The cut windows hold every iterate whose loss stays below this many times the snapped start's.
VIEW_LOSS_FACTOR = 2.0
# The descent animations show every epoch up to this one, then every DESCENT_STRIDE-th (the last
# always): later epochs change little, and fewer frames keep the GIFs light.
DESCENT_EVERY_UNTIL = 12
DESCENT_STRIDE = 2
# Margin around the cut windows, as a fraction of their width, and points per drawn cut.
VIEW_MARGIN = 0.06
CUT_SAMPLES = 241


def _original() -> scenarios.Scenario:
    return scenarios.get("original")


def _rate(rate: str) -> float:
    """The learning rate of one key of ``RATES``; a ValueError naming the keys otherwise."""
    return RATES[checks.one_of(rate, RATES, "rate")]


def _param(name: str) -> model.Parameter:
    """The parameter called ``name``; a ValueError naming the parameters otherwise."""
    return model.BY_NAME[checks.one_of(name, model.BY_NAME, "parameter")]


def _other(param: model.Parameter) -> model.Parameter:
    return next(p for p in model.PARAMETERS if p is not param)


# ---------------------------------------------------------------- runs


@lru_cache(maxsize=None)
def cut_run(param: str, lr: float, steps: int = CUT_STEPS) -> Trajectory:
    """``steps`` gradient steps on ``param`` alone from the snapped start: a walk along one cut."""
    s = _original()
    p = _param(param)
    return gradient_descent(s.split.x_train, s.split.y_train, s.snapped_start, lr, steps, update=(p.name,))


@lru_cache(maxsize=None)
def full_run(lr: float, epochs: int = EPOCHS) -> Trajectory:
    """Full-batch gradient descent on both parameters from the random start (one epoch, one step)."""
    s = _original()
    return gradient_descent(s.split.x_train, s.split.y_train, s.start, lr, epochs)


# ---------------------------------------------------------------- one step


@dataclass(frozen=True)
class OneStep:
    """One gradient step on one parameter from the snapped start, with the exact derivative."""

    param: model.Parameter
    lr: float
    slope: float  # ∂L/∂θᵢ at the snapped start
    before: float  # the parameter before the step
    after: float
    move: float  # after − before
    loss_before: float
    loss_after: float
    rose: bool  # the step raised the loss


@lru_cache(maxsize=None)
def one_step(param: str, lr: float) -> OneStep:
    """θᵢ ← θᵢ − η ∂L/∂θᵢ once, from the snapped start: the first step of ``cut_run``."""
    p = _param(param)
    run = cut_run(p.name, lr, 1)
    before, after = run.params[0, p.index], run.params[1, p.index]
    return OneStep(
        param=p,
        lr=run.lr,
        slope=float(run.gradients[0, p.index]),
        before=float(before),
        after=float(after),
        # move = after − before = −η ∂L/∂θᵢ
        move=float(after - before),
        loss_before=float(run.losses[0]),
        loss_after=float(run.losses[1]),
        rose=bool(run.losses[1] > run.losses[0]),
    )


# ---------------------------------------------------------------- the cut windows, shared


@dataclass(frozen=True)
class Cut:
    """The exact loss along one cross-section through the snapped start, over its window."""

    param: model.Parameter  # the parameter that varies (horizontal axis)
    fixed: model.Parameter
    fixed_value: float
    window: tuple[float, float]
    values: np.ndarray
    loss: np.ndarray


@dataclass(frozen=True)
class CutAxes:
    """The axes every cut figure of the chapter shares: one window per cut, one loss range.

    Both windows have the same width, so the two curves' bends compare by eye; the loss range
    is the same for both panels of every figure.
    """

    cuts: tuple[Cut, ...]  # in ``CUTS`` order
    loss_range: tuple[float, float]


def _window_points(param: str) -> np.ndarray:
    """Every value of ``param`` the cut figures must show, for all three rates together.

    The one-step points always; of the walks, the iterates whose loss stays below
    VIEW_LOSS_FACTOR × the start's, so a walk that climbs away is seen leaving the window.
    """
    p = _param(param)
    points = []
    for lr in RATES.values():
        step = one_step(p.name, lr)
        points += [step.before, step.after]
        run = cut_run(p.name, lr)
        kept = run.losses <= VIEW_LOSS_FACTOR * run.losses[0]
        points += list(run.params[kept, p.index])
    return np.array(points)


@lru_cache(maxsize=None)
def cut_axes() -> CutAxes:
    """The shared windows of the one-step and steps-on-cuts figures, and their loss range."""
    s = _original()
    x, y = s.split.x_train, s.split.y_train
    points = {name: _window_points(name) for name in CUTS}
    hulls = {name: (float(v.min()), float(v.max())) for name, v in points.items()}
    width = (1 + 2 * VIEW_MARGIN) * max(hi - lo for lo, hi in hulls.values())
    cuts = []
    for name in CUTS:
        p = _param(name)
        lo, hi = hulls[name]
        # a window of the common width, centred on what this cut must show
        centre = (lo + hi) / 2
        window = (float(centre - width / 2), float(centre + width / 2))
        values = np.linspace(*window, CUT_SAMPLES)
        loss = model.loss_along(s.snapped_start, p.index, values, x, y)
        other = _other(p)
        cuts.append(Cut(p, other, float(s.snapped_start[other.index]), window, values, loss))
    top = max(float(cut.loss.max()) for cut in cuts)
    return CutAxes(tuple(cuts), (0.0, (1 + VIEW_MARGIN) * top))


# ---------------------------------------------------------------- results the figures draw


@dataclass(frozen=True)
class OneStepView:
    """One step on each cut with one learning rate, drawn on the chapter's shared cut axes."""

    rate: str
    lr: float
    steps: tuple[OneStep, ...]  # in ``CUTS`` order
    axes: CutAxes


def one_step_view(rate: str) -> OneStepView:
    """The "one step" figure of one rate (a key of ``RATES``)."""
    lr = _rate(rate)
    return OneStepView(rate, lr, tuple(one_step(name, lr) for name in CUTS), cut_axes())


@dataclass(frozen=True)
class CutWalk:
    """Steps along one cut: the varied parameter and the loss after k steps, k = 0 … steps."""

    param: model.Parameter
    values: np.ndarray
    losses: np.ndarray
    rose: np.ndarray  # rose[k]: step k + 1 raised the loss

    @property
    def steps(self) -> int:
        return len(self.losses) - 1


@dataclass(frozen=True)
class CutWalksView:
    """``CUT_STEPS`` steps along each cut with one learning rate, on the shared cut axes."""

    rate: str
    lr: float
    walks: tuple[CutWalk, ...]  # in ``CUTS`` order
    axes: CutAxes
    steps: int  # the longest walk's steps
    frames: int  # one frame per step, and one for the start


def _walk(param: str, lr: float) -> CutWalk:
    p = _param(param)
    run = cut_run(p.name, lr)
    return CutWalk(p, run.params[:, p.index], run.losses, np.diff(run.losses) > 0)


def cut_walks_view(rate: str) -> CutWalksView:
    """The "steps on cuts" animation of one rate (a key of ``RATES``)."""
    lr = _rate(rate)
    walks = tuple(_walk(name, lr) for name in CUTS)
    steps = max(walk.steps for walk in walks)
    return CutWalksView(rate, lr, walks, cut_axes(), steps, steps + 1)


@dataclass(frozen=True)
class DescentView:
    """Full gradient descent with one rate: the path on the contour map and the loss per epoch.

    The map window and the loss axis are the same for all three rates; a run that diverges
    leaves both through their edges.
    """

    rate: str
    lr: float
    run: Trajectory
    rose: np.ndarray  # rose[k]: epoch k + 1 raised the loss
    grid: surface.LossGrid
    start: np.ndarray
    solution: np.ndarray
    solution_loss: float
    epochs: int  # epochs asked for (the loss axis's length)
    loss_range: tuple[float, float]  # log-scale loss axis shared by the three rates
    frame_epochs: np.ndarray  # the epoch each frame shows, from 0 to the last one taken


@lru_cache(maxsize=None)
def descent_loss_range() -> tuple[float, float]:
    """The shared loss axis: from the decade below the least-squares loss to a decade above the
    highest loss of the runs that converge (a diverging run leaves it through the top)."""
    s = _original()
    converging = [full_run(lr) for lr in RATES.values() if not full_run(lr).diverged]
    highest = max(float(run.losses.max()) for run in converging)
    return 10.0 ** math.floor(math.log10(s.solution_loss)), 10.0 ** (math.ceil(math.log10(highest)) + 1)


def frame_epochs(steps: int) -> np.ndarray:
    """The epochs the frames show: each one up to DESCENT_EVERY_UNTIL, then every DESCENT_STRIDE-th,
    always ending on the last epoch taken."""
    early = np.arange(min(steps, DESCENT_EVERY_UNTIL) + 1)
    late = np.arange(DESCENT_EVERY_UNTIL + DESCENT_STRIDE, steps + 1, DESCENT_STRIDE)
    return np.unique(np.concatenate([early, late, [steps]])).astype(int)


def descent_view(rate: str) -> DescentView:
    """The "descent" animation of one rate (a key of ``RATES``)."""
    lr = _rate(rate)
    s = _original()
    run = full_run(lr)
    return DescentView(
        rate, lr, run, np.diff(run.losses) > 0, s.grid, s.start, s.solution, s.solution_loss,
        EPOCHS, descent_loss_range(), frame_epochs(run.steps),
    )


# ---------------------------------------------------------------- facts


def facts() -> dict[str, Fact]:
    small, big, very_big = RATES["small"], RATES["big"], RATES["very_big"]
    return {
        "lr_small": Fact(small, "g"),
        "lr_big": Fact(big, "g"),
        "lr_very_big": Fact(very_big, "g"),
        "cut_steps": Fact(CUT_STEPS, "d"),
        "epochs": Fact(EPOCHS, "d"),
        "one_small_w_move": Fact(one_step("w", small).move),
        "one_small_w_loss": Fact(one_step("w", small).loss_after),
        "one_small_b_move": Fact(one_step("b", small).move),
        "one_small_b_loss": Fact(one_step("b", small).loss_after),
        "one_big_w_move": Fact(one_step("w", big).move),
        "one_big_w_loss": Fact(one_step("w", big).loss_after),
        "one_big_b_move": Fact(one_step("b", big).move),
        "one_big_b_loss": Fact(one_step("b", big).loss_after),
        "one_very_big_w_move": Fact(one_step("w", very_big).move),
        "one_very_big_w_loss": Fact(one_step("w", very_big).loss_after),
        "one_very_big_b_move": Fact(one_step("b", very_big).move),
        "one_very_big_b_loss": Fact(one_step("b", very_big).loss_after),
        "cut_small_w_final": Fact(cut_run("w", small).final[model.BY_NAME["w"].index]),
        "cut_small_b_final": Fact(cut_run("b", small).final[model.BY_NAME["b"].index]),
        "cut_big_b_loss": Fact(cut_run("b", big).losses[-1], ".3g"),
        "cut_very_big_b_loss": Fact(cut_run("b", very_big).losses[-1], ".3g"),
        "full_small_loss": Fact(full_run(small).losses[-1], ".4f"),
        "full_big_loss": Fact(full_run(big).losses[-1], ".4f"),
        "full_very_big_steps": Fact(full_run(very_big).steps, "d"),
    }


# ---------------------------------------------------------------- figures

_ONE_STEP_ALT_TAIL = (
    " Both panels share one loss axis, and the two windows have the same width, so the curves' bends "
    "compare by eye; all three one-step figures use these same axes."
)

ASSETS = (
    Asset(
        "one-step-small",
        STILL,
        data=one_step_view,
        draw="one_step",
        params={"rate": "small"},
        alt=(
            "Two loss curves in two panels, w varying in the first (left, or on top on a narrow screen) and b "
            "in the second, each with an orange-red dot at the snapped start and a blue dot one step later with "
            "learning rate {lr_small}, joined by an arrow. In the w panel w moves right by {one_small_w_move} "
            "and the loss falls from {snap_loss} to {one_small_w_loss}; in the b panel b moves right by "
            "{one_small_b_move} and the loss falls to {one_small_b_loss}. Both steps stay on the near side of "
            "their curve's lowest point."
            + _ONE_STEP_ALT_TAIL
        ),
        caption=(
            "η = {lr_small}: the moves are η × the exact derivative, {one_small_w_move} in w and "
            "{one_small_b_move} in b; both steps go downhill."
        ),
    ),
    Asset(
        "one-step-big",
        STILL,
        data=one_step_view,
        draw="one_step",
        params={"rate": "big"},
        alt=(
            "The same two curves with learning rate {lr_big}. In the w panel, w moves right by {one_big_w_move} "
            "and the loss falls to {one_big_w_loss}, still on the near side of the minimum. In the b panel, b "
            "moves by {one_big_b_move}, jumps over the curve's lowest point and lands on the far side, at loss "
            "{one_big_b_loss}: lower than before, but past the bottom." + _ONE_STEP_ALT_TAIL
        ),
        caption=(
            "η = {lr_big}: the step in b ({one_big_b_move}) overshoots the bottom of its curve and lands on the "
            "other side; w, on a flatter curve, is still fine."
        ),
    ),
    Asset(
        "one-step-very-big",
        STILL,
        data=one_step_view,
        draw="one_step",
        params={"rate": "very_big"},
        alt=(
            "The same two curves with learning rate {lr_very_big}. In the w panel, w moves by "
            "{one_very_big_w_move} and the loss falls to {one_very_big_w_loss}. In the b panel, b moves by "
            "{one_very_big_b_move}, far past the lowest point, and lands higher up the other side: the loss "
            "rises from {snap_loss} to {one_very_big_b_loss}, so that step and its dot are drawn in purple, "
            "the colour of a step that raised the loss." + _ONE_STEP_ALT_TAIL
        ),
        caption=(
            "η = {lr_very_big}: on the steep b curve the step climbs to a higher loss ({one_very_big_b_loss} "
            "instead of {snap_loss}); the flatter w curve still takes it."
        ),
    ),
    Asset(
        "steps-on-cuts-small",
        ANIMATION,
        data=cut_walks_view,
        draw="steps_on_cuts",
        params={"rate": "small"},
        alt=(
            "Animation of {cut_steps} steps with learning rate {lr_small} along each cross-section, on the same "
            "axes as the one-step figures. In the w panel, w creeps down its curve from one side in shrinking "
            "blue steps and ends near {cut_small_w_final}; in the b panel, b does the same on its steeper curve "
            "and ends near {cut_small_b_final}. No step crosses the bottom."
        ),
        caption="η = {lr_small} along each cross-section: steady, one-sided progress towards each curve's lowest point.",
    ),
    Asset(
        "steps-on-cuts-big",
        ANIMATION,
        data=cut_walks_view,
        draw="steps_on_cuts",
        params={"rate": "big"},
        alt=(
            "Animation of {cut_steps} steps with learning rate {lr_big}, on the same axes as the other two. "
            "In the w panel, w takes large steps down its flat curve and settles near its bottom. In the b "
            "panel, b zig-zags: every step jumps across the bottom of the steep curve to the other side, each "
            "time a little lower, settling at loss {cut_big_b_loss}."
        ),
        caption="η = {lr_big}: b overshoots on every step and zig-zags in, converging all the same.",
    ),
    Asset(
        "steps-on-cuts-very-big",
        ANIMATION,
        data=cut_walks_view,
        draw="steps_on_cuts",
        params={"rate": "very_big"},
        alt=(
            "Animation of {cut_steps} steps with learning rate {lr_very_big}, on the same axes as the other "
            "two. In the w panel, w still reaches the bottom of its flat curve. In the b panel, b jumps from "
            "side to side of its steep curve, landing higher each time, every step drawn in purple because it "
            "raised the loss; after two jumps the zig-zag leaves the top of the chart and a note in the bowl "
            "says so. After {cut_steps} steps the loss along b is {cut_very_big_b_loss}."
        ),
        caption="η = {lr_very_big}: along b every step lands higher than the last, climbing out of the valley.",
    ),
    Asset(
        "descent-small",
        ANIMATION,
        data=descent_view,
        draw="descent",
        params={"rate": "small"},
        alt=(
            "Animation over {epochs} epochs with learning rate {lr_small}, in two panels. First (left, or on "
            "top on a narrow screen), the contour map: the white path leaves the random start, heads quickly "
            "into the valley, then bends and creeps along the valley floor towards the green star of the "
            "least-squares minimum. Second, the loss per epoch on a log scale falls fast, then slowly, ending at "
            "{full_small_loss}, above the dashed least-squares loss {lstsq_loss}; a counter in the loss panel "
            "shows the epoch and its loss. The three descent animations share the map window and the loss axis."
        ),
        caption=(
            "Full gradient descent, η = {lr_small}: quickly into the valley, then slowly along it; after "
            "{epochs} epochs the loss is {full_small_loss}."
        ),
    ),
    Asset(
        "descent-big",
        ANIMATION,
        data=descent_view,
        draw="descent",
        params={"rate": "big"},
        alt=(
            "Animation over {epochs} epochs with learning rate {lr_big}, on the same map and loss axis as the "
            "other two. On the contour map the path zig-zags across the valley from wall to wall, drifting "
            "slowly towards the star. The loss falls steadily but slowly, a straight line on the log scale, "
            "and ends at {full_big_loss}, far above the smaller rate's {full_small_loss}."
        ),
        caption=(
            "η = {lr_big}: each step crosses the valley; the run still converges, but after {epochs} epochs it "
            "is behind the smaller rate (loss {full_big_loss})."
        ),
    ),
    Asset(
        "descent-very-big",
        ANIMATION,
        data=descent_view,
        draw="descent",
        params={"rate": "very_big"},
        alt=(
            "Animation with learning rate {lr_very_big}, on the same map and loss axis as the other two. The "
            "path jumps across the valley, each jump longer than the last, and leaves the map. The loss climbs "
            "with every epoch, each rise marked in purple, and leaves the top of the log-scale axis; after "
            "{full_very_big_steps} epochs the run is stopped and marked as diverged."
        ),
        caption=(
            "η = {lr_very_big}: the jumps grow every epoch; the run diverges and is stopped after "
            "{full_very_big_steps} epochs."
        ),
    ),
)
