"""Chapter "Searching for a learning rate" and gdsim.search: coarse to fine, the border, successive halving."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdsim import network, reference, sgd, workload
from gdsim.chapters import lr_search
from gdsim.digits import Split
from gdsim.search import (
    CoarseToFine,
    Grid,
    Resumable,
    border,
    coarse_to_fine,
    decades,
    fine_grid,
    grid_search,
    keep_better_half,
    log_uniform,
    random_search,
    successive_halving,
)

NET = workload.MLP


@pytest.fixture(scope="module")
def data():
    return workload.data()


@pytest.fixture(scope="module")
def per_epoch(data):
    """Steps per epoch counted from the data: ⌈1,438 / 32⌉ batches."""
    return -(-len(data.y_train) // workload.BATCH_SIZE)


@pytest.fixture(scope="module")
def facts():
    return lr_search.facts()


# ---------------------------------------------------------------- resuming a run


def test_a_resumed_run_equals_one_run_straight_through(data):
    """Oracle: sgd.train for 1 + 1 + 2 + 4 epochs in one go; bit for bit the same parameters."""
    run = Resumable(NET, data, 1.5, workload.BATCH_SIZE, workload.SEED)
    for epochs in (1, 1, 2, 4):
        run.advance(epochs)
    straight = sgd.train(NET, data, 1.5, 8, workload.BATCH_SIZE, workload.SEED)
    assert np.array_equal(run.params, straight.params)
    assert run.final_val_loss == straight.final_val_loss and run.steps == straight.steps == 8 * 45
    assert run.epochs == 8 and not run.diverged


def test_restarting_sgd_train_from_its_parameters_is_not_the_same_run(data):
    """Why Resumable exists: sgd.train(start=…) shuffles from the seed again, so 4 + 4 epochs differ from 8."""
    half = sgd.train(NET, data, 1.5, 4)
    restarted = sgd.train(NET, data, 1.5, 4, start=half.params)
    assert not np.allclose(restarted.params, sgd.train(NET, data, 1.5, 8).params)


def test_a_resumed_run_blows_up_where_sgd_train_does(data):
    run = Resumable(NET, data, 10.0)
    taken = run.advance(1)
    straight = sgd.train(NET, data, 10.0, 1)
    assert run.diverged and straight.diverged and taken == straight.steps < 45
    assert run.final_val_loss == math.inf and run.advance(3) == 0


# ---------------------------------------------------------------- coarse to fine


def test_the_coarse_grid_is_one_rate_per_decade():
    lrs = decades(1e-7, 1.0)
    assert len(lrs) == 8 and lrs[0] == pytest.approx(1e-7) and lrs[-1] == pytest.approx(1.0)
    assert np.allclose(lrs[1:] / lrs[:-1], 10.0)
    assert np.allclose(decades(0.03, 300.0), [0.03, 0.3, 3.0, 30.0, 300.0])


def test_the_fine_grid_lies_inside_the_best_decade_centred_on_the_best():
    for best in (1.0, 0.01, 7.0):
        lrs = fine_grid(best, 8)
        assert np.all(lrs > best / math.sqrt(10)) and np.all(lrs < best * math.sqrt(10))
        logs = np.log10(lrs)
        # equal parts of the decade, the first and last half a part from its ends
        assert np.allclose(np.diff(logs), 1 / 8)
        assert logs[0] - (math.log10(best) - 0.5) == pytest.approx(1 / 16)
        assert np.exp(np.mean(np.log(lrs))) == pytest.approx(best)


def _grid(losses):
    losses = np.asarray(losses, dtype=float)
    return Grid(10.0 ** np.arange(len(losses)), losses, 0)


def test_border_detection():
    assert border(_grid([0.1, 0.5, 0.9])) == "low"
    assert border(_grid([0.9, 0.5, 0.1])) == "high"
    assert border(_grid([0.9, 0.1, 0.5])) is None
    assert border(_grid([0.9, 0.1, math.inf])) is None  # a blown-up neighbour closes the range
    assert border(_grid([math.inf, math.inf, math.inf])) == "low"  # everything blew up: go lower


def test_the_chapters_coarse_search_puts_the_best_on_the_border_and_widens_it():
    c = lr_search.coarse_to_fine()
    assert c.first_border == "high" and c.first.best_lr == pytest.approx(1.0)
    # the loss was still falling at the top of the range
    assert np.all(np.diff(c.first.val_loss[-4:]) < 0)
    assert c.extensions == 1 and c.coarse.lrs[-1] == pytest.approx(10.0) and c.coarse.diverged[-1]
    assert c.settled and border(c.coarse) is None and c.coarse.best_lr == pytest.approx(1.0)
    assert c.decade == pytest.approx((10**-0.5, 10**0.5))
    assert np.all((c.fine.lrs > c.decade[0]) & (c.fine.lrs < c.decade[1]))
    # the answer lies outside the first range: refining inside it could not have found it
    assert c.best_lr > c.first.lrs[-1]


def test_a_range_that_only_blows_up_is_widened_downwards(data):
    c = coarse_to_fine(NET, data, 10.0, 1000.0, coarse_epochs=1, fine_epochs=1, fine_points=2)
    assert c.first_border == "low" and c.first.diverged.all()
    assert np.allclose(c.coarse.lrs, [0.1, 1.0, 10.0, 100.0, 1000.0]) and c.settled
    assert c.coarse.best_lr == pytest.approx(1.0) and c.extensions == 2


def test_the_coarse_stage_steps_are_one_epoch_per_rate_that_learns(per_epoch):
    c = lr_search.coarse_to_fine()
    learns = int(np.sum(~c.first.diverged))
    assert c.first.steps == learns * per_epoch
    assert c.fine.steps == lr_search.FINE_POINTS * lr_search.FINE_EPOCHS * per_epoch


# ---------------------------------------------------------------- successive halving


def test_successive_halving_picks_the_full_grids_best_rate_with_fewer_steps():
    """The issue's test: on the chapter's demo, the same winner as training every candidate fully."""
    h, full = lr_search.halving(), lr_search.full()
    assert h.max_epochs == lr_search.FINE_EPOCHS
    assert h.best_lr == full.best_lr
    assert h.steps < full.steps
    # the winner is one run, trained as long as in the full grid: the same validation loss exactly
    assert h.final_val_loss == full.val_loss[np.flatnonzero(full.lrs == h.best_lr)[0]]


def test_step_counts_are_rounds_times_candidates_times_steps_per_epoch(per_epoch):
    """Independent count: round k has 8/2^k candidates, each resumed from 2^(k−1) to 2^k epochs."""
    h, full = lr_search.halving(), lr_search.full()
    n, counted, before = len(full.lrs), [], 0
    for k in range(4):
        budget = 2**k
        counted.append((n // 2**k) * (budget - before) * per_epoch)
        before = budget
    assert [r.steps for r in h.rounds] == counted == [360, 180, 180, 180]
    assert h.steps == sum(counted) == 900
    assert full.steps == n * 8 * per_epoch == 2880
    assert lr_search.scratch_steps(h, per_epoch) == per_epoch * (8 * 1 + 4 * 2 + 2 * 4 + 1 * 8)


def test_every_round_keeps_the_better_half_and_its_losses_are_the_full_runs_at_that_budget():
    """Oracle: the full grid's sgd.train runs, read at each round's budget."""
    h, full = lr_search.halving(), lr_search.full()
    alive = list(full.lrs)
    for r in h.rounds:
        assert list(r.lrs) == alive
        rows = [int(np.flatnonzero(full.lrs == lr)[0]) for lr in r.lrs]
        assert np.array_equal(r.val_loss, full.val_curves[rows, r.epochs])
        ranked = sorted(range(len(r.lrs)), key=lambda i: r.val_loss[i])
        alive = sorted(r.lrs[i] for i in ranked[: math.ceil(len(r.lrs) / 2)])
        assert list(r.survivors) == alive
    assert [r.epochs for r in h.rounds] == [1, 2, 4, 8] and len(alive) == 1


def test_keep_better_half_rounds_up_and_ranks_blow_ups_last():
    assert keep_better_half(np.array([0.3, 0.1, 0.2])).tolist() == [False, True, True]
    assert keep_better_half(np.array([math.inf, 0.5, math.inf, 0.7])).tolist() == [False, True, False, True]
    assert keep_better_half(np.array([0.4, 0.4])).tolist() == [True, False]  # a tie: the lower rate


def test_halving_with_an_odd_count_and_a_blow_up(data, per_epoch):
    h = successive_halving(NET, data, [0.3, 1.0, 30.0], min_epochs=1)
    assert [len(r.lrs) for r in h.rounds] == [3, 2, 1] and [r.epochs for r in h.rounds] == [1, 2, 4]
    assert 30.0 not in h.rounds[1].lrs
    # the blown-up run took a few steps; the others an epoch, then 1 more, then 2 more for the winner
    blown = sgd.train(NET, data, 30.0, 1).steps
    assert h.steps == 2 * per_epoch + blown + 2 * per_epoch + 2 * per_epoch


# ---------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda d: successive_halving(NET, d, []), "non-empty"),
        (lambda d: successive_halving(NET, d, [0.1, -1.0]), "positive"),
        (lambda d: successive_halving(NET, d, [0.0, 1.0]), "positive"),
        (lambda d: successive_halving(NET, d, [0.1, math.nan]), "finite"),
        (lambda d: successive_halving(NET, d, [0.1, math.inf]), "finite"),
        (lambda d: successive_halving(NET, d, [1.0, 0.1]), "increasing"),
        (lambda d: successive_halving(NET, d, [0.1, 1.0], min_epochs=0), "minimum number of epochs"),
        (lambda d: successive_halving(NET, d, [0.1, 1.0], min_epochs=1.5), "minimum number of epochs"),
        (lambda d: successive_halving(NET, d, np.geomspace(0.1, 1, 8), min_epochs=2000), "at most 10,000"),
        (lambda d: successive_halving(NET, d, [0.1, 1.0], batch_size=0), "batch size"),
        (lambda d: successive_halving(NET, d, [0.1, 1.0], seed=-1), "seed"),
        (lambda d: coarse_to_fine(NET, d, 1.0, 1.0), "below the highest"),
        (lambda d: coarse_to_fine(NET, d, 1.0, 1e-3), "below the highest"),
        (lambda d: coarse_to_fine(NET, d, 1e-3, 0.5), "power of ten"),
        (lambda d: coarse_to_fine(NET, d, -1e-3, 1.0), "learning rate"),
        (lambda d: coarse_to_fine(NET, d, 1e-3, math.inf), "learning rate"),
        (lambda d: coarse_to_fine(NET, d, coarse_epochs=0), "coarse epochs"),
        (lambda d: coarse_to_fine(NET, d, fine_epochs=0), "fine epochs"),
        (lambda d: coarse_to_fine(NET, d, fine_points=0), "fine points"),
        (lambda d: coarse_to_fine(NET, d, max_extensions=-1), "max_extensions"),
        (lambda d: fine_grid(0.0, 8), "learning rate"),
        (lambda d: decades(math.nan, 1.0), "learning rate"),
        (lambda d: Resumable(NET, d, -0.1), "learning rate"),
        (lambda d: Resumable(NET, d, 0.1).advance(0), "number of epochs"),
        (lambda d: grid_search(NET, d, [], 1), "non-empty"),
        (lambda d: log_uniform(math.nan, 1.0, 4), "learning rate"),
        (lambda d: log_uniform(0.1, 0.1, 4), "below the highest"),
        (lambda d: random_search(NET, d, 0.1, 1.0, 0, 1), "number of draws"),
        (lambda d: random_search(NET, d, 0.1, 1.0, 2, 0), "number of epochs"),
        (lambda d: random_search(NET, d, 0.1, 1.0, 2, 1, seed=-1), "seed"),
    ],
)
def test_bad_arguments_raise_a_clear_value_error(data, call, message):
    with pytest.raises(ValueError, match=message):
        call(data)


# ---------------------------------------------------------------- the chapter's numbers


def test_facts_agree_with_the_runs(facts, per_epoch):
    c, h, full = lr_search.coarse_to_fine(), lr_search.halving(), lr_search.full()
    assert facts["search_epoch_steps"].value == per_epoch
    assert facts["search_decades"].value == 8 and facts["search_low_exp"].value == -7
    assert facts["search_first_best"].value == pytest.approx(1.0) and facts["search_extra_lr"].value == pytest.approx(10.0)
    assert 0 < facts["search_extra_steps"].value < per_epoch  # it blew up within its epoch
    assert facts["search_sh_saved"].value == full.steps - h.steps == 1980
    assert facts["search_sh_best"].value == facts["search_fine_best"].value == c.best_lr
    assert facts["search_fine_above"].value == int(np.sum(c.fine.lrs > 1.0))
    # the rates that barely learnt kept more than 99 % of the untrained loss
    stuck = 10.0 ** facts["search_stuck_exp"].value
    row = int(np.argmin(np.abs(c.first.lrs - stuck)))
    assert c.first.val_loss[row] > 0.99 * facts["search_start_val"].value
    assert c.first.val_loss[row + 1] < 0.99 * facts["search_start_val"].value
    # the page: after one epoch the winner was in the last place that is kept (so keeping a quarter loses it)
    assert facts["search_winner_one_epoch_rank"].value == len(c.fine.lrs) // 2
    assert c.fine.best_lr in h.rounds[0].survivors
    # seed 0's one-epoch leader, read off the fine stage's curves after one epoch
    assert facts["search_fine_one_epoch_best"].value == pytest.approx(c.fine.lrs[np.argmin(c.fine.val_curves[:, 1])])


def test_the_exercise_counts(facts, per_epoch):
    """16 candidates from one epoch: 16, 8, 4, 2, 1 at 1, 2, 4, 8, 16 epochs, resumed."""
    resumed = per_epoch * (16 * 1 + 8 * 1 + 4 * 2 + 2 * 4 + 1 * 8)
    assert facts["search_ex_steps"].value == resumed == 2160
    assert facts["search_ex_full"].value == per_epoch * 16 * 16
    assert facts["search_ex_rounds"].value == 5 and facts["search_ex_max_epochs"].value == 16


def test_the_exercises_round_costs_and_the_scratch_sum(facts, per_epoch):
    """Oracle: the schedule written out from its definition (halve the candidates, double the
    budget, down to one) and each round's new epochs counted; the page's sums of facts add up."""
    n, budget, before, costs = lr_search.EXERCISE_CANDIDATES, lr_search.HALVING_MIN_EPOCHS, 0, []
    while True:
        costs.append(n * (budget - before))  # resumed: only the new epochs
        if n == 1:
            break
        n, budget, before = n // 2, 2 * budget, budget
    assert facts["search_ex_first_epochs"].value == costs[0] == 16
    assert facts["search_ex_later_epochs"].value == costs[1] and len(set(costs[1:])) == 1
    assert facts["search_ex_later_rounds"].value == len(costs) - 1 == facts["search_ex_rounds"].value - 1
    # the page's expression for the steps, in facts
    page = facts["search_epoch_steps"].value * (facts["search_ex_first_epochs"].value
                                                + facts["search_ex_later_rounds"].value * facts["search_ex_later_epochs"].value)
    assert page == facts["search_ex_steps"].value == per_epoch * sum(costs)
    assert facts["search_ex_full"].value == (facts["search_ex_candidates"].value * facts["search_ex_max_epochs"].value
                                             * facts["search_epoch_steps"].value)
    # exercise 3: Σ count × budget of the chapter's rounds, in facts, is the scratch count
    scratch = sum(facts[f"search_sh_r{k}_count"].value * facts[f"search_sh_r{k}_epochs"].value for k in range(1, 5))
    assert per_epoch * scratch == facts["search_scratch_steps"].value
    assert [r.lrs.size for r in lr_search.halving().rounds] == [8, 4, 2, 1]


def test_keeping_a_quarter_after_one_epoch_would_have_pruned_the_winner(facts):
    """Oracle: a quarter of the eight fine rates, and the winner's place among the losses after one epoch."""
    c = lr_search.coarse_to_fine()
    assert facts["search_quarter_kept"].value == len(c.fine.lrs) // 4 == 2
    after_one = c.fine.val_curves[:, 1]
    place = 1 + sorted(after_one).index(after_one[list(c.fine.lrs).index(c.best_lr)])
    assert facts["search_winner_one_epoch_rank"].value == place > facts["search_quarter_kept"].value


