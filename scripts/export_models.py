#!/usr/bin/env python3
"""Train and export the demo models of the Infera marketplace.

Usage: scripts/export_models.py <out_dir>

Trains two small classifiers on scikit-learn's bundled digits dataset (8x8 grey images, no
download) and writes, into <out_dir>:

- ``digits-mlp.pt``, ``digits-cnn.pt``: TorchScript modules (``torch.jit.script``). Input: f32
  ``[B, 1, 8, 8]`` with pixels scaled to 0..1; output: f32 ``[B, 10]`` logits. The batch
  dimension is added by the worker, so the specs below exclude it.
- ``manifest.json``: per model its file, blake2-256 of the file (``0x`` hex), input and output
  specs, a suggested agreement rule (the JSON form the worker's ``load_model`` accepts), its
  accuracy on the held-out set and the file of expected outputs.
- ``heldout.bin``: the held-out inputs, raw little-endian f32, one ``[1, 8, 8]`` tensor after
  the other; ``heldout_labels.json``: their labels.
- ``expected_<model>.bin``: PyTorch's raw little-endian f32 outputs ``[N, 10]`` on the
  held-out set, for cross-checking the worker.

Deterministic: fixed seeds, one thread, deterministic algorithms, a seeded stratified split.
Running it twice yields byte-identical files (the hash seed and the archive's
serialization id are pinned); files are written atomically (temp + rename).
"""

import hashlib
import io
import json
import os
import struct
import sys
import tempfile
import zipfile
import zlib

import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn

SEED = 1234
HELDOUT_FRACTION = 0.2
EPOCHS = 30
BATCH = 64
INPUT_SPEC = {"dtype": "f32", "shape": [1, 8, 8]}
OUTPUT_SPEC = {"dtype": "f32", "shape": [10]}


class DigitsMlp(nn.Module):
    """64 -> 64 -> 10 multilayer perceptron."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class DigitsCnn(nn.Module):
    """Two 3x3 convolutions, a 2x2 max-pool and a linear classifier."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(8, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(16 * 4 * 4, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


# Suggested agreement rules: the MLP is a plain classifier (top-1 index); the CNN's logits are
# compared at 3 decimals, to exercise the quantized rule.
MODELS = {
    "digits-mlp": (DigitsMlp, {"top_k": {"k": 1}}),
    "digits-cnn": (DigitsCnn, {"quantized": {"decimals": 3}}),
}


def write_atomic(path, data):
    """Writes bytes to path via a temporary file in the same directory and a rename."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def blake2_256(data):
    return "0x" + hashlib.blake2b(data, digest_size=32).hexdigest()


def dataset():
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    y = digits.target.astype(np.int64)
    return train_test_split(
        x, y, test_size=HELDOUT_FRACTION, random_state=SEED, stratify=y
    )


def train(model, x, y):
    generator = torch.Generator().manual_seed(SEED)
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    loss_fn = nn.CrossEntropyLoss()
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    model.train()
    for _ in range(EPOCHS):
        order = torch.randperm(len(xs), generator=generator)
        for start in range(0, len(xs), BATCH):
            idx = order[start : start + BATCH]
            optimizer.zero_grad()
            loss_fn(model(xs[idx]), ys[idx]).backward()
            optimizer.step()
    model.eval()
    return model


def fix_serialization_id(data):
    """Makes a TorchScript archive reproducible.

    PyTorch writes ``.data/serialization_id`` as the save time followed by a CRC of the
    records. The entry is stored uncompressed, so its time digits are zeroed in place and its
    CRC-32 is fixed in the local header and the central directory; alignment is untouched.
    """
    data = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith(".data/serialization_id"))
        central = zf.start_dir
    assert info.compress_type == zipfile.ZIP_STORED
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    old = bytes(data[start : start + info.file_size])
    new = b"0" * (len(old) // 2) + old[len(old) // 2 :]
    data[start : start + len(new)] = new
    crc = struct.pack("<I", zlib.crc32(new))
    data[info.header_offset + 14 : info.header_offset + 18] = crc
    pos = central
    while data[pos : pos + 4] == b"PK\x01\x02":
        n, e, c = struct.unpack_from("<HHH", data, pos + 28)
        offset = struct.unpack_from("<I", data, pos + 42)[0]
        if offset == info.header_offset:
            data[pos + 16 : pos + 20] = crc
        pos += 46 + n + e + c
    return bytes(data)


def torchscript_bytes(model):
    """Scripted module as reproducible bytes (saved through a file: the writer needs to seek)."""
    scripted = torch.jit.script(model)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.pt")
        torch.jit.save(scripted, path)
        with open(path, "rb") as f:
            return fix_serialization_id(f.read())


def main():
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} <out_dir>")
    if os.environ.get("PYTHONHASHSEED") != "0":
        # TorchScript's generated code lists constants in set order: fix Python's hash seed.
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    x_train, x_held, y_train, y_held = dataset()
    held = torch.from_numpy(x_held)
    write_atomic(os.path.join(out, "heldout.bin"), x_held.astype("<f4").tobytes())
    write_atomic(
        os.path.join(out, "heldout_labels.json"), json.dumps(y_held.tolist()).encode()
    )

    manifest = {
        "dataset": "sklearn digits",
        "seed": SEED,
        "heldout": {
            "inputs": "heldout.bin",
            "labels": "heldout_labels.json",
            "count": len(y_held),
            "input": INPUT_SPEC,
        },
        "models": {},
    }
    for name, (cls, rule) in MODELS.items():
        torch.manual_seed(SEED)
        model = train(cls(), x_train, y_train)
        data = torchscript_bytes(model)
        # Expected outputs come from the exported artifact itself, as the worker will run it.
        scripted = torch.jit.load(io.BytesIO(data))
        with torch.no_grad():
            logits = scripted(held)
        accuracy = float((logits.argmax(dim=1).numpy() == y_held).mean())
        write_atomic(os.path.join(out, name + ".pt"), data)
        expected = f"expected_{name}.bin"
        write_atomic(os.path.join(out, expected), logits.numpy().astype("<f4").tobytes())
        manifest["models"][name] = {
            "file": name + ".pt",
            "hash": blake2_256(data),
            "input": INPUT_SPEC,
            "output": OUTPUT_SPEC,
            "rule": rule,
            "heldout_accuracy": round(accuracy, 4),
            "expected_outputs": expected,
        }
        print(f"{name}: held-out accuracy {accuracy:.4f}, hash {blake2_256(data)}")
    write_atomic(
        os.path.join(out, "manifest.json"), (json.dumps(manifest, indent=2) + "\n").encode()
    )


if __name__ == "__main__":
    main()
