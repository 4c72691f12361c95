"""Paired comparisons over seeds (gdsim.paired) and the practice part's reference rate (gdsim.reference)."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from gdsim import paired, reference, sgd, workload


def test_spread_matches_the_statistics_module():
    values = [0.082, 0.097, 0.071, 0.080, 0.089]
    s = paired.spread(values)
    assert s.mean == pytest.approx(statistics.fmean(values), rel=1e-15)
    assert s.sd == pytest.approx(statistics.stdev(values), rel=1e-12)
    assert (s.low, s.high, s.blown) == (0.071, 0.097, 0)


def test_a_blow_up_makes_the_mean_and_sd_infinite_and_is_counted():
    s = paired.spread([0.1, math.inf, 0.2])
    assert s.mean == math.inf and s.sd == math.inf and s.blown == 1


@pytest.mark.parametrize("bad", [[0.1], [], [[0.1, 0.2]], [0.1, math.nan], [0.1, -math.inf]])
def test_a_spread_refuses_what_is_not_one_number_per_seed(bad):
    with pytest.raises(ValueError):
        paired.spread(bad)


def test_wins_count_the_seeds_where_the_first_is_strictly_lower():
    a, b = [0.1, 0.2, 0.3, 0.4, math.inf], [0.2, 0.2, 0.1, 0.5, 0.3]
    assert paired.wins(a, b) == sum(x < y for x, y in zip(a, b)) == 2
    assert paired.wins(b, a) == 2  # ties count for neither
    with pytest.raises(ValueError, match="same seeds"):
        paired.wins([0.1, 0.2], [0.1, 0.2, 0.3])


def test_spreads_and_best_per_seed_read_a_table_by_columns_and_rows():
    table = np.array([[3.0, 1.0, 2.0], [1.0, 2.0, 3.0]])
    assert [s.mean for s in paired.spreads(table)] == [2.0, 1.5, 2.5]
    assert paired.best_per_seed(table).tolist() == [1, 0]
    with pytest.raises(ValueError):
        paired.spreads([1.0, 2.0])


@pytest.mark.parametrize("bad", [(0,), (0, 0), (0, -1), (0, 1.5)])
def test_seeds_must_be_distinct_non_negative_whole_numbers(bad):
    with pytest.raises(ValueError):
        paired.seeds(bad)


def test_the_seeds_are_five_at_least():
    assert len(paired.seeds()) >= 5


def test_a_stored_reference_run_is_the_run_sgd_gives():
    lr, seed = float(reference.grid()[7]), 3
    fresh = sgd.train(workload.MLP, workload.data(), lr, reference.EPOCHS, workload.BATCH_SIZE, seed)
    np.testing.assert_array_equal(reference.run(lr, seed).epoch_val_loss, fresh.epoch_val_loss)


def test_the_reference_rate_is_the_lowest_mean_over_the_seeds():
    lrs = reference.grid()
    # the mean of each rate's final validation loss over the seeds, in plain Python
    means = [statistics.fmean(reference.run(float(lr), s).final_val_loss for s in paired.SEEDS) for lr in lrs]
    curve = reference.curve()
    assert curve.rate == lrs[means.index(min(means))] == reference.rate()
    assert curve.largest_stable < curve.first_blown
    assert not any(reference.run(curve.largest_stable, s).diverged for s in paired.SEEDS)
    assert any(reference.run(curve.first_blown, s).diverged for s in paired.SEEDS)
    # one seed's winner is not the rule: the seeds disagree about their own best rate here
    assert len(set(curve.best_per_seed.tolist())) > 1


def test_a_paired_difference_is_the_seed_by_seed_subtraction():
    a, b = [0.10, 0.12, 0.09, 0.11, 0.10], [0.11, 0.11, 0.10, 0.13, 0.12]
    diff = [x - y for x, y in zip(a, b)]
    s = paired.difference(a, b)
    assert s.mean == pytest.approx(statistics.fmean(diff), abs=1e-15)
    assert s.sd == pytest.approx(statistics.stdev(diff), rel=1e-12)
    with pytest.raises(ValueError, match="same seeds"):
        paired.difference([0.1, 0.2], [0.1, 0.2, 0.3])
