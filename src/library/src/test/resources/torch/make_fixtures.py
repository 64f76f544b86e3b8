# SPDX-License-Identifier: Apache-2.0
"""Writes the PyTorch fixtures that ReferenceBackend's tests compare against.

Run with PyTorch 1.13 from this directory:  /usr/bin/python3 make_fixtures.py
  optimizers.json  every torch.optim configuration below, run for STEPS steps on one float32 tensor
                   with fixed float32 gradients, single-tensor path (foreach=False); the parameter and
                   every state buffer after each step
  pointwise.json   activation and loss values and gradients at fixed points, computed in float64
Hyperparameters are written as the decimals a user would type; the Java test reads them as float32.
"""
import json
import torch

torch.set_num_threads(1)
SIZE = 37     # more than two AVX-512 vectors plus a tail: torch's vectorized and scalar loops both run
STEPS = 5


def f32(t):
    return [float(v) for v in t.detach().to(torch.float32).reshape(-1)]


def f64(t):
    return [float(v) for v in t.detach().to(torch.float64).reshape(-1)]


OPTIMIZERS = [
    ("sgd", "plain", dict(lr=0.1)),
    ("sgd", "momentum", dict(lr=0.01, momentum=0.9)),
    ("sgd", "nesterov", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("sgd", "weight_decay", dict(lr=0.1, weight_decay=0.01)),
    ("sgd", "dampening", dict(lr=0.03, momentum=0.8, dampening=0.3, weight_decay=0.001)),
    ("adagrad", "plain", dict(lr=0.01)),
    ("adagrad", "lr_decay", dict(lr=0.1, lr_decay=0.05, initial_accumulator_value=0.1, weight_decay=0.02)),
    ("rmsprop", "plain", dict(lr=0.01)),
    ("rmsprop", "momentum", dict(lr=0.01, momentum=0.9)),
    ("rmsprop", "centered", dict(lr=0.003, alpha=0.9, centered=True, momentum=0.5)),
    ("rmsprop", "weight_decay", dict(lr=0.01, weight_decay=0.1, eps=1e-6)),
    ("adam", "plain", dict(lr=0.001)),
    ("adam", "amsgrad", dict(lr=0.01, betas=(0.8, 0.99), amsgrad=True)),
    ("adam", "weight_decay", dict(lr=0.002, weight_decay=0.1, eps=1e-7)),
    ("adamw", "plain", dict(lr=0.001)),
    ("adamw", "amsgrad", dict(lr=0.01, weight_decay=0.05, amsgrad=True)),
]

CLASSES = {"sgd": torch.optim.SGD, "adagrad": torch.optim.Adagrad, "rmsprop": torch.optim.RMSprop,
           "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}


def state_of(kind, st):
    names = {"momentum_buffer": "momentum_buf", "sum": "sum", "square_avg": "square_avg",
             "grad_avg": "grad_avg", "exp_avg": "exp_avg", "exp_avg_sq": "exp_avg_sq",
             "max_exp_avg_sq": "max_exp_avg_sq"}
    return {names[k]: f32(v) for k, v in st.items() if k in names and v is not None}


def optimizer_cases():
    g = torch.Generator().manual_seed(20261126)
    cases = []
    for kind, name, hyper in OPTIMIZERS:
        p0 = (torch.rand(SIZE, generator=g, dtype=torch.float64) * 2 - 1).to(torch.float32)
        grads = [(torch.randn(SIZE, generator=g, dtype=torch.float64) * 0.5).to(torch.float32)
                 for _ in range(STEPS)]
        param = torch.nn.Parameter(p0.clone())
        opt = CLASSES[kind]([param], foreach=False, **hyper)
        steps = []
        for grad in grads:
            param.grad = grad.clone()
            opt.step()
            steps.append({"param": f32(param), "state": state_of(kind, opt.state[param])})
        h = dict(hyper)
        if "betas" in h:
            h["beta1"], h["beta2"] = h.pop("betas")
        cases.append({"optimizer": kind, "name": name, "hyper": h, "param0": f32(p0),
                      "grads": [f32(x) for x in grads], "steps": steps})
    return cases


POINTS = [-25.0, -6.0, -3.1, -1.7, -0.9, -0.35, -0.04, 0.02, 0.3, 0.75, 1.2, 2.5, 4.0, 19.5, 21.0]

ACTIVATIONS = [
    ("sigmoid", 0.0, torch.sigmoid),
    ("tanh", 0.0, torch.tanh),
    ("relu", 0.0, torch.relu),
    ("leaky_relu", 0.01, lambda x: torch.nn.functional.leaky_relu(x, 0.01)),
    ("leaky_relu", 0.2, lambda x: torch.nn.functional.leaky_relu(x, 0.2)),
    ("elu", 1.0, lambda x: torch.nn.functional.elu(x, 1.0)),
    ("elu", 0.5, lambda x: torch.nn.functional.elu(x, 0.5)),
    ("gelu", 0.0, lambda x: torch.nn.functional.gelu(x)),
    ("softplus", 0.0, lambda x: torch.nn.functional.softplus(x)),
]


OUTPUT_BACKWARD = {"sigmoid": torch.ops.aten.sigmoid_backward, "tanh": torch.ops.aten.tanh_backward}


def pointwise_cases():
    x32 = torch.tensor(POINTS, dtype=torch.float32)
    g = torch.Generator().manual_seed(7)
    dout = (torch.randn(len(POINTS), generator=g, dtype=torch.float64)).to(torch.float32)
    acts = []
    for name, param, fn in ACTIVATIONS:
        x = x32.to(torch.float64).requires_grad_()
        y = fn(x)
        (dx,) = torch.autograd.grad(y, x, dout.to(torch.float64))
        case = {"activation": name, "param": param, "x": f32(x32), "dout": f32(dout), "out": f64(y), "dinp": f64(dx)}
        if name in OUTPUT_BACKWARD:
            # torch differentiates sigmoid and tanh through their output, which a float32 kernel holds
            # rounded; 1 - y then loses digits, so the kernel is checked on its own float32 output
            y32 = y.detach().to(torch.float32).to(torch.float64)
            case["dinp_from_out32"] = f64(OUTPUT_BACKWARD[name](dout.to(torch.float64), y32))
        acts.append(case)
    # softmax over rows of a (3, 5) matrix
    xs = (torch.randn(3, 5, generator=g, dtype=torch.float64) * 3).to(torch.float32)
    ds = torch.randn(3, 5, generator=g, dtype=torch.float64).to(torch.float32)
    x = xs.to(torch.float64).requires_grad_()
    y = torch.softmax(x, dim=1)
    (dx,) = torch.autograd.grad(y, x, ds.to(torch.float64))
    y32 = y.detach().to(torch.float32).to(torch.float64)
    from_out = torch.ops.aten._softmax_backward_data(ds.to(torch.float64), y32, 1, torch.float64)
    acts.append({"activation": "softmax", "param": 0.0, "rows": 3, "cols": 5, "x": f32(xs), "dout": f32(ds),
                 "out": f64(y), "dinp": f64(dx), "dinp_from_out32": f64(from_out)})

    losses = []
    n = 4 * 3
    pred = (torch.randn(n, generator=g, dtype=torch.float64) * 2).to(torch.float32)
    target = (torch.randn(n, generator=g, dtype=torch.float64) * 2).to(torch.float32)
    prob = (torch.rand(n, generator=g, dtype=torch.float64) * 0.98 + 0.01).to(torch.float32)
    prob[0] = 0.0   # the log clamp at -100
    prob[1] = 1.0
    target01 = (torch.rand(n, generator=g, dtype=torch.float64)).to(torch.float32)
    target01[0] = 0.25
    target01[1] = 0.75
    F = torch.nn.functional
    for name, delta, fn, p, t in [
        ("mse", 0.0, F.mse_loss, pred, target),
        ("l1", 0.0, F.l1_loss, pred, target),
        ("huber", 1.0, lambda a, b: F.huber_loss(a, b, delta=1.0), pred, target),
        ("huber", 0.5, lambda a, b: F.huber_loss(a, b, delta=0.5), pred, target),
        ("bce", 0.0, F.binary_cross_entropy, prob, target01),
        ("bce_with_logits", 0.0, F.binary_cross_entropy_with_logits, pred, target01),
    ]:
        x = p.to(torch.float64).requires_grad_()
        loss = fn(x, t.to(torch.float64))
        (dx,) = torch.autograd.grad(loss, x)
        losses.append({"loss": name, "delta": delta, "rows": 4, "cols": 3, "pred": f32(p), "target": f32(t),
                       "value": float(loss), "dpred": f64(dx)})
    logits = (torch.randn(5, 4, generator=g, dtype=torch.float64) * 3).to(torch.float32)
    labels = [2, 0, 3, 3, 1]
    x = logits.to(torch.float64).requires_grad_()
    loss = F.cross_entropy(x, torch.tensor(labels))
    (dx,) = torch.autograd.grad(loss, x)
    losses.append({"loss": "cross_entropy", "delta": 0.0, "rows": 5, "cols": 4, "pred": f32(logits),
                   "labels": labels, "value": float(loss), "dpred": f64(dx)})
    return {"activations": acts, "losses": losses}


def main():
    header = {"generator": "make_fixtures.py", "torch": torch.__version__}
    with open("optimizers.json", "w") as f:
        json.dump({**header, "steps": STEPS, "cases": optimizer_cases()}, f)
        f.write("\n")
    with open("pointwise.json", "w") as f:
        json.dump({**header, **pointwise_cases()}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
