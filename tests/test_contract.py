"""The input contract, table-driven: every public function that takes data, labels, a rate or a
count refuses every class of bad input (NaN, inf, empty, wrong shape, wrong type, out of range,
huge) with a ValueError naming the argument, and takes NumPy scalars wherever it takes numbers."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from gdsim import lr_range, network, quadratic, schedules, search, sgd, sharpness, stability, workload
from gdsim.descent import gradient_descent, minibatch_gradient_descent
from gdsim.hypergradient import sgd_hd

pytestmark = pytest.mark.code_only
NET = workload.SOFTMAX


def small():
    """40 training and 10 validation digits: enough to call everything, fast."""
    d = workload.data()
    return dataclasses.replace(d, x_train=d.x_train[:40], y_train=d.y_train[:40], x_val=d.x_val[:10], y_val=d.y_val[:10])


DATA = small()
PARAMS = network.initial(NET, 0)
X1, Y1 = np.linspace(-1, 1, 12), np.linspace(0, 2, 12)
START = np.array([0.5, -0.5])
X, LABELS = DATA.x_train, DATA.y_train


def broken(**parts):
    return dataclasses.replace(DATA, **parts)


NAN_X = X.copy()
NAN_X[3, 5] = np.nan
INF_X = X.copy()
INF_X[0, 0] = np.inf

# Bad values by kind, each with the class it stands for.
RATES = {"nan": math.nan, "inf": math.inf, "negative": -0.1, "zero": 0.0, "bool": True, "string": "0.1",
         "none": None, "array": [0.1, 0.2]}
COUNTS = {"zero": 0, "negative": -3, "fraction": 2.5, "bool": True, "string": "10", "none": None,
          "huge": 10**12, "nan": math.nan}
VECTORS = {"empty": [], "nan": [0.1, math.nan] * 6, "inf": [math.inf] * 12, "2-D": [[0.1] * 12],
           "string": "abc", "short": [0.1] * 11}
FEATURES = {"nan": NAN_X, "inf": INF_X, "empty": X[:0], "1-D": X[0], "columns": X[:, :10], "string": "x"}
LABEL_SETS = {"too high": np.where(LABELS == 0, 10, LABELS), "negative": np.where(LABELS == 0, -1, LABELS),
              "fraction": LABELS + 0.5, "short": LABELS[:-1], "nan": np.full(len(LABELS), np.nan),
              "bool": LABELS > 4, "string": np.array(["a"] * len(LABELS))}
SPLITS = {"nan x": broken(x_train=NAN_X), "inf x": broken(x_val=np.full_like(DATA.x_val, np.inf)),
          "label out of range": broken(y_train=np.where(LABELS == 0, 10, LABELS)),
          "label −1": broken(y_val=np.where(DATA.y_val == DATA.y_val[0], -1, DATA.y_val)),
          "fractional label": broken(y_train=LABELS + 0.25), "short labels": broken(y_train=LABELS[:-1]),
          "empty validation": broken(x_val=DATA.x_val[:0], y_val=DATA.y_val[:0]),
          "empty training": broken(x_train=X[:0], y_train=LABELS[:0]),
          "wrong columns": broken(x_train=X[:, :8]), "not a split": (X, LABELS)}

# (function, its valid arguments, {argument: (bad values, words the message names it by)})
TABLE = [
    (gradient_descent, dict(x=X1, y=Y1, start=START, lr=0.2, steps=5),
     {"x": (VECTORS, "x"), "y": (VECTORS, "y"), "start": ({**VECTORS, "3": [1, 2, 3]}, "start"),
      "lr": (RATES, "learning rate"), "steps": (COUNTS, "steps")}),
    (minibatch_gradient_descent, dict(x=X1, y=Y1, start=START, lr=0.2, epochs=2, batch_size=4, seed=0),
     {"x": (VECTORS, "x"), "lr": (RATES, "learning rate"), "epochs": (COUNTS, "epochs"),
      "batch_size": ({**COUNTS, "above n": 13}, "batch size"), "seed": ({"negative": -1, "bool": True}, "seed")}),
    (stability.max_stable_lr, dict(X=stability.design_matrix(X1)),
     {"X": ({"nan": [[1.0, math.nan]], "empty": np.zeros((0, 2)), "1-D": [1.0, 2.0], "string": "X"}, "design matrix")}),
    (quadratic.iterates, dict(theta0=2.0, lr=0.5, steps=3),
     {"theta0": ({"nan": math.nan, "inf": math.inf, "bool": True, "string": "2"}, "theta0"),
      "lr": (RATES, "learning rate"), "steps": (COUNTS, "steps")}),
    (network.loss_and_gradient, dict(net=NET, params=PARAMS, x=X, labels=LABELS),
     {"params": ({**VECTORS, "nan": np.full(NET.size, np.nan)}, "params"), "x": (FEATURES, "x"),
      "labels": (LABEL_SETS, "labels")}),
    (network.loss, dict(net=NET, params=PARAMS, x=X, labels=LABELS), {"x": (FEATURES, "x"), "labels": (LABEL_SETS, "labels")}),
    (network.accuracy, dict(net=NET, params=PARAMS, x=X, labels=LABELS), {"labels": (LABEL_SETS, "labels")}),
    (network.scores, dict(net=NET, params=PARAMS, x=X), {"x": (FEATURES, "x")}),
    (network.hessian_vector_product, dict(net=NET, params=PARAMS, x=X, labels=LABELS, v=PARAMS),
     {"labels": (LABEL_SETS, "labels"), "v": ({"nan": np.full(NET.size, np.nan), "short": PARAMS[:-1]}, "v")}),
    (sgd.train, dict(net=NET, data=DATA, lr=0.1, epochs=1, batch_size=8),
     {"data": (SPLITS, ""), "lr": ({**RATES, "cosine past its total": schedules.schedule("cosine", lr0=1.0, total=2)},
                                   "rate"),
      "epochs": (COUNTS, "epochs"), "batch_size": ({**COUNTS, "above n": 41}, "batch size")}),
    (sgd_hd, dict(net=NET, data=DATA, lr0=0.1, beta=0.0, epochs=1, batch_size=8),
     {"data": (SPLITS, ""), "lr0": (RATES, "learning rate"),
      "beta": ({"nan": math.nan, "negative": -1.0, "bool": True, "string": "0"}, "beta")}),
    (lr_range.range_test, dict(net=NET, data=DATA, lr_min=1e-3, lr_max=1.0, steps=5, batch_size=8),
     {"data": (SPLITS, ""), "lr_min": (RATES, "lr_min"), "steps": (COUNTS, "steps"),
      "mode": ({"unknown": "cubic", "none": None}, "mode")}),
    (lr_range.range_test_least_squares, dict(x=X1, y=Y1, start=START, lr_min=1e-3, lr_max=1.0, steps=5),
     {"x": (VECTORS, "x"), "start": ({"3": [1, 2, 3], "nan": [math.nan, 0]}, "start"), "lr_max": (RATES, "lr_max")}),
    (lr_range.smooth, dict(losses=[1.0, 0.5, 0.25]),
     {"losses": ({"empty": [], "nan": [1.0, math.nan], "string": "abc"}, "losses"),
      "beta": ({"one": 1.0, "negative": -0.5, "nan": math.nan, "bool": True}, "")}),
    (search.grid_search, dict(net=NET, data=DATA, lrs=[0.1, 1.0], epochs=1),
     {"data": (SPLITS, ""), "lrs": ({"empty": [], "nan": [0.1, math.nan], "negative": [-1.0, 1.0],
                                     "decreasing": [1.0, 0.1]}, "lrs"), "epochs": (COUNTS, "epochs")}),
    (search.decades, dict(low=1e-3, high=1.0),
     {"low": (RATES, "learning rate"), "high": ({**RATES, "huge range": 1e300}, "")}),
    (search.fine_grid, dict(best=0.1, points=5), {"best": (RATES, "learning rate"), "points": (COUNTS, "points")}),
    (sharpness.top_eigenvalue, dict(product=lambda v: 2.0 * v, size=3),
     {"size": (COUNTS, "size"), "tol": ({"zero": 0.0, "one": 1.0, "nan": math.nan}, "tolerance"),
      "product": ({"nan": lambda v: v * math.nan}, "non-finite")}),
    (sharpness.hessian, dict(product=lambda v: 2.0 * v, size=3), {"size": ({**COUNTS, "too large": 20_000}, "size")}),
    (sharpness.network_sharpness, dict(net=NET, params=PARAMS, x=X, labels=LABELS),
     {"x": (FEATURES, "x"), "labels": (LABEL_SETS, "labels"), "params": ({"short": PARAMS[:-1]}, "params")}),
    (sharpness.descent_with_sharpness, dict(net=NET, x=X, labels=LABELS, lr=0.1, steps=2, every=1, start=PARAMS),
     {"x": (FEATURES, "x"), "labels": (LABEL_SETS, "labels"), "lr": (RATES, "learning rate"),
      "steps": (COUNTS, "steps"), "every": ({"huge run": 1}, "measurements")}),
    (schedules.schedule, dict(name="cosine", lr0=1.0, total=10),
     {"name": ({"unknown": "linear", "none": None}, "schedule"), "lr0": (RATES, "learning rate"),
      "total": (COUNTS, "total")}),
]
CASES = [pytest.param(function, valid, argument, bad, words, id=f"{function.__name__}-{argument}-{kind}")
         for function, valid, arguments in TABLE for argument, (values, words) in arguments.items()
         for kind, bad in values.items()]


def test_every_function_runs_on_its_valid_arguments():
    """The table's good arguments are good: each bad case differs from a call that works in one place."""
    for function, valid, _ in TABLE:
        function(**valid)


