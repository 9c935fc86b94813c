"""Reads the beat-window dataset written by `hypertiny dataset` (host/data/dataset-format.ts)."""
import hashlib
import json
import os

import numpy as np

SPLITS = ("train", "validation", "test")
TASKS = {"v-vs-rest": ("vrest", ["rest", "V"]), "aami5": ("aami5", ["N", "S", "V", "F", "Q"])}


class Split:
    def __init__(self, x, y, record, index):
        self.x, self.y, self.record, self.index = x, y, record, index  # index: positions in the whole dataset

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
        return Split(self.x[pick], self.y[pick], self.record[pick], self.index[pick])


def index_sha256(directory):
    with open(os.path.join(directory, "index.json"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def load(directory, task):
    with open(os.path.join(directory, "index.json")) as f:
        index = json.load(f)
    if index.get("format") != "hypertiny-beat-windows" or index.get("version") != 1:
        raise SystemExit(f"{directory}/index.json is not a hypertiny-beat-windows v1 index (run `hypertiny dataset`)")
    n, w = index["count"], index["window"]
    files = index["files"]
    label_file, classes = TASKS[task]
    x = np.fromfile(os.path.join(directory, files["windows"]), dtype="<f4").reshape(n, w)
    y = np.fromfile(os.path.join(directory, files[label_file]), dtype=np.uint8).astype(np.int64)
    record = np.fromfile(os.path.join(directory, files["record"]), dtype="<u2")
    split = np.fromfile(os.path.join(directory, files["split"]), dtype=np.uint8)
    for name, arr in (("labels", y), ("record", record), ("split", split)):
        if len(arr) != n:
            raise SystemExit(f"{directory}: {name} has {len(arr)} entries, index.json says {n}")
    out = {}
    for code, name in enumerate(SPLITS):
        idx = np.flatnonzero(split == code)
        out[name] = Split(x[idx], y[idx], record[idx], idx)
    return index, classes, out