def test_round_costs_refuses_a_schedule_whose_later_rounds_differ():
    assert lr_search.round_costs(lr_search.halving_schedule(16, 1)) == (16, 8)
    with pytest.raises(ValueError, match="later rounds"):
        lr_search.round_costs(lr_search.halving_schedule(12, 1))  # 12, 6, 3, 2, 1 candidates: 6, 6, 8, 8 new epochs


def test_halvings_regret_on_every_seed_against_a_reference_loop(facts):
    """Oracle: per seed, the full grid's loss at halving's pick minus the full grid's lowest loss,
    computed here from the stored runs; never negative, zero only where it picked the winner."""
    regrets, ranks = [], []
    for seed in lr_search.SEEDS:
        h, full = lr_search.halving(seed), lr_search.full(seed)
        picked = full.val_loss[list(full.lrs).index(h.best_lr)]
        assert h.final_val_loss == picked  # the same run, paused and resumed
        regrets.append(picked - min(full.val_loss))
        ranks.append(1 + sum(v < picked for v in full.val_loss))
    assert min(regrets) >= 0
    assert facts["search_sh_regret_mean"].value == pytest.approx(np.mean(regrets))
    assert facts["search_sh_regret_sd"].value == pytest.approx(np.std(regrets, ddof=1))
    assert facts["search_sh_picked_best"].value == sum(r == 0 for r in regrets)
    worst = int(np.argmax(regrets))
    assert facts["search_sh_miss_seed"].value == lr_search.SEEDS[worst]
    assert facts["search_sh_miss_rank"].value == ranks[worst]
    # the page calls the worst pick "second worst" of the eight
    assert ranks[worst] == lr_search.FINE_POINTS - 1
    # out of seed: halving's pick and the full grid's, both scored by their mean loss on the other seeds
    fulls = [lr_search.full(s) for s in lr_search.SEEDS]
    diffs = []
    for k, seed in enumerate(lr_search.SEEDS):
        pick = list(fulls[k].lrs).index(lr_search.halving(seed).best_lr)
        win = int(np.argmin(fulls[k].val_loss))
        others = [f for j, f in enumerate(fulls) if j != k]
        diffs.append(np.mean([f.val_loss[pick] for f in others]) - np.mean([f.val_loss[win] for f in others]))
    assert facts["search_sh_out_mean"].value == pytest.approx(np.mean(diffs))
    assert facts["search_sh_out_sd"].value == pytest.approx(np.std(diffs, ddof=1))
    assert facts["search_sh_out_wins"].value == sum(d < 0 for d in diffs)
    # the page: lower out of seed on every seed where the picks differ
    assert facts["search_sh_out_wins"].value + facts["search_sh_picked_best"].value == len(lr_search.SEEDS)
    # every miss pruned the winner in some round; the fact counts those pruned after the first
    r = lr_search.seeds_result()
    for seed, h, k in zip(r.seeds, map(lr_search.halving, r.seeds), r.pruned_round):
        winner = lr_search.full(seed).best_lr
        assert (k == 0) == (h.best_lr == winner)
        if k:
            assert winner in h.rounds[k - 1].lrs and winner not in h.rounds[k - 1].survivors


