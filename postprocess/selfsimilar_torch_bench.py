#!/usr/bin/env python3
"""PyTorch reference for `macrodyn bench selfsimilar`: one training step (zero_grad + forward + loss +
backward + optimizer step) of the same self-similar networks ([Self-similar dynamics] sec. III A and
III C), float32, on a fixed number of CPU threads, on fixed random data.

  vicsek_coarse    L = 64, time group 4, space group 2, batch 32. P = Conv3d(3 -> 3, kernel = stride =
                   (4, 2, 2)) on the block (3, 4, 64, 64) -> macro frame (3, 32, 32); frozen dynamics f =
                   Conv2d(3 -> 8, 2x2, circular padding 1) -> ReLU -> Conv2d(8 -> 3, 2x2); decoder
                   P' = Conv2d(3 -> 48, kernel 1). Loss = mse(P'(f(P(X_t))), X_{t+1}) + mse(P'(P(X_{t+1})),
                   X_{t+1}) (the autoencoding term of the macrodyn pipeline, weight 1); Adam on P and P'
                   (f's parameters do not require gradients, gradients flow through f).
  vicsek_dynamics  f alone at L = 64, batch 32, mse, Adam.
  ca_dynamics      Conv1d(1 -> 5, kernel 3, circular) -> ReLU -> Conv1d(5 -> 2, kernel 1) on 90 rows of
                   120 cells, two-class softmax NLL (cross entropy) per site, Adam (weight decay 5e-4).
Steps are timed one by one after 2 warm-up steps; prints "torch selfsimilar <case>_ms_per_step <median>
ms" (the macrodyn bench line's form) and "<case>_cpu_ms_per_step" (median process CPU time per step).
Needs PyTorch (Debian: python3-torch).

Usage: /usr/bin/python3 postprocess/selfsimilar_torch_bench.py [--threads 1] [--steps 20]
           [--cases vicsek_coarse vicsek_dynamics ca_dynamics]
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def time_steps(step, steps):
    times, cpu = [], []
    for k in range(steps + 2):
        t0, c0 = time.perf_counter(), time.process_time()
        step()
        if k >= 2:
            times.append(1e3 * (time.perf_counter() - t0))
            cpu.append(1e3 * (time.process_time() - c0))
    return statistics.median(times), min(times), statistics.median(cpu)


class VicsekDynamics(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.c1 = nn.Conv2d(3, hidden, 2, padding=1, padding_mode="circular")
        self.c2 = nn.Conv2d(hidden, 3, 2)

    def forward(self, x):
        return self.c2(F.relu(self.c1(x)))


def vicsek_coarse(steps, L=64, tg=4, sg=2, batch=32):
    M = L // sg
    coarse = nn.Conv3d(3, 3, (tg, sg, sg), stride=(tg, sg, sg))
    f = VicsekDynamics()
    for p in f.parameters():
        p.requires_grad_(False)
    decoder = nn.Conv2d(3, 3 * tg * sg * sg, 1)
    opt = torch.optim.Adam(list(coarse.parameters()) + list(decoder.parameters()), lr=1e-3)
    x_now = 2 * torch.rand(batch, 3, tg, L, L)
    x_next = 2 * torch.rand(batch, 3, tg, L, L)
    target = 2 * torch.rand(batch, 3 * tg * sg * sg, M, M)

    def P(x):
        return coarse(x).reshape(batch, 3, M, M)

    def step():
        opt.zero_grad()
        y = decoder(f(P(x_now)))
        loss = F.mse_loss(y, target) + F.mse_loss(decoder(P(x_next)), target)
        loss.backward()
        opt.step()

    return time_steps(step, steps)


def vicsek_dynamics(steps, L=64, batch=32):
    f = VicsekDynamics()
    opt = torch.optim.Adam(f.parameters(), lr=1e-3)
    x = 2 * torch.rand(batch, 3, L, L)
    target = 2 * torch.rand(batch, 3, L, L)

    def step():
        opt.zero_grad()
        F.mse_loss(f(x), target).backward()
        opt.step()

    return time_steps(step, steps)


def ca_dynamics(steps, W=120, batch=90):
    f = nn.Sequential(nn.Conv1d(1, 5, 3, padding=1, padding_mode="circular"), nn.ReLU(), nn.Conv1d(5, 2, 1))
    opt = torch.optim.Adam(f.parameters(), lr=1e-3, weight_decay=5e-4)
    x = torch.rand(batch, 1, W)
    target = (torch.arange(batch * W).reshape(batch, W) * 7919 % 3 == 0).long()

    def step():
        opt.zero_grad()
        F.cross_entropy(f(x), target).backward()
        opt.step()

    return time_steps(step, steps)


CASES = {"vicsek_coarse": vicsek_coarse, "vicsek_dynamics": vicsek_dynamics, "ca_dynamics": ca_dynamics}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    torch.set_default_dtype(torch.float32)
    for case in args.cases:
        median, best, cpu = CASES[case](args.steps)
        print(f"torch {torch.__version__} {args.threads} thread(s) {case}: min {best:.4g} ms, median {median:.4g} ms")
        print(f"torch selfsimilar {case}_ms_per_step {median:.6g} ms")
        print(f"torch selfsimilar {case}_cpu_ms_per_step {cpu:.6g} ms")


if __name__ == "__main__":
    main()