@pytest.mark.parametrize("function, valid, argument, bad, words", CASES)
def test_bad_input_is_a_value_error_naming_the_argument(function, valid, argument, bad, words):
    arguments = {**valid, argument: bad}
    if function is sharpness.descent_with_sharpness and argument == "every":
        arguments["steps"] = 10**6
    with pytest.raises(ValueError) as error, np.errstate(all="raise"):  # a NumPy warning on the way is a failure too
        function(**arguments)
    assert words.lower() in str(error.value).lower(), f"{function.__name__}({argument}=…): {error.value}"


def test_numpy_scalars_are_numbers():
    f32, i64 = np.float32, np.int64
    assert gradient_descent(X1, Y1, START, f32(0.2), i64(5)).params.shape == (6, 2)
    assert len(sgd.train(NET, DATA, np.float64(0.1), i64(1), batch_size=np.int32(8)).step_loss) == 5
    assert schedules.schedule("cosine", lr0=f32(1.0), total=i64(10))(0) == pytest.approx(1.0)
    assert np.allclose(search.decades(np.float64(1e-3), np.float64(1.0)), [1e-3, 1e-2, 1e-1, 1.0])
    assert quadratic.iterates(f32(2.0), f32(0.25), i64(2)).shape == (3,)


def test_a_cosine_that_ends_with_the_run_works_and_one_that_ends_before_is_named_before_any_work():
    steps = 5  # 40 points in batches of 8
    run = sgd.train(NET, DATA, schedules.schedule("cosine", lr0=1.0, total=steps, lr_min=0.01), epochs=1, batch_size=8)
    assert len(run.step_lr) == steps and run.step_lr[-1] > 0
    with pytest.raises(ValueError, match=r"schedule 'cosine' gives learning rate 0 at step 5 of the run's 10 steps"):
        sgd.train(NET, DATA, schedules.schedule("cosine", lr0=1.0, total=steps), epochs=2, batch_size=8)
