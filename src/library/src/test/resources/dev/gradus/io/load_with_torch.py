# SPDX-License-Identifier: Apache-2.0
"""Loads a Gradus model file (gradus-model/1) into PyTorch and checks it against `gradus predict`.

    java -jar target/gradus.jar train --out run
    java -jar target/gradus.jar predict run/model.safetensors IMAGES.gz --output pred.csv
    python3 load_with_torch.py run/model.safetensors IMAGES.gz pred.csv

With the `safetensors` package, `safetensors.torch.load_file(MODEL)` gives the same state dict; this
script reads the file itself (8-byte little-endian header length, JSON header, raw float32) so that it
needs only torch and numpy. Checked by hand with torch 1.13 on 2026-11-26: 2000 of 2000 predictions agree.
"""
import gzip, json, struct, sys

import numpy as np
import torch

ACTIVATIONS = {"identity": torch.nn.Identity, "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh,
               "relu": torch.nn.ReLU, "gelu": torch.nn.GELU, "softplus": torch.nn.Softplus}


def read_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    tensors = {}
    for name, t in header.items():
        assert t["dtype"] == "F32", t
        begin, end = t["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32).reshape(t["shape"])
    return meta, tensors


def network(arch):
    layers = []
    for spec in arch["layers"]:
        kind = spec["type"]
        if kind == "dense":
            layers.append(torch.nn.Linear(spec["in"], spec["out"]))
        elif kind == "leaky_relu":
            layers.append(torch.nn.LeakyReLU(spec["slope"]))
        elif kind == "elu":
            layers.append(torch.nn.ELU(spec["alpha"]))
        elif kind == "dropout":
            layers.append(torch.nn.Dropout(spec["p"]))
        else:
            layers.append(ACTIVATIONS[kind]())
    return torch.nn.Sequential(*layers)


def main(model, images, predictions):
    meta, state = read_safetensors(model)
    print(meta["format"], meta["architecture"])
    net = network(json.loads(meta["architecture"]))
    net.load_state_dict({k: v for k, v in state.items() if not k.startswith("optimizer.")})
    net.eval()
    raw = gzip.open(images).read() if images.endswith(".gz") else open(images, "rb").read()
    x = torch.tensor(np.frombuffer(raw[16:], dtype=np.uint8).reshape(-1, 784).astype(np.float32) / 255)
    with torch.no_grad():
        torch_classes = net(x).argmax(1).numpy()
    lines = open(predictions).read().splitlines()[1:]
    gradus_classes = np.array([int(line.split(",")[1]) for line in lines])
    agree = int((torch_classes == gradus_classes).sum())
    print(f"torch and gradus agree on {agree} of {len(lines)} predictions")
    return 0 if agree == len(lines) else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
