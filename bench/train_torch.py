"""PyTorch's side of bench/train.bench.ts and bench/accuracy.bench.ts: the same models, data, batch
order and Adam settings as spurious1d's trainer, on one thread.

  train_torch.py speed MODEL BATCH STEPS RUNS DATA_DIR   -> median samples/s of RUNS timed runs
  train_torch.py accuracy MODEL SEED STEPS DATA_DIR      -> test accuracy after STEPS steps
  train_torch.py predict MODEL ROWS RUNS DATA_DIR         -> median samples/s of logits for ROWS rows

DATA_DIR holds x.f32, y.i32 (training) and xt.f32, yt.i32 (test), rows of 40 float32 values.
"""
import os

for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = "1"

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(1)
torch.set_num_interop_threads(1)
LENGTH, CLASSES, HIDDEN, CHANNELS = 40, 10, 100, 25


class MLP(nn.Module):
    """The reference MLP: hidden 100, a residual second layer."""

    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(LENGTH, HIDDEN)
        self.l2 = nn.Linear(HIDDEN, HIDDEN)
        self.l3 = nn.Linear(HIDDEN, CLASSES)

    def forward(self, x):
        h = F.relu(self.l1(x))
        h = h + F.relu(self.l2(h))
        return self.l3(h)


class CNN(nn.Module):
    """The reference CNN: three strided 1-D convolutions of 25 channels, then a linear head."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(1, CHANNELS, 5, stride=2, padding=1)
        self.c2 = nn.Conv1d(CHANNELS, CHANNELS, 3, stride=2, padding=1)
        self.c3 = nn.Conv1d(CHANNELS, CHANNELS, 3, stride=2, padding=1)
        self.head = nn.Linear(CHANNELS * 5, CLASSES)

    def forward(self, x):
        h = x.view(-1, 1, LENGTH)
        h = F.relu(self.c1(h))
        h = F.relu(self.c2(h))
        h = F.relu(self.c3(h))
        return self.head(h.flatten(1))


def make(kind):
    return {"mlp": MLP, "cnn": CNN, "linear": lambda: nn.Linear(LENGTH, CLASSES)}[kind]()


def load(data_dir, name, dtype):
    return torch.from_numpy(np.fromfile(os.path.join(data_dir, name), dtype=dtype).copy())


def run(model, opt, x, y, batch, steps, first_step=0):
    """The reference's loop: sequential slices x[(step * batch) % n:][:batch]."""
    n = y.shape[0]
    for step in range(first_step, first_step + steps):
        i = (step * batch) % n
        loss = F.cross_entropy(model(x[i:i + batch]), y[i:i + batch])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return loss


def main(argv):
    mode, kind = argv[0], argv[1]
    if mode == "speed":
        batch, steps, runs, data_dir = int(argv[2]), int(argv[3]), int(argv[4]), argv[5]
        x = load(data_dir, "x.f32", np.float32).view(-1, LENGTH)
        y = load(data_dir, "y.i32", np.int32).long()
        torch.manual_seed(0)
        model = make(kind)
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        run(model, opt, x, y, batch, 100)  # warm-up
        speeds = []
        for _ in range(runs):
            start = time.perf_counter()
            run(model, opt, x, y, batch, steps)
            speeds.append(steps * batch / (time.perf_counter() - start))
        print(statistics.median(speeds))
    elif mode == "accuracy":
        seed, steps, data_dir = int(argv[2]), int(argv[3]), argv[4]
        x = load(data_dir, "x.f32", np.float32).view(-1, LENGTH)
        y = load(data_dir, "y.i32", np.int32).long()
        xt = load(data_dir, "xt.f32", np.float32).view(-1, LENGTH)
        yt = load(data_dir, "yt.i32", np.int32).long()
        torch.manual_seed(seed)
        model = make(kind)
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        run(model, opt, x, y, 100, steps)
        with torch.no_grad():
            print((model(xt).argmax(1) == yt).float().mean().item())
    elif mode == "predict":
        rows, runs, data_dir = int(argv[2]), int(argv[3]), argv[4]
        x = load(data_dir, "x.f32", np.float32).view(-1, LENGTH)
        x = x.repeat((rows + x.shape[0] - 1) // x.shape[0], 1)[:rows].contiguous()
        torch.manual_seed(0)
        model = make(kind).eval()
        speeds = []
        with torch.no_grad():
            model(x)  # warm-up
            for _ in range(runs):
                start = time.perf_counter()
                model(x)
                speeds.append(rows / (time.perf_counter() - start))
        print(statistics.median(speeds))
    else:
        raise SystemExit(f"unknown mode {mode!r}: expected speed, accuracy or predict")


if __name__ == "__main__":
    main(sys.argv[1:])
