#!/usr/bin/env python3
"""PyTorch reference for `macrodyn bench macronet`: one training step of the same two MacroNet
networks ([Relational macrostates] A.3.2 and A.3.3), float32, on a fixed number of CPU threads.

  oscillator  shared-weights flow: noisy kernel 2 -> 8, 20 blocks of (LU-parametrised invertible
              linear, RealNVP coupling with halves masks alternating and a conditioner MLP
              n/2 -> 64 -> 64 -> n (ReLU, tanh-bounded log-scale), invertible batch norm), keep 1;
              u and v batches of 256 go through it as one batch of 512; loss = |a - b|^2
              + 0.5 (NLL_u + NLL_v); NAdam.
  gray_scott  phi_u: noisy kernel 3 -> 4, 5 such blocks, keep 2; phi_v: CNN on 3 x 64 x 64 (stride-2
              3x3 circular convs 16, 32, 32, 32, softplus, Linear 512 -> 2); batch 64;
              loss = |a - b|^2 + 0.1 NLL_u; NAdam.
A step = zero_grad + forward + loss + backward + optimizer step, timed one by one after 2 warm-up
steps; the median is printed as "torch macronet <system>_ms_per_step <ms> ms", the same form as
the macrodyn bench line, and the median process CPU time per step as "<system>_cpu_ms_per_step"
(as macrodyn prints it; on a shared machine closer to an unloaded wall time). Needs PyTorch
(Debian: python3-torch).

Usage: /usr/bin/python3 postprocess/macronet_torch_bench.py [--threads 1] [--steps 20] [--gs-steps 10]
"""
import argparse
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LULinear(nn.Module):
    """Glow's invertible linear W = P L (U + diag(sign s exp(log|s|)))."""

    def __init__(self, d):
        super().__init__()
        w = torch.linalg.qr(torch.randn(d, d))[0]
        p, lo, up = torch.linalg.lu(w)
        s = torch.diagonal(up)
        self.register_buffer("p", p)
        self.register_buffer("sign", torch.sign(s))
        self.lower = nn.Parameter(lo)
        self.upper = nn.Parameter(torch.triu(up, 1))
        self.log_s = nn.Parameter(torch.log(torch.abs(s)))
        self.register_buffer("lmask", torch.tril(torch.ones(d, d), -1))
        self.register_buffer("eye", torch.eye(d))

    def forward(self, x):  # x (B, d)
        lower = self.lower * self.lmask + self.eye
        upper = self.upper * self.lmask.T + torch.diag(self.sign * torch.exp(self.log_s))
        w = self.p @ lower @ upper
        return x @ w.T, self.log_s.sum().expand(x.shape[0])


class RealNVP(nn.Module):
    def __init__(self, d, hidden, parity):
        super().__init__()
        half = d // 2
        self.pass_idx = list(range(half)) if parity == 0 else list(range(half, d))
        self.act_idx = list(range(half, d)) if parity == 0 else list(range(half))
        n_pass, n_act = len(self.pass_idx), len(self.act_idx)
        self.net = nn.Sequential(nn.Linear(n_pass, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, 2 * n_act))
        self.n_act = n_act

    def forward(self, x):
        xp, xa = x[:, self.pass_idx], x[:, self.act_idx]
        h = self.net(xp)
        s = torch.tanh(h[:, :self.n_act])
        t = h[:, self.n_act:]
        ya = xa * torch.exp(s) + t
        y = torch.empty_like(x)
        y[:, self.pass_idx] = xp
        y[:, self.act_idx] = ya
        return y, s.sum(dim=1)