def test_the_paired_floor_against_a_reference_loop(facts):
    """Oracle: per candidate, its loss minus the seed-averaged best's on the same seed, mean and sd
    computed here; on the floor when the mean is smaller than the sd."""
    fulls = np.array([lr_search.full(s).val_loss for s in lr_search.SEEDS])
    lrs = lr_search.full().lrs
    best = int(np.argmin(fulls.mean(axis=0)))
    assert facts["search_fine_mean_best"].value == lrs[best]
    gaps = [[row[j] - row[best] for row in fulls] for j in range(len(lrs))]
    floor = [j == best or abs(np.mean(g)) < np.std(g, ddof=1) for j, g in enumerate(gaps)]
    assert facts["search_floor_count"].value == sum(floor)
    on = [lrs[j] for j in range(len(lrs)) if floor[j]]
    assert facts["search_floor_low"].value == min(on) and facts["search_floor_high"].value == max(on)
    assert facts["search_floor_gap_max"].value == pytest.approx(max(np.mean(gaps[j]) for j in range(8) if floor[j]))
    assert facts["search_floor_worse_max"].value == max(sum(v > 0 for v in gaps[j]) for j in range(8) if floor[j])
    # the page: the two smallest rates are the ones off the floor, both below it
    assert floor[:2] == [False, False] and all(floor[2:])
    for j, names in ((1, ("search_floor_below1_lr", "search_floor_below1_gap_mean", "search_floor_below1_gap_sd",
                          "search_floor_below1_gap_worse")),
                     (0, ("search_floor_below2_lr", "search_floor_below2_gap_mean", "search_floor_below2_gap_sd",
                          "search_floor_below2_gap_worse"))):
        assert facts[names[0]].value == lrs[j]
        assert facts[names[1]].value == pytest.approx(np.mean(gaps[j]))
        assert np.mean(gaps[j]) > 0
        assert facts[names[2]].value == pytest.approx(np.std(gaps[j], ddof=1))
        assert facts[names[3]].value == sum(v > 0 for v in gaps[j])
    picks = [list(lrs).index(lr_search.halving(s).best_lr) for s in lr_search.SEEDS]
    assert facts["search_sh_on_floor"].value == sum(floor[p] for p in picks)
    assert facts["search_winner_on_floor"].value == sum(floor[int(np.argmin(row))] for row in fulls)


