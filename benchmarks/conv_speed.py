"""How fast is the course's reference convolution? Forward + backward of `mlcourse.cnn.conv_forward` /
`conv_backward` against PyTorch on the CPU, on the same shapes in the same run, and against the rate numpy's
matrix multiply reaches on the same unfolded (im2col) shapes.

    python benchmarks/conv_speed.py                  # 1 thread for numpy's BLAS and for torch
    python benchmarks/conv_speed.py --threads 2      # (then timed by the wall clock)

PyTorch is not a course dependency: without it the script says so and times numpy alone. To compare, install
a CPU build of it into a virtual environment of your own, e.g. `.venv/bin/pip install torch==2.13.0` where a
CPU wheel of that version is at hand (a plain `pip install torch` may fetch a CUDA build of several GB).

How the comparison is kept fair:

- **Threads.** The thread count is set for numpy's BLAS before numpy loads, read back from the BLAS library
  itself where it can be, and given to torch with `torch.set_num_threads`; both run on the CPU.
- **Same work.** Both compute in float64 (the course's dtype) on the same arrays: channels last for numpy,
  NCHW for torch (torch's fastest layout here), converted outside the timed region; each step is a forward
  and a backward pass computing Z, dA_prev, dW and db; the results are checked to agree.
- **Time.** Each function is called 3 times to warm up, then numpy, torch and the matrix products take turns
  (the one that starts a round rotates) for at least `--seconds` and 21 rounds; the table gives the median.
  With one thread the clock is the process's CPU time, which time spent waiting for a CPU does not count
  (the machine may be shared); with more, the wall clock. The load average is printed before and after.
- **FLOPs.** A multiply-add counts 2, the same for all three: forward 2·m·n_H·n_W·n_C·f²·n_C_prev, backward
  twice that (dW and dA_prev); the biases are not counted.
- **The matrix-multiply rate** times the three products an im2col convolution needs, on ready-made contiguous
  arrays of exactly its shapes, into preallocated outputs: columns (m·n_H·n_W, f²·n_C_prev) @ W, columnsᵀ @ dZ
  (dW) and dZ @ Wᵀ (the unfolded dA_prev). It is what the convolution would reach if unfolding the input and
  folding the gradient back cost nothing; "share" is the convolution's rate over it.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import platform
import sys
import time
from pathlib import Path

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")
ROUNDS = 21


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="threads for numpy's BLAS and for torch (default 1)")
    parser.add_argument("--seconds", type=float, default=2.0, help="least time spent per shape (default 2)")
    parser.add_argument("--clock", choices=("cpu", "wall"), default=None,
                        help="process CPU time (the default with one thread) or wall-clock time (with more)")
    return parser.parse_args()


ARGS = _arguments()
for variable in THREAD_VARIABLES:
    os.environ[variable] = str(ARGS.threads)  # before numpy (and torch) load their BLAS

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from mlcourse import cnn  # noqa: E402

try:
    import torch  # noqa: E402
    import torch.nn.functional as F  # noqa: E402
except ImportError:
    torch = None

CLOCK = ARGS.clock or ("cpu" if ARGS.threads == 1 else "wall")
NOW = time.process_time if CLOCK == "cpu" else time.perf_counter

# (name, m, n_H_prev = n_W_prev, n_C_prev, f, n_C, stride, pad): from a tiny batch and notebook 09's digits layer
# up to a CIFAR-sized layer.
SHAPES = [
    ("tiny: 4×8×8×1 → 4, 3×3", 4, 8, 1, 3, 4, 1, 1),
    ("digits: 64×8×8×1 → 8, 3×3 same", 64, 8, 1, 3, 8, 1, 1),
    ("small: 32×16×16×8 → 16, 3×3 same", 32, 16, 8, 3, 16, 1, 1),
    ("strided: 32×16×16×8 → 16, 3×3 stride 2", 32, 16, 8, 3, 16, 2, 1),
    ("5×5: 16×28×28×4 → 16, valid", 16, 28, 4, 5, 16, 1, 0),
    ("large: 32×32×32×16 → 32, 3×3 same", 32, 32, 16, 3, 32, 1, 1),
]


def blas_threads() -> int | None:
    """The thread count of the BLAS that numpy loaded, asked of the library itself (OpenBLAS), or None."""
    try:
        libraries = {line.split()[-1] for line in Path("/proc/self/maps").read_text().splitlines() if "openblas" in line}
    except OSError:
        return None
    for path in sorted(libraries):
        library = ctypes.CDLL(path)
        for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads"):
            if hasattr(library, name):
                return int(getattr(library, name)())
    return None


def timed(fns, seconds: float) -> list[np.ndarray]:
    """The times of calls of each fn, called in turn (so that all see the same load) after a warm-up, for at
    least `seconds` and ROUNDS rounds; the one that goes first changes each round."""
    for fn in fns:
        for _ in range(3):
            fn()
    times, start, rounds = [[] for _ in fns], time.perf_counter(), 0
    while rounds < ROUNDS or time.perf_counter() - start < seconds:
        for k in range(len(fns)):
            index = (rounds + k) % len(fns)
            t0 = NOW()
            fns[index]()
            times[index].append(NOW() - t0)
        rounds += 1
    return [np.array(kept) for kept in times]


def measure(name, m, n, c_prev, f, c, stride, pad, rng):
    A = rng.normal(size=(m, n, n, c_prev))
    W = rng.normal(size=(f, f, c_prev, c)) * 0.1
    b = rng.normal(size=c)
    Z, cache = cnn.conv_forward(A, W, b, stride, pad)
    dZ = rng.normal(size=Z.shape)
    rows, depth = m * Z.shape[1] * Z.shape[2], f * f * c_prev  # the unfolded shapes
    flops = 3 * 2 * rows * c * depth

    def numpy_step():
        _, cache_ = cnn.conv_forward(A, W, b, stride, pad)
        cnn.conv_backward(dZ, cache_)

    columns, W2, dZ2 = rng.normal(size=(rows, depth)), rng.normal(size=(depth, c)), rng.normal(size=(rows, c))
    Z2, dW2, dcolumns = np.empty((rows, c)), np.empty((depth, c)), np.empty((rows, depth))

    def matmuls():
        np.matmul(columns, W2, out=Z2)
        np.matmul(columns.T, dZ2, out=dW2)
        np.matmul(dZ2, W2.T, out=dcolumns)

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
    numpy_t, matmul_t, *torch_t = timed(steps, ARGS.seconds)
    numpy_s, matmul_s = float(np.median(numpy_t)), float(np.median(matmul_t))
    torch_s = float(np.median(torch_t[0])) if torch_t else None
    return {"name": name, "numpy_ms": numpy_s * 1e3, "torch_ms": None if torch_s is None else torch_s * 1e3,
            "gflops": flops / numpy_s / 1e9, "torch_gflops": None if torch_s is None else flops / torch_s / 1e9,
            "matmul_gflops": flops / matmul_s / 1e9, "rounds": len(numpy_t), "agreement": agreement}


def _cpu() -> str:
    try:
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                 if line.startswith("model name")]
    except OSError:
        names = []
    return names[0] if names else platform.processor() or platform.machine()


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "unknown"


def main() -> int:
    if torch is not None:
        torch.set_num_threads(ARGS.threads)
    rng = np.random.default_rng(0)
    read_back = blas_threads()
    print(f"{_cpu()}, {os.cpu_count()} CPUs, load average {_load()} at the start")
    print(f"numpy {np.__version__} with {read_back if read_back is not None else ARGS.threads} BLAS thread(s)"
          f"{'' if read_back is not None else ' (as set, not read back)'}; torch "
          + (f"{torch.__version__} with {torch.get_num_threads()} thread(s)" if torch else "not installed: numpy alone")
          + f"; float64; median of ≥ {ROUNDS} interleaved rounds, "
          + ("process CPU time" if CLOCK == "cpu" else "wall-clock time"))
    header = (f"{'shape':40s} {'numpy ms':>9s} {'torch ms':>9s} {'ratio':>6s} {'GFLOP/s':>8s} {'torch':>6s} "
              f"{'matmul':>7s} {'share':>6s}")
    print(header)
    print("-" * len(header))
    results = []
    for shape in SHAPES:
        r = measure(*shape, rng=rng)
        results.append(r)
        has_torch = r["torch_ms"] is not None
        torch_ms = f"{r['torch_ms']:9.3f}" if has_torch else f"{'—':>9s}"
        ratio = f"{r['numpy_ms'] / r['torch_ms']:6.2f}" if has_torch else f"{'—':>6s}"
        torch_rate = f"{r['torch_gflops']:6.2f}" if has_torch else f"{'—':>6s}"
        print(f"{r['name']:40s} {r['numpy_ms']:9.3f} {torch_ms} {ratio} {r['gflops']:8.2f} {torch_rate} "
              f"{r['matmul_gflops']:7.2f} {r['gflops'] / r['matmul_gflops']:6.0%}", flush=True)
    print("ratio = numpy time / torch time (below 1: numpy is faster); GFLOP/s of the whole forward + backward "
          "(numpy, then torch); matmul = GFLOP/s of numpy's three im2col matrix products alone; "
          "share = numpy's GFLOP/s / matmul.")
    if torch is not None:
        worst = max(r["agreement"] for r in results)
        print(f"numpy and torch agree on Z, dA_prev, dW and db to a relative {worst:.1e} (of each array's largest entry).")
        slow = [r["name"].split(":")[0] for r in results if r["numpy_ms"] > 1.5 * r["torch_ms"]]
        print("within 1.5× of torch: " + ("every shape" if not slow else "not " + ", ".join(slow)))
    low = [r["name"].split(":")[0] for r in results if r["gflops"] < 0.5 * r["matmul_gflops"]]
    print("at least half the matmul rate: " + ("every shape" if not low else "not " + ", ".join(low)))
    print(f"load average at the end: {_load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
