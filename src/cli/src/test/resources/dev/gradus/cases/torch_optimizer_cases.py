# SPDX-License-Identifier: Apache-2.0
"""Writes optimizer_cases/*.json: gradus-case/1 files (format: shared/cases/README.md) for optimizer
options the shared cases do not exercise (centered RMSprop, Adagrad's lr decay and initial accumulator,
SGD dampening, Adam's betas/eps, AMSGrad AdamW, RMSprop weight decay). PyTorch 1.13, float64.
Run: /usr/bin/python3 torch_optimizer_cases.py (from this directory)."""
import json
import os

import torch

torch.set_default_dtype(torch.float64)

OPTIMIZERS = {
    "rmsprop_centered": ({"type": "rmsprop", "lr": 0.01, "momentum": 0.3, "centered": True, "alpha": 0.9},
                         lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.3, centered=True, alpha=0.9)),
    "rmsprop_weight_decay": ({"type": "rmsprop", "lr": 0.01, "weight_decay": 0.1, "eps": 1e-6},
                             lambda p: torch.optim.RMSprop(p, lr=0.01, weight_decay=0.1, eps=1e-6)),
    "adagrad_decay": ({"type": "adagrad", "lr": 0.1, "lr_decay": 0.05, "initial_accumulator_value": 0.2,
                       "weight_decay": 0.01},
                      lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.05, initial_accumulator_value=0.2,
                                                    weight_decay=0.01)),
    "sgd_dampening": ({"type": "sgd", "lr": 0.1, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.02},
                      lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.8, dampening=0.3, weight_decay=0.02)),
    "adam_betas": ({"type": "adam", "lr": 0.02, "beta1": 0.8, "beta2": 0.95, "eps": 1e-6},
                   lambda p: torch.optim.Adam(p, lr=0.02, betas=(0.8, 0.95), eps=1e-6)),
    "adamw_amsgrad": ({"type": "adamw", "lr": 0.02, "weight_decay": 0.1, "amsgrad": True},
                      lambda p: torch.optim.AdamW(p, lr=0.02, weight_decay=0.1, amsgrad=True)),
}


def tensor(t):
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def named(model):
    return [{"name": n, **tensor(p.detach())} for n, p in model.named_parameters()]


def case(name, opt_json, make_opt, seed):
    g = torch.Generator().manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3))
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.rand(p.shape, generator=g) - 0.5)
    x = torch.rand(5, 4, generator=g) * 2 - 1
    labels = torch.randint(0, 3, (5,), generator=g)
    loss_fn = torch.nn.CrossEntropyLoss()
    params = named(model)
    out = model(x)
    loss = loss_fn(out, labels)
    loss.backward()
    grads = [{"name": n, **tensor(p.grad)} for n, p in model.named_parameters()]
    opt = make_opt(model.parameters())
    losses = []
    for _ in range(7):
        opt.zero_grad()
        l = loss_fn(model(x), labels)
        losses.append(float(l))
        l.backward()
        opt.step()
    return {"format": "gradus-case/1", "name": name,
            "description": "optimizer option check written by torch_optimizer_cases.py",
            "layers": [{"type": "dense", "in": 4, "out": 6}, {"type": "tanh"}, {"type": "dense", "in": 6, "out": 3}],
            "loss": {"type": "cross_entropy"}, "x": tensor(x), "labels": labels.tolist(), "params": params,
            "expect": {"output": tensor(out.detach()), "loss": float(loss), "grads": grads},
            "train": {"optimizer": opt_json, "steps": 7, "losses": losses, "params_after": named(model)},
            "tolerance": {"rtol": 1e-4, "atol": 1e-5, "note": "for a float32 implementation"}}


os.makedirs("optimizer_cases", exist_ok=True)
for i, (name, (j, make)) in enumerate(OPTIMIZERS.items()):
    with open(os.path.join("optimizer_cases", name + ".json"), "w") as f:
        json.dump(case(name, j, make, 100 + i), f)