def test_the_one_epoch_order_and_a_quarter_cut_against_reference_loops(facts):
    """Oracle: Spearman's ρ as 1 − 6Σd²/(n(n²−1)) for untied ranks; the quarter kept, recomputed here."""
    rhos, lost, regrets = [], 0, []
    for seed in lr_search.SEEDS:
        fine = lr_search.full(seed)
        one, eight = fine.val_curves[:, 1], fine.val_loss
        n = len(one)
        d = np.array([sorted(one).index(v) for v in one]) - np.array([sorted(eight).index(v) for v in eight])
        rhos.append(1 - 6 * np.sum(d**2) / (n * (n**2 - 1)))
        kept = sorted(range(n), key=lambda j: one[j])[:2]
        lost += int(np.argmin(eight)) not in kept
        regrets.append(min(eight[j] for j in kept) - min(eight))
    assert facts["search_rank_corr_low"].value == pytest.approx(min(rhos))
    assert facts["search_rank_corr_high"].value == pytest.approx(max(rhos))
    assert facts["search_quarter_lost"].value == lost
    assert facts["search_quarter_regret_mean"].value == pytest.approx(np.mean(regrets))
    assert facts["search_quarter_regret_sd"].value == pytest.approx(np.std(regrets, ddof=1))
    # seed 0: the two kept, and their full losses, both higher than the winner's
    fine = lr_search.full()
    order = sorted(range(8), key=lambda j: fine.val_curves[j, 1])
    assert facts["search_quarter_first"].value == fine.lrs[order[0]]
    assert facts["search_quarter_second"].value == fine.lrs[order[1]]
    assert facts["search_quarter_first_val"].value == fine.val_loss[order[0]] > facts["search_fine_best_val"].value
    assert facts["search_quarter_second_val"].value == fine.val_loss[order[1]] > facts["search_fine_best_val"].value


