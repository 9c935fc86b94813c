"""Reads the beat-window dataset written by `hypertiny dataset` (host/data/dataset-format.ts)."""
import hashlib
import json
import os

import numpy as np
import torch

SPLITS = ("train", "validation", "test")
# task: (label file, class names). aami4 is AAMI EC57 practice: N, S, V, F learnt, Q (unclassifiable, 15 of DS1's
# 51,000 beats) left out of training and reported (its windows keep label 4, outside the model's classes).
TASKS = {"v-vs-rest": ("vrest", ["rest", "V"]), "aami5": ("aami5", ["N", "S", "V", "F", "Q"]),
         "aami4": ("aami5", ["N", "S", "V", "F"]), "apnea": ("apnea", ["N", "A"])}

DATASET_VERSION = 5
# Each dataset format the trainer reads, with its version: the beat windows (host/data/dataset-format.ts) and the
# apnea minutes (host/rhythm/apnea-dataset.ts, same layout; its folds hold record indices, whole subjects).
FORMATS = {"hypertiny-beat-windows": DATASET_VERSION, "hypertiny-apnea-minutes": 2}


def label_file_of(task):
    return TASKS[task][0]


def net_input(x, f=None, dtype=torch.float32):
    """The model input [B][C][L] (torch layout of the engine's [L][C], docs/FORMAT.md §6): channel 0 the windows
    x [B][L] in mV, channel 1+i the feature f[:, i], the same value at every position."""
    xb = torch.from_numpy(np.ascontiguousarray(x)).to(dtype).unsqueeze(1)
    if f is None or f.shape[1] == 0:
        return xb
    fb = torch.from_numpy(np.ascontiguousarray(f)).to(dtype).unsqueeze(2).expand(-1, -1, xb.shape[2])
    return torch.cat([xb, fb], dim=1)


class Split:
    def __init__(self, x, y, record, index, f=None, af=None):
        self.x, self.y, self.record, self.index = x, y, record, index  # index: positions in the whole dataset
        self.f = f  # [n][features] or None (a model without feature channels)
        self.af = af  # [n] bool: the beat lies inside an (AFIB segment; None where the dataset has no rhythms

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
        return Split(self.x[pick], self.y[pick], self.record[pick], self.index[pick], self.features_of(pick),
                     None if self.af is None else self.af[pick])


def index_sha256(directory):
    with open(os.path.join(directory, "index.json"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _fromfile(directory, files, key, dtype, n, width=1):
    arr = np.fromfile(os.path.join(directory, files[key]), dtype=dtype)
    if len(arr) != n * width:
        raise SystemExit(f"{directory}: {files[key]} has {len(arr)} values, index.json says {n} x {width}")
    return arr.reshape(n, width) if width > 1 else arr


def load(directory, task, features=True, feature_names=None, fold=None, second_lead=False):
    """index, class names, {split: Split}, feature names.

    features: give the splits feature columns; feature_names: which (default all of index.features), in that order.
    fold None: the fixed splits' train and validation records; fold k in 1..len(index.folds): train on DS1 without
    fold k's records, "validation" is fold k (held out, every window, Q included); fold 0: train on all of DS1,
    "validation" is all of DS1 too (predicted after training, not held out: for float-vs-integer agreement only).
    DS2 (split "test") is never loaded: it is blind until `hypertiny eval --split test` at release.
    second_lead: the training windows twice, from each lead; "validation2" holds the held-out windows' second lead."""
    with open(os.path.join(directory, "index.json")) as f:
        index = json.load(f)
    if FORMATS.get(index.get("format")) != index.get("version"):
        raise SystemExit(f"{directory}/index.json is not a hypertiny-beat-windows v{DATASET_VERSION} index (run `hypertiny dataset`) "
                         f"nor a hypertiny-apnea-minutes v2 one (`hypertiny apnea dataset`)")
    if label_file_of(task) not in index["files"]:
        raise SystemExit(f"{directory}: a {index['format']} dataset has no labels for task {task}")
    n, w = index["count"], index["window"]
    files = index["files"]
    label_file, classes = TASKS[task]
    y = _fromfile(directory, files, label_file, np.uint8, n).astype(np.int64)
    record = _fromfile(directory, files, "record", "<u2", n)
    split = _fromfile(directory, files, "split", np.uint8, n)
    x = _fromfile(directory, files, "windows", "<f4", n, w)
    all_names = index.get("features") or []
    names = list(all_names if feature_names is None else feature_names)
    unknown = [f for f in names if f not in all_names]
    if unknown:
        raise SystemExit(f"{directory}: no feature {', '.join(unknown)} (the dataset has {', '.join(all_names)})")
    columns = [all_names.index(f) for f in names]
    feats = feats2 = None
    if features and names:
        # reshaped here, not by _fromfile, so one feature is still a column
        feats = _fromfile(directory, files, "features", "<f4", n, len(all_names)).reshape(n, -1)[:, columns]
        if second_lead:
            feats2 = _fromfile(directory, files, "features2", "<f4", n, len(all_names)).reshape(n, -1)[:, columns]
    x2 = _fromfile(directory, files, "windows2", "<f4", n, w) if second_lead else None
    rhythms = index.get("rhythms") or []
    af = (_fromfile(directory, files, "rhythm", np.uint8, n) == rhythms.index("AFIB")) if "rhythm" in files and "AFIB" in rhythms else None

    if fold is None:
        parts = {name: np.flatnonzero(split == code) for code, name in enumerate(SPLITS[:2])}
    else:
        folds = index["folds"]
        if not 0 <= fold <= len(folds):
            raise SystemExit(f"fold {fold}: the dataset has folds 1..{len(folds)} (0: all of DS1)")
        ds1 = split < 2
        if fold == 0:  # the shipped model: trained on all of DS1, which it also predicts (for float-vs-integer agreement)
            parts = {"train": np.flatnonzero(ds1), "validation": np.flatnonzero(ds1)}
        else:
            held = np.isin(record, [int(r) for r in folds[fold - 1]])
            parts = {"train": np.flatnonzero(ds1 & ~held), "validation": np.flatnonzero(ds1 & held)}
    excluded = len(classes)  # aami4: Q's label, outside the classes; never trained on
    parts["train"] = parts["train"][y[parts["train"]] < excluded]

    def make(idx, xs, fs):
        return Split(xs[idx], y[idx], record[idx], idx, None if fs is None else fs[idx], None if af is None else af[idx])

    out = {name: make(idx, x, feats) for name, idx in parts.items()}
    if second_lead:
        tr = parts["train"]
        out["train"] = Split(np.concatenate([x[tr], x2[tr]]), np.concatenate([y[tr], y[tr]]),
                             np.concatenate([record[tr], record[tr]]), np.concatenate([tr, tr]),
                             None if feats is None else np.concatenate([feats[tr], feats2[tr]]),
                             None if af is None else np.concatenate([af[tr], af[tr]]))
        out["validation2"] = make(parts["validation"], x2, feats2)
    return index, classes, out, (names if feats is not None else [])
