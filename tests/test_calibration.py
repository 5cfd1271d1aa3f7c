import numpy as np

from claimsift.calibration import apply_temperature, expected_calibration_error, fit_temperature, reliability_bins


def test_temperature_one_is_identity_and_rows_sum_to_one():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    assert np.allclose(apply_temperature(p, 1.0), p)
    q = apply_temperature(p, 2.0)
    assert np.allclose(q.sum(1), 1) and (q.max(1) < p.max(1)).all()  # softer, same argmax
    assert (q.argmax(1) == p.argmax(1)).all()


def test_overconfident_model_gets_a_temperature_above_one_and_lower_ece():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 600)
    right = rng.random(600) < 0.7  # 70% accurate but always 99% sure
    pred = np.where(right, y, (y + 1) % 3)
    p = np.full((600, 3), 0.005)
    p[np.arange(600), pred] = 0.99
    t = fit_temperature(p, y)
    assert t > 1.5
    before, after = expected_calibration_error(p, y), expected_calibration_error(apply_temperature(p, t), y)
    assert before > 0.25 and after < 0.05


def test_reliability_bins_count_every_row():
    p = np.array([[0.34, 0.33, 0.33], [0.9, 0.05, 0.05], [0.5, 0.5, 0.0]])
    bins = reliability_bins(p, [0, 1, 0], n_bins=15)
    assert len(bins) == 15 and sum(b["count"] for b in bins) == 3