def test_the_coarse_stage_ends_alike_on_every_seed(facts):
    """The page says every seed's coarse stage put the best on the top border and widened once."""
    for seed in lr_search.SEEDS:
        c = lr_search.coarse_to_fine(seed)
        assert c.first_border == "high" and c.extensions == 1 and c.coarse.best_lr == pytest.approx(1.0)
    assert facts["search_coarse_same"].value == len(lr_search.SEEDS)


def test_the_unwidened_search_refines_the_decade_below_the_border(facts):
    """Oracle: eight centres of equal parts of [0.1, 1] on the log axis; the gain is recomputed here."""
    c = lr_search.coarse_to_fine()
    lrs = lr_search.unwidened_lrs(c)
    assert np.allclose(np.log10(lrs), -1 + (np.arange(8) + 0.5) / 8)
    gains = [lr_search.unwidened(s).val_loss.min() - lr_search.full(s).val_loss.min() for s in lr_search.SEEDS]
    assert facts["search_widen_gain_mean"].value == pytest.approx(np.mean(gains))
    assert facts["search_widen_gain_sd"].value == pytest.approx(np.std(gains, ddof=1))
    assert facts["search_widen_wins"].value + facts["search_widen_ties"].value == len(lr_search.SEEDS)
    # out of seed: each search's pick on seed s scored by its mean loss on the other seeds, in a loop here
    seeds = lr_search.SEEDS
    wide = [lr_search.full(s) for s in seeds]
    narrow = [lr_search.unwidened(s) for s in seeds]
    diffs = []
    for k in range(len(seeds)):
        w, u = int(np.argmin(wide[k].val_loss)), int(np.argmin(narrow[k].val_loss))
        others = [j for j in range(len(seeds)) if j != k]
        diffs.append(sum(narrow[j].val_loss[u] for j in others) / len(others)
                     - sum(wide[j].val_loss[w] for j in others) / len(others))
    same = [np.isclose(n.best_lr, w.best_lr, rtol=1e-9) for n, w in zip(narrow, wide)]
    assert facts["search_widen_out_mean"].value == pytest.approx(np.mean(diffs))
    assert facts["search_widen_out_sd"].value == pytest.approx(np.std(diffs, ddof=1))
    assert facts["search_widen_out_wins"].value == sum(d < 0 and not t for d, t in zip(diffs, same))
    assert facts["search_other_seeds"].value == len(seeds) - 1
    # the page: scored out of seed, the unwidened picks did better on average, and on every seed they differ
    assert facts["search_widen_out_mean"].value < 0
    assert facts["search_widen_out_wins"].value + facts["search_widen_ties"].value == len(seeds)
    flat = Grid(np.array([0.1, 1.0]), np.array([0.2, 0.3]), 0)
    inside = Grid(np.array([0.1, 1.0, 10.0]), np.array([0.3, 0.2, 0.4]), 0)
    for first in (flat, inside):
        fake = CoarseToFine(first, first, border(first), True, (0.3, 3.0), first, 1, 1)
        with pytest.raises(ValueError, match="top border"):
            lr_search.unwidened_lrs(fake)


