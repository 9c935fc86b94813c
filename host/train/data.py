"""Reads the beat-window dataset written by `hypertiny dataset` (host/data/dataset-format.ts)."""
import hashlib
import json
import os

import numpy as np
import torch

SPLITS = ("train", "validation", "test")
TASKS = {"v-vs-rest": ("vrest", ["rest", "V"]), "aami5": ("aami5", ["N", "S", "V", "F", "Q"])}


DATASET_VERSION = 3


def net_input(x, f=None, dtype=torch.float32):
    """The model input [B][C][L] (torch layout of the engine's [L][C], docs/FORMAT.md §6): channel 0 the windows
    x [B][L] in mV, channel 1+i the feature f[:, i], the same value at every position."""
    xb = torch.from_numpy(np.ascontiguousarray(x)).to(dtype).unsqueeze(1)
    if f is None or f.shape[1] == 0:
        return xb
    fb = torch.from_numpy(np.ascontiguousarray(f)).to(dtype).unsqueeze(2).expand(-1, -1, xb.shape[2])
    return torch.cat([xb, fb], dim=1)


class Split:
    def __init__(self, x, y, record, index, f=None):
        self.x, self.y, self.record, self.index = x, y, record, index  # index: positions in the whole dataset
        self.f = f  # [n][features] or None (a model without feature channels)

    def inputs(self, idx=None, dtype=torch.float32):
        if idx is None:
            return net_input(self.x, self.f, dtype)
        return net_input(self.x[idx], None if self.f is None else self.f[idx], dtype)

    def features_of(self, idx):
        return None if self.f is None else self.f[idx]

    def __len__(self):
        return len(self.y)

    def subset(self, n, seed):
        """At most n windows, drawn without replacement, keeping every class present (stratified)."""
        if n is None or n >= len(self):
            return self
        rng = np.random.default_rng(seed)
        pick = []
        for c in np.unique(self.y):
            idx = np.flatnonzero(self.y == c)
            k = max(1, int(round(n * len(idx) / len(self))))
            pick.append(rng.choice(idx, size=min(k, len(idx)), replace=False))
        pick = np.sort(np.concatenate(pick))
        return Split(self.x[pick], self.y[pick], self.record[pick], self.index[pick], self.features_of(pick))


def index_sha256(directory):
    with open(os.path.join(directory, "index.json"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def load(directory, task, features=True):
    """index, class names, {split: Split}; features: give the splits the dataset's feature columns (index.features)."""
    with open(os.path.join(directory, "index.json")) as f:
        index = json.load(f)
    if index.get("format") != "hypertiny-beat-windows" or index.get("version") != DATASET_VERSION:
        raise SystemExit(f"{directory}/index.json is not a hypertiny-beat-windows v{DATASET_VERSION} index (run `hypertiny dataset`)")
    n, w = index["count"], index["window"]
    files = index["files"]
    label_file, classes = TASKS[task]
    x = np.fromfile(os.path.join(directory, files["windows"]), dtype="<f4").reshape(n, w)
    y = np.fromfile(os.path.join(directory, files[label_file]), dtype=np.uint8).astype(np.int64)
    record = np.fromfile(os.path.join(directory, files["record"]), dtype="<u2")
    split = np.fromfile(os.path.join(directory, files["split"]), dtype=np.uint8)
    names = index.get("features") or []
    feats = None
    if features and names:
        feats = np.fromfile(os.path.join(directory, files["features"]), dtype="<f4")
        if len(feats) != n * len(names):
            raise SystemExit(f"{directory}: features has {len(feats)} values, index.json says {n} x {len(names)}")
        feats = feats.reshape(n, len(names))
    for name, arr in (("labels", y), ("record", record), ("split", split)):
        if len(arr) != n:
            raise SystemExit(f"{directory}: {name} has {len(arr)} entries, index.json says {n}")
    out = {}
    for code, name in enumerate(SPLITS):
        idx = np.flatnonzero(split == code)
        out[name] = Split(x[idx], y[idx], record[idx], idx, None if feats is None else feats[idx])
    return index, classes, out, (list(names) if feats is not None else [])
