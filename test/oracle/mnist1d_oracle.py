"""Independent MNIST-1D oracle for parity tests.

Written for spurious1d's tests from the published algorithm (see ALGORITHM.md in the shared
reference folder); it uses numpy's legacy RandomState, numpy's own reductions and interp, and
scipy's correlate1d, so it checks our WASM port against the real numerical libraries on
configurations for which no frozen reference exists.

Usage: python3 mnist1d_oracle.py '<json args>'  -> prints JSON {name: sha256 hex} of each array
(float64 / int64 little-endian C order), plus a few summary values.

Run with NPY_DISABLE_CPU_FEATURES set to the AVX512 features and GLIBC_TUNABLES
glibc.cpu.hwcaps=-AVX2,-FMA: the "portable" variant the reference data uses.
"""
import hashlib
import json
import sys

import numpy as np
from scipy.ndimage import correlate1d

# The reference's Gaussian (sigma 2, radius 8) weights as big-endian hex: recent scipy releases
# recompute two of them one ulp apart, so the oracle filters with the reference's own weights.
KERNEL_HEX = [
    "3f118aad19e4159b", "3f3c98b8c5d0dda5", "3f6227362b5fc92d", "3f81f30504e20207",
    "3f9ba4d4125ffd2a", "3fb0941b71ceef37", "3fbef9093fc46e5a", "3fc68856f9ab1983",
    "3fc98862a07ae7b4", "3fc68856f9ab1983", "3fbef9093fc46e5a", "3fb0941b71ceef37",
    "3f9ba4d4125ffd2a", "3f81f30504e20207", "3f6227362b5fc92d", "3f3c98b8c5d0dda5",
    "3f118aad19e4159b",
]
KERNEL = np.array([np.frombuffer(bytes.fromhex(h), dtype=">f8")[0] for h in KERNEL_HEX])

TEMPLATE_ROWS = [
    [5, 6, 6.5, 6.75, 7, 7, 7, 7, 6.75, 6.5, 6, 5],
    [5, 3, 3, 3.4, 3.8, 4.2, 4.6, 5, 5.4, 5.8, 5, 5],
    [5, 6, 6.5, 6.5, 6, 5.25, 4.75, 4, 3.5, 3.5, 4, 5],
    [5, 6, 6.5, 6.5, 6, 5, 5, 6, 6.5, 6.5, 6, 5],
    [5, 4.4, 3.8, 3.2, 2.6, 2.6, 5, 5, 5, 5, 5, 5],
    [5, 3, 3, 3, 3, 5, 6, 6.5, 6.5, 6, 4.5, 5],
    [5, 4, 3.5, 3.25, 3, 3, 3, 3, 3.25, 3.5, 4, 5],
    [5, 7, 7, 6.6, 6.2, 5.8, 5.4, 5, 4.6, 4.2, 5, 5],
    [5, 4, 3.5, 3.5, 4, 5, 5, 4, 3.5, 3.5, 4, 5],
    [5, 4, 3.5, 3.5, 4, 5, 5, 5, 5, 4.7, 4.3, 5],
]


def templates():
    x = np.asarray(TEMPLATE_ROWS, dtype=np.float64)
    x -= x.mean(1, keepdims=True)
    x /= x.std(1, keepdims=True)
    x -= x[:, :1]
    return x / 6.0, np.linspace(-5, 5, x.shape[1]) / 6.0, np.arange(10, dtype=np.int64)


def resample(v, n):
    return np.interp(np.linspace(0, 1, n), np.linspace(0, 1, len(v)), v)