def test_log_uniform_draws_are_uniform_on_the_log_axis():
    """Oracle: the logs of many draws have the mean and variance of U(a, b), (a+b)/2 and (b−a)²/12."""
    draws = log_uniform(0.01, 100.0, 1000, seed=3)
    logs = np.log10(draws)
    assert np.all(np.diff(draws) >= 0) and draws.min() >= 0.01 and draws.max() <= 100.0
    assert np.mean(logs) == pytest.approx(0.0, abs=0.15)  # 4 standard errors
    assert np.var(logs) == pytest.approx(16 / 12, rel=0.1)
    assert np.array_equal(log_uniform(0.1, 1.0, 8, seed=1), log_uniform(0.1, 1.0, 8, seed=1))
    with pytest.raises(ValueError, match="below the highest"):
        log_uniform(1.0, 0.1, 8)
    with pytest.raises(ValueError, match="number of draws"):
        log_uniform(0.1, 1.0, 0)


def test_random_search_trains_each_draw_like_sgd_train(data):
    """Oracle: sgd.train at each drawn rate, same seed: the same final validation losses."""
    g = random_search(NET, data, 0.3, 3.0, 3, epochs=1, seed=2)
    assert np.all((g.lrs >= 0.3) & (g.lrs <= 3.0)) and len(g.lrs) == 3
    for lr, loss in zip(g.lrs, g.val_loss):
        assert loss == sgd.train(NET, data, float(lr), 1, workload.BATCH_SIZE, 2).final_val_loss


def test_random_search_facts_are_the_paired_differences(facts):
    r = lr_search.seeds_result()
    diffs = [lr_search.random(s).val_loss.min() - lr_search.full(s).val_loss.min() for s in lr_search.SEEDS]
    assert facts["search_rand_diff_mean"].value == pytest.approx(np.mean(diffs))
    assert facts["search_rand_wins"].value == sum(d < 0 for d in diffs)
    lo, hi = lr_search.coarse_to_fine().decade
    assert np.all((r.random_lrs >= lo) & (r.random_lrs <= hi))
    assert facts["search_rand_grid2"].value == lr_search.FINE_POINTS**2


def test_the_best_rate_per_horizon_against_a_reference_loop(facts):
    """Oracle: the reference runs read after e epochs, averaged over seeds in a loop written here."""
    lrs = reference.grid()
    for e in lr_search.HORIZONS:
        means = []
        for lr in lrs:
            runs = [reference.run(float(lr), s) for s in lr_search.SEEDS]
            values = [r.epoch_val_loss[e] if e < len(r.epoch_val_loss) else math.inf for r in runs]
            means.append(sum(values) / len(values))
        assert facts[f"search_h{e}_best"].value == pytest.approx(lrs[int(np.argmin(means))])
    # the longest horizon is the reference runs' own length: its winner is the reference rate
    assert facts[f"search_h{lr_search.HORIZONS[-1]}_best"].value == pytest.approx(reference.rate())
    # the page: the best rate does not grow with the horizon here
    assert facts["search_h_grew"].value < facts["search_h_shrank"].value
    assert facts["search_h20_best"].value <= facts["search_h1_best"].value


def _read(lr, epochs):
    """Each seed's reference run at ``lr`` read after ``epochs`` epochs (inf once it blew up)."""
    runs = [reference.run(float(lr), s) for s in lr_search.SEEDS]
    return np.array([r.epoch_val_loss[epochs] if epochs < len(r.epoch_val_loss) else math.inf for r in runs])


