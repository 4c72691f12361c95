"""The bad feature and standardization: same labels, training statistics, computed contour levels."""

from __future__ import annotations

import numpy as np
import pytest

from gdsim import data, model, scaling, scenarios


def test_bad_feature_is_ten_times_x_with_the_same_labels():
    o, b = data.original_split(), scaling.bad_split()
    np.testing.assert_allclose(b.x_train, 10 * o.x_train)
    np.testing.assert_array_equal(b.y_train, o.y_train)
    np.testing.assert_allclose(model.least_squares(b.x_train, b.y_train), model.least_squares(o.x_train, o.y_train) / [1, 10])


def test_standardized_training_feature_has_mean_0_and_std_1():
    split, scaler = scaling.standardized_split(data.original_split())
    assert np.mean(split.x_train) == pytest.approx(0, abs=1e-12)
    assert np.std(split.x_train) == pytest.approx(1, abs=1e-12)


def test_validation_set_uses_training_statistics():
    o = data.original_split()
    split, scaler = scaling.standardized_split(o)
    assert scaler.mean == pytest.approx(np.mean(o.x_train)) and scaler.std == pytest.approx(np.std(o.x_train))
    np.testing.assert_allclose(split.x_val, (o.x_val - np.mean(o.x_train)) / np.std(o.x_train))
    assert abs(np.mean(split.x_val)) > 1e-3  # its own statistics were not used


def test_standardizing_the_bad_feature_gives_the_same_z():
    z_good, _ = scaling.standardized_split(data.original_split())
    z_bad, _ = scaling.standardized_split(scaling.bad_split())
    np.testing.assert_allclose(z_bad.x_train, z_good.x_train, atol=1e-12)


def test_back_to_original_units_is_the_same_line():
    o = data.original_split()
    split, scaler = scaling.standardized_split(o)
    theta_z = np.array([1.7, 0.4])
    np.testing.assert_allclose(model.predict(theta_z, split.x_train), model.predict(scaler.to_original(theta_z), o.x_train))


@pytest.mark.parametrize("x", [[1.0], [2.0, 2.0, 2.0], [1.0, np.inf]])
def test_standardizer_rejects_what_it_cannot_scale(x):
    with pytest.raises(ValueError):
        scaling.Standardizer.fit(np.array(x))


def test_bad_window_is_centred_on_the_bad_truth():
    g = scenarios.get("bad").grid
    assert (g.w[0], g.w[-1]) == pytest.approx((-2.8, 3.2))




def test_a_feature_whose_spread_overflows_is_a_value_error_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="overflows"):
            scaling.Standardizer.fit(np.array([-1e300, 1e300, 0.0]))
