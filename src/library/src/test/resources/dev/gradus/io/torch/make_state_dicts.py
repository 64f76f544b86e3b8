# SPDX-License-Identifier: Apache-2.0
"""Writes the PyTorch state dicts that StateDictTest and the CLI's import test load, with PyTorch's outputs.

    apt-get install -y python3-torch    # torch 1.13
    /usr/bin/python3 make_state_dicts.py    # in this directory

Each network is built by torch with a fixed seed, its state dict is saved as safetensors, and its outputs
(eval mode, float32) on 32 seeded inputs are saved beside it with the inputs, as tensors "x" and "y":

- sequential.safetensors (+ sequential_io.safetensors): nn.Sequential(Linear(6, 16), GELU(), Linear(16, 8),
  Tanh(), Dropout(0.3), Linear(8, 3)) -- names 0.*, 2.*, 5.*: Gradus's layer list, dropout included;
- wrapped.safetensors (+ wrapped_io.safetensors): a module holding nn.Sequential(Linear(5, 12), ReLU(),
  Linear(12, 12), ReLU(), Linear(12, 4)) as self.model -- names model.0.* ... model.4.*, the architecture
  `--layers 5,12,12,4 --activation relu`;
- norms.safetensors (+ norms_io.safetensors, x [32, 2, 4, 5]): nn.Sequential(Conv2d(2, 3, 3,
  padding=1), BatchNorm2d(3), ReLU(), Flatten(), Linear(60, 6), BatchNorm1d(6), Tanh(), LayerNorm(6),
  Linear(6, 3)) on [2, 4, 5] images, its affine weights drawn and 3 training-mode batches run first, so the
  buffers (running_mean, running_var, num_batches_tracked: an int64 scalar) are not their initial values.
- cnn.safetensors (+ cnn_io.safetensors, x [16, 1, 8, 8]): nn.Sequential(Conv2d(1, 4, 3, padding=1), ReLU(),
  MaxPool2d(2), Conv2d(4, 6, (2, 3), padding=1, bias=False), Tanh(), AvgPool2d(2, stride=1, padding=1,
  count_include_pad=False), Flatten(), Linear(180, 10), ReLU(), Linear(10, 3)) -- a conv weight is
  [out, in, kh, kw]; cnn_state_dict.txt lists its state dict's names and shapes in order, one
  "name dim,dim,..." a line: what a Gradus file must hold for load_state_dict(strict=True).

With the `safetensors` package this is `safetensors.torch.save_file(model.state_dict(), path)`; without it
the file is written by hand below in the same format (8-byte little-endian header length, the JSON header
padded with spaces to a multiple of 8, then the tensors' raw little-endian bytes in header order).
"""
import json
import struct

import torch

try:
    from safetensors.torch import save_file
except ImportError:
    def save_file(tensors, path, metadata=None):
        header, blobs, offset = {}, [], 0
        if metadata:
            header["__metadata__"] = metadata
        for name in sorted(tensors):
            t = tensors[name].detach().contiguous()
            i64 = t.dtype == torch.int64
            blob = t.numpy().astype("<i8" if i64 else "<f4").tobytes()
            header[name] = {"dtype": "I64" if i64 else "F32", "shape": list(t.shape),
                            "data_offsets": [offset, offset + len(blob)]}
            blobs.append(blob)
            offset += len(blob)
        text = json.dumps(header, separators=(",", ":")).encode("utf-8")
        text += b" " * (-len(text) % 8)
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(text)))
            f.write(text)
            for blob in blobs:
                f.write(blob)


class Wrapped(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.model = torch.nn.Sequential(torch.nn.Linear(5, 12), torch.nn.ReLU(), torch.nn.Linear(12, 12),
                                         torch.nn.ReLU(), torch.nn.Linear(12, 4))

    def forward(self, x):
        return self.model(x)


def write(name, model, features, seed, rows=32):
    """features: a sample's shape, an int or a tuple (C, H, W)."""
    model.eval()
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(rows, *(features if isinstance(features, tuple) else (features,)), generator=g) * 2
    with torch.no_grad():
        y = model(x)
    save_file(model.state_dict(), name + ".safetensors")
    save_file({"x": x, "y": y}, name + "_io.safetensors")
    print(name, {k: list(v.shape) for k, v in model.state_dict().items()}, "y[0] =", y[0].tolist())


torch.manual_seed(1)
write("sequential", torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.GELU(), torch.nn.Linear(16, 8), torch.nn.Tanh(),
                                        torch.nn.Dropout(0.3), torch.nn.Linear(8, 3)), 6, 2)
torch.manual_seed(3)
write("wrapped", Wrapped(), 5, 4)
torch.manual_seed(5)
norms = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3, padding=1), torch.nn.BatchNorm2d(3), torch.nn.ReLU(),
                            torch.nn.Flatten(), torch.nn.Linear(60, 6), torch.nn.BatchNorm1d(6), torch.nn.Tanh(),
                            torch.nn.LayerNorm(6), torch.nn.Linear(6, 3))
with torch.no_grad():
    for k in (1, 5, 7):
        norms[k].weight.uniform_(0.5, 1.5)
        norms[k].bias.uniform_(-0.5, 0.5)
    norms.train()
    for _ in range(3):
        norms(torch.randn(16, 2, 4, 5) * 2 + 0.5)
write("norms", norms, (2, 4, 5), 6)
torch.manual_seed(5)
cnn = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                          torch.nn.Conv2d(4, 6, (2, 3), padding=1, bias=False), torch.nn.Tanh(),
                          torch.nn.AvgPool2d(2, stride=1, padding=1, count_include_pad=False), torch.nn.Flatten(),
                          torch.nn.Linear(180, 10), torch.nn.ReLU(), torch.nn.Linear(10, 3))
write("cnn", cnn, (1, 8, 8), 6, rows=16)
with open("cnn_state_dict.txt", "w") as f:
    for k, v in cnn.state_dict().items():
        f.write(k + " " + ",".join(str(d) for d in v.shape) + "\n")