def test_the_reference_rate_against_each_horizons_winner(facts):
    """Oracle: the reference runs at both rates read after e epochs, the paired gap computed here."""
    ref = reference.rate()
    for e, names in ((1, ("search_h1_vs_ref_mean", "search_h1_vs_ref_sd", "search_h1_vs_ref_wins")),
                     (2, ("search_h2_vs_ref_mean", "search_h2_vs_ref_sd", "search_h2_vs_ref_wins")),
                     (3, ("search_h3_vs_ref_mean", "search_h3_vs_ref_sd", "search_h3_vs_ref_wins")),
                     (4, ("search_h4_vs_ref_mean", "search_h4_vs_ref_sd", "search_h4_vs_ref_wins")),
                     (8, ("search_h8_vs_ref_mean", "search_h8_vs_ref_sd", "search_h8_vs_ref_wins"))):
        gap = _read(ref, e) - _read(facts[f"search_h{e}_best"].value, e)
        assert facts[names[0]].value == pytest.approx(np.mean(gap))
        assert facts[names[1]].value == pytest.approx(np.std(gap, ddof=1))
        assert facts[names[2]].value == sum(gap > 0)
    late = _read(facts["search_h1_best"].value, 20) - _read(ref, 20)
    assert facts["search_h20_short_mean"].value == pytest.approx(np.mean(late))
    assert facts["search_h20_short_sd"].value == pytest.approx(np.std(late, ddof=1))
    assert facts["search_h20_short_wins"].value == sum(late > 0)
    # the page: the one-epoch winner ahead on every seed after one epoch, behind on every seed after twenty
    n = len(lr_search.SEEDS)
    assert facts["search_h1_vs_ref_wins"].value == n and facts["search_h20_short_wins"].value == n


def test_the_seed_averaged_winner_per_epoch_and_its_one_blip(facts):
    """Oracle: the winner after each epoch from a loop over the reference runs; the alt text's epochs."""
    lrs = reference.grid()
    winners = [lrs[int(np.argmin([np.mean(_read(lr, e)) for lr in lrs]))] for e in range(1, 21)]
    settle = max(e for e in range(1, 21) if winners[e - 1] != winners[-1]) + 1
    assert facts["search_h_settle"].value == settle and facts["search_h_early_epochs"].value == settle - 1
    blips = [e for e in range(1, settle) if winners[e - 1] != winners[0]]
    assert blips == [facts["search_h_early_other_epoch"].value] == [3]
    assert facts["search_h_early_other_rate"].value == winners[2] == facts["search_h3_best"].value


def test_subsets_are_nested_shares_of_the_training_images(data):
    """Oracle: every subset row is a training row; the quarter lies inside the half; sizes round n·f."""
    quarter, half = lr_search.subset(data, 0.25), lr_search.subset(data, 0.5)
    n = len(data.y_train)
    assert len(quarter.y_train) == round(0.25 * n) and len(half.y_train) == round(0.5 * n)
    rows = {row.tobytes() for row in data.x_train}
    halves = {row.tobytes() for row in half.x_train}
    assert all(row.tobytes() in rows for row in half.x_train)
    assert all(row.tobytes() in halves for row in quarter.x_train)
    assert np.array_equal(quarter.x_val, data.x_val) and lr_search.subset(data, 1.0).x_train.shape == data.x_train.shape
    for bad in (0.0, 1.5, -0.25):
        with pytest.raises(ValueError, match="share of the training images"):
            lr_search.subset(data, bad)


def test_subset_runs_and_their_cost(data, facts):
    """Oracle: one subset run recomputed with sgd.train on rows picked here; the cost recomputed
    from the whole set's seed-averaged losses."""
    rows = np.sort(np.random.default_rng(lr_search.SUBSET_SEED).permutation(len(data.y_train))[:360])
    small = Split(data.x_train[rows], data.y_train[rows], data.x_val, data.y_val, data.mean, data.scale)
    run = sgd.train(NET, small, 1.0, reference.EPOCHS, workload.BATCH_SIZE, 3)
    assert lr_search.subset_loss(0.25, 1.0, 3) == run.final_val_loss
    sub = lr_search.subsets()
    table = np.array([[reference.run(float(lr), s).final_val_loss for lr in sub.lrs] for s in sub.seeds])
    best = int(np.argmin(table.mean(axis=0)))
    for i, (mean, sd, worse, larger, same, tenths) in enumerate((
        ("search_sub25_extra_mean", "search_sub25_extra_sd", "search_sub25_extra_worse", "search_sub25_larger",
         "search_sub25_same", "search_sub25_decades"),
        ("search_sub50_extra_mean", "search_sub50_extra_sd", "search_sub50_extra_worse", "search_sub50_larger",
         "search_sub50_same", "search_sub50_decades"),
    )):
        pick = int(np.argmin(sub.val_loss[i].mean(axis=0)))
        extra = [table[k, pick] - table[k, best] for k in range(len(sub.seeds))]
        assert facts[mean].value == pytest.approx(np.mean(extra))
        assert facts[sd].value == pytest.approx(np.std(extra, ddof=1))
        assert facts[worse].value == sum(e > 0 for e in extra)
        own = [sub.lrs[int(np.argmin(sub.val_loss[i][k]))] for k in range(len(sub.seeds))]
        whole = [sub.lrs[int(np.argmin(table[k]))] for k in range(len(sub.seeds))]
        assert facts[larger].value == sum(a > b for a, b in zip(own, whole))
        assert facts[same].value == sum(a == b for a, b in zip(own, whole))
        assert facts[tenths].value == pytest.approx(math.log10(sub.lrs[pick] / sub.lrs[best]))
    # the page: pointed at larger rates on most seeds; a quarter and exactly half a decade above
    assert facts["search_sub25_larger"].value > len(sub.seeds) / 2 and facts["search_sub50_larger"].value > 2
    assert facts["search_sub25_decades"].text() == "0.25" and facts["search_sub50_decades"].text() == "0.5"