class InvBatchNorm(nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.log_gamma = nn.Parameter(torch.zeros(d))
        self.beta = nn.Parameter(torch.zeros(d))
        self.eps = eps

    def forward(self, x):
        mean = x.mean(dim=0)
        var = x.var(dim=0, unbiased=False)
        y = (x - mean) / torch.sqrt(var + self.eps) * torch.exp(self.log_gamma) + self.beta
        ld = (self.log_gamma - 0.5 * torch.log(var + self.eps)).sum()
        return y, ld.expand(x.shape[0])


class MacroFlow(nn.Module):
    def __init__(self, in_dim, noise_dims, blocks, hidden, keep):
        super().__init__()
        d = in_dim + noise_dims
        self.noise_dims, self.keep = noise_dims, keep
        layers = []
        for k in range(blocks):
            layers += [LULinear(d), RealNVP(d, hidden, k % 2), InvBatchNorm(d)]
        self.layers = nn.ModuleList(layers)

    def forward(self, x):  # returns the kept macrostate and -log density terms per sample
        eps = 1e-3 * torch.randn(x.shape[0], self.noise_dims)
        x = torch.cat([x, eps], dim=1)
        ld = torch.zeros(x.shape[0])
        for layer in self.layers:
            x, l = layer(x)
            ld = ld + l
        nll = 0.5 * (x * x).sum(dim=1) + 0.5 * x.shape[1] * math.log(2 * math.pi) - ld
        return x[:, :self.keep], nll


def cnn_encoder(channels=(16, 32, 32, 32), keep=2):
    layers, c = [], 3
    for out in channels:
        layers += [nn.Conv2d(c, out, 3, stride=2, padding=1, padding_mode="circular"), nn.Softplus()]
        c = out
    layers += [nn.Flatten(), nn.Linear(c * 4 * 4, keep)]
    return nn.Sequential(*layers)


def time_steps(step, steps):
    times, cpu = [], []
    for k in range(steps + 2):
        t0, c0 = time.perf_counter(), time.process_time()
        step()
        if k >= 2:
            times.append(1e3 * (time.perf_counter() - t0))
            cpu.append(1e3 * (time.process_time() - c0))
    return statistics.median(times), min(times), statistics.median(cpu)


def oscillator(steps, batch=256):
    flow = MacroFlow(2, 6, 20, 64, 1)
    opt = torch.optim.NAdam(flow.parameters(), lr=5e-3)
    u = 2 * torch.rand(batch, 2) - 1
    v = 2 * torch.rand(batch, 2) - 1

    def step():
        opt.zero_grad()
        z, nll = flow(torch.cat([u, v], dim=0))
        a, b = z[:batch], z[batch:]
        loss = ((a - b) ** 2).sum(dim=1).mean() + 0.5 * (nll[:batch].mean() + nll[batch:].mean())
        loss.backward()
        opt.step()

    return time_steps(step, steps)


def gray_scott(steps, batch=64):
    phi_u = MacroFlow(3, 1, 5, 64, 2)
    phi_v = cnn_encoder()
    opt = torch.optim.NAdam(list(phi_u.parameters()) + list(phi_v.parameters()), lr=1e-3)
    u = 0.1 * torch.rand(batch, 3)
    v = torch.rand(batch, 3, 64, 64)

    def step():
        opt.zero_grad()
        a, nll = phi_u(u)
        b = phi_v(v)
        loss = ((a - b) ** 2).sum(dim=1).mean() + 0.1 * nll.mean()
        loss.backward()
        opt.step()

    return time_steps(step, steps)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=20, help="timed oscillator steps")
    ap.add_argument("--gs-steps", type=int, default=10, help="timed Gray-Scott steps")
    ap.add_argument("--systems", nargs="+", default=["oscillator", "gray_scott"],
                    choices=["oscillator", "gray_scott"])
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    torch.set_default_dtype(torch.float32)
    for system in args.systems:
        median, best, cpu = oscillator(args.steps) if system == "oscillator" else gray_scott(args.gs_steps)
        print(f"torch {torch.__version__} {args.threads} thread(s) {system}: min {best:.4g} ms, median {median:.4g} ms")
        print(f"torch macronet {system}_ms_per_step {median:.6g} ms")
        print(f"torch macronet {system}_cpu_ms_per_step {cpu:.6g} ms")


if __name__ == "__main__":
    main()
