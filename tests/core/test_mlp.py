"""The NumPy MLP: its backward pass, determinism, and the calibration story it has to tell on real digits."""

import numpy as np
import pytest
from scipy.special import log_softmax
from scipy.special import softmax as scipy_softmax

from softmax_core.calibration import expected_calibration_error, fit_temperature
from softmax_core.datasets import digits_splits
from softmax_core.mlp import (
    MLPParams,
    TrainingError,
    init_mlp,
    loss_and_gradients,
    mc_dropout_logits,
    mlp_logits,
    train_ensemble,
    train_mlp,
)

DEFAULT_EPOCHS = 30  # train_mlp's default
LONG_EPOCHS = 300


def nll(logits, labels):
    return float(-log_softmax(logits, axis=1)[np.arange(len(labels)), labels].mean())


@pytest.fixture(scope="module")
def splits():
    return digits_splits(seed=0)


@pytest.fixture(scope="module")
def long_run(splits):
    """One run, scored at the default length and at ten times it."""
    return train_mlp(
        splits.train.images,
        splits.train.labels,
        epochs=LONG_EPOCHS,
        seed=0,
        checkpoints=(DEFAULT_EPOCHS, LONG_EPOCHS),
        eval_sets={"calibration": splits.calibration.images, "test": splits.test.images},
    )


@pytest.mark.parametrize("options", [{}, {"label_smoothing": 0.2, "weight_decay": 0.05}, {"dropout": 0.5}])
def test_backward_pass_matches_central_finite_differences(options):
    rng = np.random.default_rng(0)
    params = init_mlp(inputs=5, hidden=7, classes=4, seed=1)
    params = params._replace(b1=rng.normal(size=7) * 0.3, b2=rng.normal(size=4))
    images, labels = rng.normal(size=(6, 5)), rng.integers(0, 4, size=6)
    mask = None
    if options.pop("dropout", 0.0):
        mask = (rng.random((6, 7)) >= 0.5) / 0.5
    _, grads = loss_and_gradients(params, images, labels, dropout_mask=mask, **options)
    step = 1e-6
    for index, (param, grad) in enumerate(zip(params, grads)):
        numeric = np.empty_like(param)
        for position in np.ndindex(param.shape):
            shifted = []
            for sign in (1, -1):
                moved = param.copy()
                moved[position] += sign * step
                arrays = list(params)
                arrays[index] = moved
                shifted.append(loss_and_gradients(MLPParams(*arrays), images, labels, dropout_mask=mask, **options)[0])
            numeric[position] = (shifted[0] - shifted[1]) / (2 * step)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-8, err_msg=MLPParams._fields[index])


def test_loss_is_the_mean_cross_entropy_of_the_logits():
    rng = np.random.default_rng(2)
    params = init_mlp(inputs=5, hidden=7, classes=4, seed=3)
    images, labels = rng.normal(size=(9, 5)), rng.integers(0, 4, size=9)
    loss, _ = loss_and_gradients(params, images, labels)
    assert loss == pytest.approx(nll(mlp_logits(params, images), labels), rel=1e-12)


def test_same_seed_gives_the_same_logits_bit_for_bit(splits):
    def run(seed):
        result = train_mlp(
            splits.train.images, splits.train.labels, epochs=5, seed=seed, dropout=0.2,
            eval_sets={"test": splits.test.images},
        )
        return result.eval_logits["test"]

    first = run(7)
    assert np.array_equal(first, run(7))
    assert not np.array_equal(first, run(8))


def test_a_checkpoint_equals_a_run_stopped_there(splits):
    full = train_mlp(splits.train.images, splits.train.labels, epochs=8, checkpoints=(0, 3, 8))
    short = train_mlp(splits.train.images, splits.train.labels, epochs=3)
    assert full.checkpoints == (0, 3, 8)
    for a, b in zip(full.snapshots[1], short.params):
        assert np.array_equal(a, b)
    for a, b in zip(full.snapshots[0], init_mlp(hidden=64, seed=np.random.default_rng(0).integers(2**63))):
        assert np.array_equal(a, b)


def test_training_lowers_the_loss(long_run):
    loss = long_run.loss
    assert loss.shape == (LONG_EPOCHS,)
    assert loss[DEFAULT_EPOCHS - 1] < 0.2 * loss[0] and loss[-1] < 0.1 * loss[DEFAULT_EPOCHS - 1]


def test_default_model_classifies_held_out_digits_well(long_run, splits):
    logits = long_run.eval_logits["test"][0]
    assert logits.shape == (len(splits.test.labels), 10)
    assert np.mean(logits.argmax(axis=1) == splits.test.labels) > 0.94


def test_long_training_grows_confidence_faster_than_accuracy_and_raises_ece(long_run, splits):
    labels = splits.test.labels
    probs = scipy_softmax(long_run.eval_logits["test"], axis=-1)
    accuracy = (probs.argmax(axis=-1) == labels).mean(axis=1)
    confidence = probs.max(axis=-1).mean(axis=1)
    assert confidence[1] - confidence[0] > accuracy[1] - accuracy[0]
    assert confidence[1] > accuracy[1] + 0.01
    ece = [expected_calibration_error(p, labels) for p in probs]
    assert ece[1] > ece[0] + 0.005
    # The temperature that fits the calibration split says the same: the longer model needs more cooling.
    logits_cal = long_run.eval_logits["calibration"]
    temperatures = [fit_temperature(lc, splits.calibration.labels) for lc in logits_cal]
    assert temperatures[1] > 1.5 * temperatures[0]


