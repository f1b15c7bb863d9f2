"""Write ``softmax_core/data/digits.npz`` from scikit-learn's bundled copy of the UCI digits.

Run once, from the repository root, with the dev requirements installed::

    python scripts/make_digits.py

scikit-learn ships the data inside its wheel, so this needs no network. The app itself never imports
scikit-learn: it reads only the ``.npz`` this writes.
"""

from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

OUT = Path(__file__).resolve().parent.parent / "softmax_core" / "data" / "digits.npz"


def main() -> None:
    bunch = load_digits()
    # Pixel counts are integers 0..16 and labels 0..9: uint8 holds both exactly, at an eighth of float64.
    images = bunch.images.astype(np.uint8)
    labels = bunch.target.astype(np.uint8)
    assert np.array_equal(images, bunch.images) and np.array_equal(labels, bunch.target)
    np.savez_compressed(OUT, images=images, labels=labels)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes): images {images.shape} {images.dtype}, "
          f"labels {labels.shape} {labels.dtype}")


if __name__ == "__main__":
    main()
