# SPDX-License-Identifier: Apache-2.0
"""Writes torch_schedules.json: learning rates from torch.optim.lr_scheduler (PyTorch 1.13) and the
results of torch.nn.utils.clip_grad_norm_ / clip_grad_value_, for LrScheduleTest and GradientClippingTest.
Run: /usr/bin/python3 torch_schedules.py (from this directory)."""
import json
import math

import torch

BASE = 0.1
T = 40


def lrs(make):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=BASE)
    sched = make(opt)
    out = []
    for _ in range(T):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


S = torch.optim.lr_scheduler
schedules = {
    "step(7, 0.5)": lrs(lambda o: S.StepLR(o, step_size=7, gamma=0.5)),
    "exponential(0.9)": lrs(lambda o: S.ExponentialLR(o, gamma=0.9)),
    "cosine(25, 0.001)": lrs(lambda o: S.CosineAnnealingLR(o, T_max=25, eta_min=0.001)),
    "warmup(5, 0.1, cosine(20, 0))": lrs(lambda o: S.SequentialLR(o, [
        S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=5),
        S.CosineAnnealingLR(o, T_max=20, eta_min=0.0)], milestones=[5])),
    "warmup(4, 0.25, step(3, 0.1))": lrs(lambda o: S.SequentialLR(o, [
        S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=4),
        S.StepLR(o, step_size=3, gamma=0.1)], milestones=[4])),
}

g = torch.linspace(-3, 4, 11, dtype=torch.float32)
clips = {}
for max_norm in (1.0, 100.0):
    p = torch.nn.Parameter(torch.zeros(11))
    p.grad = g.clone()
    norm = torch.nn.utils.clip_grad_norm_([p], max_norm)
    clips[f"norm({max_norm})"] = {"norm": float(norm), "grad": p.grad.tolist()}
p = torch.nn.Parameter(torch.zeros(11))
p.grad = g.clone()
torch.nn.utils.clip_grad_value_([p], 1.5)
clips["value(1.5)"] = {"norm": math.sqrt(float((g.double() ** 2).sum())), "grad": p.grad.tolist()}

with open("torch_schedules.json", "w") as f:
    json.dump({"torch": torch.__version__, "base_lr": BASE, "grad": g.tolist(), "schedules": schedules,
               "clipping": clips}, f, indent=1)
