"""The calibration page in a real browser: sliders redraw the diagrams, uploads go through the real widget."""

import io

import numpy as np

UPLOAD = '[data-testid="stFileUploader"] input[type="file"]'


def npz_bytes(**arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def test_moving_the_epochs_slider_redraws_the_reliability_diagram(app):
    app.open("calibration")
    before = app.chart_traces(1)  # the "before" reliability diagram
    assert app.press_on_slider(0, "ArrowLeft") > 0  # 300 -> 295 epochs: another checkpoint, no retraining
    assert app.chart_traces(1) != before
    assert "epochs=295" in app.page.url
    app.screenshot("calibration-default")
    assert not app.problems()


def test_a_bins_slider_move_redraws_and_lands_in_the_link(app):
    app.open("calibration", source="synthetic")
    assert app.press_on_slider(3, "ArrowRight") > 0  # the number of bins, 15 -> 16
    assert "n_bins=16" in app.page.url
    assert not app.problems()


def test_uploads_through_the_real_widget_error_then_success(app):
    app.open("calibration", source="upload")
    pickled = npz_bytes(logits=np.array([[1, 2]], dtype=object), labels=np.array([0]))
    app.page.locator(UPLOAD).first.set_input_files(
        files=[{"name": "evil.npz", "mimeType": "application/octet-stream", "buffer": pickled}])
    app.page.get_by_text("pickle").first.wait_for()
    assert app.page.locator('[data-testid="stException"]').count() == 0
    rng = np.random.default_rng(0)
    good = npz_bytes(logits=rng.normal(size=(400, 4)) * 3, labels=rng.integers(0, 4, 400))
    app.page.locator(UPLOAD).first.set_input_files(
        files=[{"name": "good.npz", "mimeType": "application/octet-stream", "buffer": good}])
    app.page.get_by_text("Read 400 rows").first.wait_for()
    app.wait_idle()
    assert app.chart_count() >= 5
    app.screenshot("calibration-upload")
    assert not app.problems()


def test_projector_mode_screenshot(app):
    app.open("calibration", projector="1", source="synthetic")
    assert app.chart_count() >= 5
    app.screenshot("calibration-projector")
    assert not app.problems()