def test_default_model_is_already_near_calibrated_so_temperature_scaling_has_little_to_fix(long_run, splits):
    logits_cal, logits_test = long_run.eval_logits["calibration"][0], long_run.eval_logits["test"][0]
    temperature = fit_temperature(logits_cal, splits.calibration.labels)
    assert 0.7 < temperature < 1.6
    assert expected_calibration_error(scipy_softmax(logits_test, axis=1), splits.test.labels) < 0.02
    labels = splits.test.labels
    assert abs(nll(logits_test / temperature, labels) - nll(logits_test, labels)) < 0.02


def test_temperature_fitted_on_the_calibration_split_repairs_the_overtrained_model(splits):
    # One split's ECE is noisy at this accuracy, so the ECE claim is on the mean over three seeds.
    eces_before, eces_after = [], []
    for seed in (0, 1, 2):
        split = digits_splits(seed=seed)
        result = train_mlp(
            split.train.images, split.train.labels, epochs=LONG_EPOCHS, seed=seed,
            eval_sets={"calibration": split.calibration.images, "test": split.test.images},
        )
        logits_test = result.eval_logits["test"][-1]
        temperature = fit_temperature(result.eval_logits["calibration"][-1], split.calibration.labels)
        assert temperature > 1.8
        labels = split.test.labels
        assert nll(logits_test / temperature, labels) < nll(logits_test, labels) - 0.02
        eces_before.append(expected_calibration_error(scipy_softmax(logits_test, axis=1), labels))
        eces_after.append(expected_calibration_error(scipy_softmax(logits_test / temperature, axis=1), labels))
    assert np.mean(eces_after) < np.mean(eces_before) - 0.002


def test_label_smoothing_lowers_confidence(splits):
    def mean_confidence(label_smoothing):
        result = train_mlp(
            splits.train.images, splits.train.labels, epochs=20, label_smoothing=label_smoothing,
            eval_sets={"test": splits.test.images},
        )
        return scipy_softmax(result.eval_logits["test"][-1], axis=1).max(axis=1).mean()

    assert mean_confidence(0.2) < mean_confidence(0.0) - 0.05


def test_progress_rises_to_one_once_per_epoch():
    seen = []
    train_mlp(np.eye(4), np.arange(4), epochs=5, hidden=3, progress=seen.append)
    assert seen == [0.2, 0.4, 0.6, 0.8, 1.0]


def test_ensemble_members_are_the_single_runs_and_progress_spans_them_all():
    images, labels = np.random.default_rng(0).random((30, 4)), np.arange(30) % 3
    seen = []
    members = train_ensemble(images, labels, seeds=(4, 5), hidden=6, epochs=2, progress=seen.append)
    assert seen == [0.25, 0.5, 0.75, 1.0]
    for member, seed in zip(members, (4, 5)):
        single = train_mlp(images, labels, seed=seed, hidden=6, epochs=2)
        assert all(np.array_equal(a, b) for a, b in zip(member.params, single.params))


def test_mc_dropout_without_dropout_is_the_plain_forward_pass_and_with_it_averages_to_it():
    params = init_mlp(inputs=4, hidden=50, classes=3, seed=0)
    images = np.random.default_rng(1).random((6, 4))
    np.testing.assert_array_equal(mc_dropout_logits(params, images, dropout=0.0, samples=3)[1], mlp_logits(params, images))
    # Inverted dropout keeps each hidden unit's expectation, so the logits average back to the plain ones.
    samples = mc_dropout_logits(params, images, dropout=0.3, samples=4000, seed=2)
    np.testing.assert_allclose(samples.mean(axis=0), mlp_logits(params, images), atol=0.05)


@pytest.mark.parametrize(
    "options, code",
    [
        ({"epochs": 0}, "bad_hyperparameters"),
        ({"learning_rate": -1.0}, "bad_hyperparameters"),
        ({"dropout": 1.0}, "bad_dropout"),
        ({"checkpoints": (5,), "epochs": 3}, "bad_checkpoints"),
        ({"num_classes": 2}, "bad_labels"),
    ],
)
def test_training_rejects_impossible_options(options, code):
    with pytest.raises(TrainingError) as error:
        train_mlp(np.eye(4), np.arange(4), **options)
    assert error.value.code == code


def test_the_example_digit_logits_are_a_real_unsure_but_right_prediction_inside_the_slider_range():
    from softmax_core import example_digit_logits, softmax

    logits, label = example_digit_logits()
    probs = softmax(np.array(logits))
    assert max(abs(v) for v in logits) <= 10.0
    assert 0.5 < probs.max() < 0.9
    assert int(np.argmax(probs)) == label
    assert example_digit_logits() == (logits, label)  # the same model every time
