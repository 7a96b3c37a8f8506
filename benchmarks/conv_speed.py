"""How fast is the course's reference convolution? Forward + backward of `mlcourse.cnn.conv_forward` /
`conv_backward` against PyTorch on the CPU, on the same shapes in the same run, and against the rate
numpy's matrix multiply reaches on the same unfolded (im2col) shapes.

    python benchmarks/conv_speed.py                 # 1 thread for numpy's BLAS and for torch
    python benchmarks/conv_speed.py --threads 2

PyTorch is not a course dependency: without it the script says so and times numpy alone. To compare,
install it somewhere else (a CPU build), e.g.

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch numpy
    PYTHONPATH=. /tmp/torchvenv/bin/python benchmarks/conv_speed.py

Both libraries compute in float64 (the course's dtype), channels last for numpy and NCHW for torch (the
layouts are converted outside the timed region). Each time is the best of at least 20 repetitions, numpy and torch taking
turns so that both see the same load: the most stable number on a shared machine. FLOPs count multiply-adds as 2: forward 2·m·n_H·n_W·n_C·f²·n_C_prev,
backward twice that (dW and dA_prev), the biases ignored. The matmul rate times the three products an
im2col convolution does (columns @ W, columnsᵀ @ dZ, dZ @ Wᵀ) on ready-made contiguous arrays, so it is
what the convolution could reach if unfolding and folding back cost nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="threads for numpy's BLAS and for torch (default 1)")
    parser.add_argument("--seconds", type=float, default=1.0, help="least time spent per shape")
    return parser.parse_args()


ARGS = _arguments()
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[variable] = str(ARGS.threads)  # before numpy (and torch) load their BLAS

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from mlcourse import cnn  # noqa: E402

try:
    import torch  # noqa: E402
    import torch.nn.functional as F  # noqa: E402

    torch.set_num_threads(ARGS.threads)
except ImportError:
    torch = None

# (name, m, n_H_prev = n_W_prev, n_C_prev, f, n_C, stride, pad): from the digits CNN of notebook 09 up to a
# CIFAR-sized layer.
SHAPES = [
    ("tiny: 4×8×8×1 → 4, 3×3", 4, 8, 1, 3, 4, 1, 1),
    ("digits: 64×8×8×1 → 8, 3×3 same", 64, 8, 1, 3, 8, 1, 1),
    ("small: 32×16×16×8 → 16, 3×3 same", 32, 16, 8, 3, 16, 1, 1),
    ("strided: 32×16×16×8 → 16, 3×3 stride 2", 32, 16, 8, 3, 16, 2, 1),
    ("5×5: 16×28×28×4 → 16, valid", 16, 28, 4, 5, 16, 1, 0),
    ("large: 32×32×32×16 → 32, 3×3 same", 32, 32, 16, 3, 32, 1, 1),
]


def best_times(fns, seconds: float) -> list[float]:
    """The best time of one call of each fn, calling them in turn (so that all see the same load) for at
    least `seconds` and at least 20 rounds."""
    for fn in fns:
        fn()  # warm up
    times, start = [[] for _ in fns], time.perf_counter()
    while len(times[0]) < 20 or time.perf_counter() - start < seconds:
        for fn, kept in zip(fns, times):
            t0 = time.perf_counter()
            fn()
            kept.append(time.perf_counter() - t0)
    return [min(kept) for kept in times]


def measure(name, m, n, c_prev, f, c, stride, pad, rng):
    A = rng.normal(size=(m, n, n, c_prev))
    W = rng.normal(size=(f, f, c_prev, c)) * 0.1
    b = rng.normal(size=c)
    Z, cache = cnn.conv_forward(A, W, b, stride, pad)
    dZ = rng.normal(size=Z.shape)
    n_out = Z.shape[1]
    flops = 3 * 2 * m * n_out * n_out * c * f * f * c_prev

    def numpy_step():
        _, cache_ = cnn.conv_forward(A, W, b, stride, pad)
        cnn.conv_backward(dZ, cache_)

    rows, depth = m * n_out * n_out, f * f * c_prev  # the unfolded shapes
    columns, W2, dZ2 = rng.normal(size=(rows, depth)), rng.normal(size=(depth, c)), rng.normal(size=(rows, c))

    def matmuls():
        columns @ W2
        columns.T @ dZ2
        dZ2 @ W2.T

    steps = [numpy_step, matmuls]
    agreement = None
    if torch is not None:
        x = torch.tensor(A.transpose(0, 3, 1, 2).copy(), requires_grad=True)
        w = torch.tensor(W.transpose(3, 2, 0, 1).copy(), requires_grad=True)
        bias = torch.tensor(b, requires_grad=True)
        gz = torch.tensor(dZ.transpose(0, 3, 1, 2).copy())

        def torch_step():
            x.grad = w.grad = bias.grad = None
            F.conv2d(x, w, bias, stride=stride, padding=pad).backward(gz)

        steps.append(torch_step)
        torch_step()
        dA, dW, db = cnn.conv_backward(dZ, cache)
        with torch.no_grad():
            z_t = F.conv2d(x, w, bias, stride=stride, padding=pad).numpy().transpose(0, 2, 3, 1)
        agreement = max(np.max(np.abs(z_t - Z)) / np.max(np.abs(Z)),
                        np.max(np.abs(x.grad.numpy().transpose(0, 2, 3, 1) - dA)) / np.max(np.abs(dA)),
                        np.max(np.abs(w.grad.numpy().transpose(2, 3, 1, 0) - dW)) / np.max(np.abs(dW)),
                        np.max(np.abs(bias.grad.numpy() - db)) / np.max(np.abs(db)))
    numpy_s, matmul_s, *torch_s = best_times(steps, ARGS.seconds)
    torch_s = torch_s[0] if torch_s else None
    return {"name": name, "numpy_ms": numpy_s * 1e3, "torch_ms": None if torch_s is None else torch_s * 1e3,
            "gflops": flops / numpy_s / 1e9, "matmul_gflops": flops / matmul_s / 1e9, "agreement": agreement}


def main() -> int:
    rng = np.random.default_rng(0)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed: timing numpy alone'}; "
          f"{ARGS.threads} thread(s) each; float64; load average {load:.2f} on {os.cpu_count()} CPUs")
    header = f"{'shape':44s} {'numpy ms':>9s} {'torch ms':>9s} {'ratio':>6s} {'GFLOP/s':>8s} {'matmul':>7s} {'share':>6s}"
    print(header)
    print("-" * len(header))
    results = [measure(*shape, rng=rng) for shape in SHAPES]
    for r in results:
        torch_ms = f"{r['torch_ms']:9.3f}" if r["torch_ms"] is not None else f"{'—':>9s}"
        ratio = f"{r['numpy_ms'] / r['torch_ms']:6.2f}" if r["torch_ms"] is not None else f"{'—':>6s}"
        print(f"{r['name']:44s} {r['numpy_ms']:9.3f} {torch_ms} {ratio} {r['gflops']:8.2f} "
              f"{r['matmul_gflops']:7.2f} {r['gflops'] / r['matmul_gflops']:6.0%}")
    print("ratio = numpy time / torch time (below 1: numpy is faster); GFLOP/s of the whole forward + backward; "
          "matmul = GFLOP/s of numpy's three im2col matrix products alone; share = GFLOP/s / matmul.")
    if torch is not None:
        worst = max(r["agreement"] for r in results)
        print(f"numpy and torch agree on Z, dA_prev, dW and db to a relative {worst:.1e} (of each array's largest entry).")
    print(f"load average after the run: {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
