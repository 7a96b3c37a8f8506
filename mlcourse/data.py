"""Small datasets for the notebooks: synthetic ones, and the bundled 8×8 digits. Nothing is ever downloaded.

Every generator takes an explicit `np.random.Generator` and returns examples as columns:
X is (n_x, m) and Y is (1, m) with labels 0.0 / 1.0 (float64).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np


def two_blobs(rng: np.random.Generator, m: int = 200, distance: float = 3.0, spread: float = 1.0):
    """Two Gaussian clouds in 2-D, half labelled 0 and half 1, `distance` apart: linearly separable-ish."""
    labels = np.arange(m) % 2
    centres = np.where(labels == 1, distance / 2, -distance / 2)
    X = rng.normal(scale=spread, size=(2, m)) + centres * np.array([[1.0], [0.6]])
    return X, labels.astype(float).reshape(1, m)


def moons(rng: np.random.Generator, m: int = 200, noise: float = 0.15):
    """Two interleaving half circles in 2-D: not linearly separable."""
    labels = np.arange(m) % 2
    angle = rng.uniform(0, np.pi, size=m)
    x = np.where(labels == 0, np.cos(angle), 1 - np.cos(angle))
    y = np.where(labels == 0, np.sin(angle), 0.5 - np.sin(angle))
    X = np.vstack([x, y]) + rng.normal(scale=noise, size=(2, m))
    return X, labels.astype(float).reshape(1, m)


def xor(rng: np.random.Generator | None = None, m: int = 4, noise: float = 0.0):
    """The XOR problem: the four corners of the unit square (m = 4), or m noisy copies of them."""
    corners = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
    X = corners[:, np.arange(m) % 4]
    if noise and rng is not None:
        X = X + rng.normal(scale=noise, size=X.shape)
    Y = (corners[0] != corners[1]).astype(float)[np.arange(m) % 4].reshape(1, m)
    return X, Y


def logic_gate(name: str):
    """The truth table of AND, OR or XOR as (X (2, 4), Y (1, 4))."""
    X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
    a, b = X.astype(bool)
    outputs = {"and": a & b, "or": a | b, "xor": a ^ b}
    return X, outputs[name.lower()].astype(float).reshape(1, 4)


def linear_regression(rng: np.random.Generator, m: int = 100, n_x: int = 1, noise: float = 0.5):
    """y = wᵀx + b + noise with random true w, b; returns (X, y, w_true, b_true)."""
    w = rng.normal(size=(n_x, 1)) * 2
    b = float(rng.normal())
    X = rng.uniform(-3, 3, size=(n_x, m))
    y = w.T @ X + b + rng.normal(scale=noise, size=(1, m))
    return X, y, w, b


def badly_scaled(rng: np.random.Generator, m: int = 200):
    """Two features on very different scales (about 1 and about 1000) with a linear binary label."""
    X = np.vstack([rng.normal(size=m), rng.normal(loc=500.0, scale=300.0, size=m)])
    Y = (X[0] + (X[1] - 500.0) / 300.0 + 0.3 * rng.normal(size=m) > 0).astype(float).reshape(1, m)
    return X, Y


def skewed(rng: np.random.Generator, m: int = 300):
    """Two positive, right-skewed features (log-normal and exponential) with a few large outliers."""
    X = np.vstack([rng.lognormal(mean=1.0, sigma=0.8, size=m), rng.exponential(scale=20.0, size=m)])
    X[:, :3] *= 8.0  # a handful of extreme values
    return X


DIGITS_FILE = Path(__file__).resolve().parent / "digits.csv.gz"


def digits() -> tuple[np.ndarray, np.ndarray]:
    """The 8×8 handwritten digits: (images (1797, 8, 8, 1) float64 in [0, 1], labels (1797,) int 0..9).

    Channels last, one image per row, as the CNN notebook uses them (pixels 0..16 divided by 16).

    Source: E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine Learning
    Repository (1998), https://archive.ics.uci.edu/dataset/80, licensed CC BY 4.0: the 1,797 images of its test
    set, as shipped with scikit-learn (sklearn/datasets/data/digits.csv.gz), bundled here unchanged.
    Each pixel counts the "on" pixels of a 4×4 block of a 32×32 bitmap. Read with numpy only; nothing is
    downloaded.
    """
    if not DIGITS_FILE.exists():
        raise FileNotFoundError(f"The digits data file is missing: {DIGITS_FILE}. Reinstall mlcourse.")
    with gzip.open(DIGITS_FILE, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float64)
    return (table[:, :64] / 16.0).reshape(-1, 8, 8, 1), table[:, 64].astype(np.int64)


def digits_split(rng: np.random.Generator, test_fraction: float = 0.25):
    """(X_train, y_train, X_test, y_test): the digits shuffled by rng and split, the test set never trained on."""
    images, labels = digits()
    order = rng.permutation(len(labels))
    n_test = int(round(test_fraction * len(labels)))
    test, train = order[:n_test], order[n_test:]
    return images[train], labels[train], images[test], labels[test]