def test_the_optimism_of_a_chosen_rate_on_a_hand_made_table():
    """Hand-worked: half A favours rate 0, half B rate 1. Choosing on A: 0.30 on B against 0.10 on A;
    on B: 0.25 on A against 0.15 on B; optimism ½(0.20 + 0.10) = 0.15. A harder half B (+1 on every
    rate) changes nothing, and halves that agree give zero."""
    a = np.array([[0.10, 0.25]])
    b = np.array([[0.30, 0.15]])
    halves = lr_search.Halves(np.array([0.1, 1.0]), (0,), np.array([a, b]), (1, 1))
    assert halves.optimism == pytest.approx([0.15]) and halves.disagree == 1
    assert halves.chose(0.1) == 1 and halves.chose(1.0) == 1 and halves.chose(0.5) == 0
    harder = lr_search.Halves(halves.lrs, (0,), np.array([a, b + 1.0]), (1, 1))
    assert harder.optimism == pytest.approx([0.15])
    agree = lr_search.Halves(halves.lrs, (0,), np.array([a, a + 0.3]), (1, 1))
    assert agree.optimism == pytest.approx([0.0]) and agree.disagree == 0


def test_the_halves_score_the_stored_runs(data, facts):
    """Oracle: network.loss of one stored run's parameters on half the validation images, split here."""
    h = lr_search.halves()
    order = np.random.default_rng(lr_search.HALVES_SEED).permutation(len(data.y_val))
    part = order[: len(order) // 2]
    run = reference.run(float(h.lrs[7]), 2)
    assert h.loss[0, 2, 7] == pytest.approx(network.loss(NET, run.params, data.x_val[part], data.y_val[part]))
    assert sum(h.sizes) == len(data.y_val)
    assert facts["search_optimism_mean"].value == pytest.approx(np.mean(h.optimism))
    # the page: choosing on the seed-averaged loss cut the optimism
    assert facts["search_optimism_averaged"].value < facts["search_optimism_mean"].value


def test_seeds_result_on_a_hand_made_table():
    """Regret, rank and the flat floor, worked by hand on two seeds and three candidates."""
    full = np.array([[0.10, 0.12, 0.20], [0.14, 0.11, 0.30]])
    unwidened = np.array([[0.20, 0.10], [0.13, 0.30]])
    r = lr_search.Seeds((0, 1), np.array([0.5, 1.0, 2.0]), full, full, np.array([1, 0]), np.array([1, 1]),
                        np.zeros(2), np.array([1.0, 1.0]), unwidened, np.zeros(2), np.zeros((2, 3)), np.zeros(2),
                        np.zeros(2), np.zeros(2))
    assert r.regret == pytest.approx([0.02, 0.03]) and list(r.pick_rank) == [2, 2]
    # means 0.12, 0.115, 0.25: the best is 1.0; gaps to it (−0.02, 0.03) for 0.5, mean 0.005 < sd 0.035
    # (on the floor); (0.08, 0.19) for 2.0, mean 0.135 > sd 0.078 (off it)
    assert r.mean_best == 1 and list(r.floor) == [True, True, False]
    # leave one seed out: on seed 0 halving picked 1.0 (0.11 on seed 1) against the winner 0.5 (0.14
    # there): −0.03; on seed 1 it picked 0.5 (0.10 on seed 0) against the winner 1.0 (0.12 there): −0.02
    assert r.halving_out == pytest.approx([-0.03, -0.02])
    # the unwidened table picks its second rate on seed 0 (0.30 on seed 1) and its first on seed 1 (0.20 on
    # seed 0), against the winners' 0.14 and 0.12: 0.16 and 0.08
    assert r.widen_out == pytest.approx([0.16, 0.08])
    with pytest.raises(ValueError, match="two seeds"):
        lr_search.out_of_seed(full[:1], np.array([0]))


def test_the_fresh_seed_caveats_quote_the_same_rate_the_loss_curve_chapter_reran():
    """The page cites loss-curves' fresh seeds for η = 1 (the one-epoch winner and the quarter's
    pick): that must be the rate rerun there, and on those seeds it must have ended lower on average."""
    from gdsim.chapters import loss_curves

    search, curves = lr_search.facts(), loss_curves.facts()
    rerun = curves["curves_floor_up1_lr"].value
    assert search["search_h1_best"].value == search["search_sub25_best"].value == rerun
    assert curves["curves_fresh_up1_mean"].value < curves["curves_fresh_ref_mean"].value
    assert search["search_h20_best"].value == curves["curves_lr_good"].value