def one_sample(x, t, a, rng, resample=resample, filter_noise=None):
    low, high = a["padding"]
    length = a["template_len"] + high
    p = low + int(rng.rand() * (high - low + 1))
    row = np.concatenate([x + 1e-8, np.zeros(p)])
    row = resample(row, length)
    new_t = resample(t, length)
    row = row * (1 + a["scale_coeff"] * (rng.rand() - 0.5))
    k = rng.choice(a["max_translation"])
    row = np.concatenate([row[-k:], row[:-k]]) if k else row
    mask = row != 0
    noise = a["corr_noise_scale"] * rng.randn(length)
    corr = filter_noise(noise) if filter_noise else correlate1d(noise, KERNEL, mode="reflect")
    row = np.where(mask, row, corr)
    row = row + a["iid_noise_scale"] * rng.randn(length)
    s = a["shear_scale"] * (rng.rand() - 0.5)
    row = row - s * np.linspace(-0.5, 0.5, length)
    return resample(row, a["final_seq_length"]), resample(new_t, a["final_seq_length"])


def legacy_sum(values):
    """numpy 1.x whole-array sum: buffered chunks of 8192 in visiting order, each pairwise-summed
    (numpy's own np.sum on a 1-D chunk), added in order. numpy >= 2.3 no longer chunks, and the
    reference data was made with numpy 1.24."""
    acc = 0.0
    for start in range(0, values.size, 8192):
        acc += float(np.sum(values[start:start + 8192]))
    return acc


def legacy_mean_std(xs, visit_order):
    flat = xs.ravel(order=visit_order)
    mean = legacy_sum(flat) / flat.size
    dev = flat - mean
    return mean, np.sqrt(legacy_sum(dev * dev) / flat.size)


def make(a, **ops):
    tx, tt, ty = templates()
    rng = np.random.RandomState(a["seed"])
    xs, ys = [], []
    for label in range(10):
        for _ in range(a["num_samples"] // 10):
            row, new_t = one_sample(tx[label], tt, a, rng, **ops)
            xs.append(row)
            ys.append(ty[label])
    perm = rng.permutation(len(ys))
    xs = np.stack(xs)[perm]
    ys = np.stack(ys)[perm]
    order = "C"
    if a["shuffle_seq"]:
        xs = xs[..., rng.permutation(a["final_seq_length"])]
        order = "F"  # numpy 1.x iterates the fancy-indexed result column by column
    mean, std = legacy_mean_std(xs, order)
    new_t = new_t / std
    xs = (xs - mean) / std
    cut = int(len(ys) * a["train_split"])
    return {
        "x": xs[:cut], "x_test": xs[cut:], "y": ys[:cut].astype(np.int64),
        "y_test": ys[cut:].astype(np.int64), "t": new_t,
        "templates_x": tx, "templates_t": tt,
    }


def sha(arr):
    return hashlib.sha256(np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()).hexdigest()


def package_style_ops():
    """The library calls the published package makes per example (for timing only; its values are
    not checked): a scipy interp1d object per interpolation and scipy's gaussian_filter."""
    from scipy.interpolate import interp1d
    from scipy.ndimage import gaussian_filter

    def resample_interp1d(v, n):
        return interp1d(np.linspace(0, 1, len(v)), v, axis=0, kind="linear")(np.linspace(0, 1, n))

    return {"resample": resample_interp1d, "filter_noise": lambda noise: gaussian_filter(noise, 2)}


if __name__ == "__main__":
    args = json.loads(sys.argv[1])
    if len(sys.argv) > 2 and sys.argv[2] in ("--time", "--time-package-style"):
        # Benchmark baseline: CPU seconds of one generation (best of the given repeats), with this
        # oracle's numpy calls or with the published package's.
        import time
        ops = package_style_ops() if sys.argv[2] == "--time-package-style" else {}
        best = float("inf")
        for _ in range(int(sys.argv[3]) if len(sys.argv) > 3 else 1):
            start = time.process_time()
            make(args, **ops)
            best = min(best, time.process_time() - start)
        print(json.dumps({"cpu_seconds": best}))
        sys.exit(0)
    out = make(args)
    print(json.dumps({k: sha(v) for k, v in out.items()} | {"x0": out["x"][0].tolist()}))
