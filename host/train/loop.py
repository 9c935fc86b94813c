"""Training epochs with class-weighted cross-entropy, validation-based model selection, progress on stderr."""
import copy
import math
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from .data import net_input
from .exact import integer_forward
from .metrics import macro_f1, decide, tune_threshold


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def class_weights(y, k, power=1.0, cap=50.0):
    """(mean count / count_c)^power, capped at `cap` times the smallest weight; absent classes get the cap."""
    counts = np.bincount(y, minlength=k).astype(float)
    present = counts > 0
    w = np.ones(k)
    w[present] = (counts[present].mean() / counts[present]) ** power
    w = np.minimum(w, cap * w[present].min())
    w[~present] = 0.0
    return torch.tensor(w / w[present].mean(), dtype=torch.float32)


def record_balance_weights(y, record, beta):
    """Per-window sampling probabilities that keep each class's share of the draws but spread it over records:
    a window of class c from record r weighs n_rc^-beta, n_rc the windows of c in r (beta 0: uniform, every window
    alike; 1: every record holding c gives c the same share). In inter-patient data a few records hold most of a
    class (MIT-BIH DS1: 208 has a quarter of the V beats), so uniform draws teach those patients' morphology."""
    y = np.asarray(y)
    record = np.asarray(record)
    w = np.zeros(len(y), dtype=np.float64)
    for c in np.unique(y):
        in_c = y == c
        _, inverse, counts = np.unique(record[in_c], return_inverse=True, return_counts=True)
        cw = counts[inverse].astype(np.float64) ** -beta
        w[in_c] = cw * (in_c.sum() / cw.sum())
    return w / w.sum()


def augment(x, gen, amplitude=(0.8, 1.2), offset=0.0, warp=0.0, flip=0.0):
    """Augments channel 0 (the ECG window) of inputs [B][C][L]; feature channels (1..) pass unchanged."""
    if x.shape[1] > 1:
        return torch.cat([augment_window(x[:, :1], gen, amplitude, offset, warp, flip), x[:, 1:]], dim=1)
    return augment_window(x, gen, amplitude, offset, warp, flip)


def time_warp(x, gen, warp):
    """Each window [B][1][L] stretched about its centre (the R peak) by a factor uniform in [1 - warp, 1 + warp],
    linearly interpolated, edges held: QRS and QT durations differ between patients and with heart rate."""
    b, _, n = x.shape
    factor = 1 + warp * (2 * torch.rand(b, 1, generator=gen) - 1)
    grid_x = torch.linspace(-1, 1, n).unsqueeze(0) / factor  # sampling positions, normalized to [-1, 1]
    grid = torch.stack([grid_x, torch.zeros_like(grid_x)], dim=-1).unsqueeze(1)  # [B][1][L][2]
    return F.grid_sample(x.unsqueeze(2), grid.to(x.dtype), mode="bilinear", padding_mode="border", align_corners=True).squeeze(2)


def augment_window(x, gen, amplitude=(0.8, 1.2), offset=0.0, warp=0.0, flip=0.0):
    """Amplitude x log-uniform `amplitude` per window, a shift of up to ±3 samples (the detector's R-peak jitter),
    a baseline offset of up to ±`offset` mV, 0.02 mV noise, and with warp > 0 a time stretch (time_warp). R
    amplitudes differ ~4x between MIT-BIH patients (0.6 to 2.5 mV), so inter-patient models want a wide amplitude
    range. flip > 0: each window negated with that probability (a chest lead's QRS points either way, by patient and
    electrode placement; the template features compare a beat with its own lead's beats, so they hold under it)."""
    if warp > 0:
        x = time_warp(x, gen, warp)
    b = x.shape[0]
    lo, hi = math.log(amplitude[0]), math.log(amplitude[1])
    scale = torch.exp(lo + (hi - lo) * torch.rand(b, 1, 1, generator=gen))
    shift = int(torch.randint(-3, 4, (1,), generator=gen))
    x = torch.roll(x, shift, dims=2) if shift else x
    base = offset * (2 * torch.rand(b, 1, 1, generator=gen) - 1)
    x = x * scale + base + 0.02 * torch.randn(x.shape, generator=gen)
    if flip > 0:  # drawn only when on, so runs without it draw as before
        x = x * torch.where(torch.rand(b, 1, 1, generator=gen) < flip, -1.0, 1.0)
    return x


class RrSwap:
    """AF context for normal beats: with probability `p`, a training window labelled N outside atrial fibrillation
    takes the RR features (`columns`) of a random N window inside it, keeping its own waveform and template. DS1 has
    AF in two records only, so the model otherwise learns that an irregular, premature-looking RR context means an
    ectopic beat; with these windows an irregular rhythm (rr_irregularity high) and a normal beat's shape say N.

    merge_ns: those windows, and the N and S windows inside AF, are scored as "N or S" (merged_cross_entropy): while
    the app reports AF it reports S as N (modules/rhythm/beat-in-af.ts), so there the model need only say "not V, not
    F", and learning "premature-looking but N" would cost S beats outside AF."""

    def __init__(self, train, feature_names, p, merge_ns=False):
        if train.f is None or train.af is None:
            raise SystemExit("--rr-swap needs beat features and the dataset's rhythms")
        self.columns = [i for i, name in enumerate(feature_names) if name.startswith("rr_")]
        self.pool = np.flatnonzero((train.y == 0) & train.af)
        if not self.columns or not len(self.pool):
            raise SystemExit("--rr-swap: no RR feature among the model's features, or no N beat in AF to draw from")
        self.train, self.p, self.merge_ns = train, p, merge_ns

    def features(self, idx, rng):
        """The batch's features and which of its windows are scored as "N or S" (all False without merge_ns)."""
        t = self.train
        f = t.f[idx].copy()
        pick = np.flatnonzero((t.y[idx] == 0) & ~t.af[idx] & (rng.random(len(idx)) < self.p))
        if len(pick):
            donors = self.pool[rng.integers(len(self.pool), size=len(pick))]
            f[np.ix_(pick, self.columns)] = t.f[np.ix_(donors, self.columns)]
        merged = np.zeros(len(idx), dtype=bool)
        if self.merge_ns:
            merged[pick] = True
            merged |= t.af[idx] & (t.y[idx] <= 1)
        return f, merged


class RateShift:
    """A heart-rate change the long-term mean has not caught up with: with probability `p`, a training window's
    features over the long-term mean RR (rr_pre_avg, rr_post_avg, rr_local_avg: RR / mean - 1) are recomputed as if
    that mean were a factor log-uniform in [1/k, k] off, all three alike (clamped to ±2, as the features are). The
    intervals keep their ratios to one another, so a premature beat stays premature against its neighbours, while
    a steady rhythm faster or slower than the patient's mean (exercise, rest) no longer looks premature. A feature
    left at 0 because its interval is unknown (the first beats, after a gap) is shifted like the rest: rare."""

    COLUMNS = ("rr_pre_avg", "rr_post_avg", "rr_local_avg")

    def __init__(self, feature_names, p, k):
        self.columns = [i for i, name in enumerate(feature_names) if name in self.COLUMNS]
        if not self.columns:
            raise SystemExit("--rate-shift needs a feature over the long-term mean RR (" + ", ".join(self.COLUMNS) + ")")
        self.p, self.log_k = p, math.log(k)

    def apply(self, f, rng):
        """Shifts rows of the batch's features f [B][F] (a copy the caller owns) in place and returns f."""
        pick = np.flatnonzero(rng.random(len(f)) < self.p)
        if len(pick):
            factor = np.exp(rng.uniform(-self.log_k, self.log_k, size=(len(pick), 1))).astype(f.dtype)
            cols = np.ix_(pick, self.columns)
            f[cols] = np.clip((f[cols] + 1) * factor - 1, -2, 2)
        return f


def merged_cross_entropy(logits, y, weights, merged):
    """F.cross_entropy(logits, y, weight=weights) (the weighted mean), except that a `merged` window (y N or S) is
    scored by −log(P(N) + P(S)), weighted as N."""
    logp = F.log_softmax(logits, dim=1)
    nll = -logp.gather(1, y.unsqueeze(1)).squeeze(1)
    w = weights[y]
    if merged.any():
        nll = torch.where(merged, -torch.logsumexp(logp[:, :2], dim=1), nll)
        w = torch.where(merged, weights[0], w)
    return (w * nll).sum() / w.sum()


@torch.no_grad()
def predict(net, x, f=None, batch=1024, dtype=torch.float32, exact=False):
    """Softmax probabilities and logits for windows x [n][window] and their features f [n][F] (numpy; None: none).

    exact: the quantized net with the integer engine's rounding (exact.py), as the .htpw will compute it."""
    net.eval()
    logits = []
    for i in range(0, len(x), batch):
        xb = net_input(x[i:i + batch], None if f is None else f[i:i + batch], dtype)
        logits.append((integer_forward(net, xb) if exact else net(xb)).double())
    z = torch.cat(logits) if logits else torch.zeros(0, 2, dtype=torch.float64)
    return torch.softmax(z, dim=1).numpy(), z.numpy()


def evaluate(net, split, k):
    prob, _ = predict(net, split.x, split.f)
    scored = split.y < k  # aami4: Q windows are not scored
    t = tune_threshold(split.y[scored], prob[scored])
    return macro_f1(split.y[scored], decide(prob[scored], t), k), t


def param_groups(net, lr):
    """The trainable parameters, those of modules with an `lr_scale` other than 1 in groups of their own learning rate
    (lr times it); with none, the plain parameter list."""
    scale = {}
    for m in net.modules():
        for p in m.parameters(recurse=False):
            scale[id(p)] = float(getattr(m, "lr_scale", 1.0))
    params = [p for p in net.parameters() if p.requires_grad]
    if all(scale.get(id(p), 1.0) == 1.0 for p in params):
        return params
    groups = {}
    for p in params:
        groups.setdefault(scale.get(id(p), 1.0), []).append(p)
    return [{"params": ps, "lr": lr * s} for s, ps in groups.items()]


class WeightAverage:
    """An exponential moving average of a net's floating-point state (weights and BN running statistics), updated
    after every optimizer step with decay min(decay, (1 + n) / (10 + n)) at update n, so the first steps do not
    pull the average toward the initial weights (TensorFlow's ExponentialMovingAverage with num_updates). The usual
    remedy for a short, noisy run; on this project's CV it was level with the last step for both the beat and the
    apnea model (README, candidates `beat4-wide-rbns-ontime-ema`, `apnea-ema`)."""

    def __init__(self, net, decay):
        if not 0 < decay < 1:
            raise ValueError(f"EMA decay {decay} is not in (0, 1)")
        self.decay = decay
        self.updates = 0
        self.state = {k: v.detach().clone() for k, v in net.state_dict().items()}

    @torch.no_grad()
    def update(self, net):
        d = min(self.decay, (1 + self.updates) / (10 + self.updates))
        self.updates += 1
        for k, v in net.state_dict().items():
            if v.dtype.is_floating_point:
                self.state[k].mul_(d).add_(v.detach(), alpha=1 - d)
            else:
                self.state[k].copy_(v)

    def load_into(self, net):
        net.load_state_dict(self.state)


def train_phase(net, train, val, k, *, name, epochs, lr, batch, epoch_size, weights, seed, on_train=None, on_eval=None,
                weight_decay=1e-4, aug=True, amplitude=(0.8, 1.2), offset=0.0, warp=0.0, rr_swap=None, draw=None,
                flip=0.0, rate_shift=None, ema=0.0):
    """AdamW with a cosine schedule; returns the net restored to its best validation epoch, and that score; with
    val None, the net after the last epoch and None (nothing is chosen on held-out data).

    on_train/on_eval: called before training steps and before evaluation (QAT toggles its observers there).
    rr_swap: an RrSwap drawing the batches' features, or None (the windows' own).
    draw: per-window sampling probabilities (record_balance_weights), drawn with replacement; None: each epoch a
    random subset without replacement.
    flip: probability of negating a window (augment_window); rate_shift: a RateShift or None.
    ema: the decay of an exponential moving average of the weights and BN statistics (WeightAverage), which is
    what is evaluated and returned; 0: the weights as trained."""
    gen = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    opt = torch.optim.AdamW(param_groups(net, lr), lr=lr, weight_decay=weight_decay)
    per_epoch = min(epoch_size or len(train), len(train))
    steps_per_epoch = max(1, per_epoch // batch)
    total = max(1, int(math.ceil(epochs * steps_per_epoch)))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, total) / total)))
    average = WeightAverage(net, ema) if ema > 0 else None
    best = (-1.0, None, 0.5)
    step = 0
    epoch = 0
    while step < total:
        epoch += 1
        t0 = time.time()
        (on_train or (lambda: None))()
        net.train()
        order = rng.permutation(len(train))[:per_epoch] if draw is None else rng.choice(len(train), per_epoch, p=draw)
        losses = []
        for i in range(0, len(order) - batch + 1, batch):
            if step >= total:
                break
            idx = np.sort(order[i:i + batch])
            yb = torch.from_numpy(train.y[idx])
            if rr_swap is None and rate_shift is None:
                xb = train.inputs(idx)
                merged = None
            else:
                f, merged = rr_swap.features(idx, rng) if rr_swap is not None else (train.f[idx].copy(), None)
                if rate_shift is not None:
                    f = rate_shift.apply(f, rng)
                xb = net_input(train.x[idx], f)
            if aug:
                xb = augment(xb, gen, amplitude, offset, warp, flip)
            if merged is not None and merged.any():
                loss = merged_cross_entropy(net(xb), yb, weights, torch.from_numpy(merged))
            else:
                loss = F.cross_entropy(net(xb), yb, weight=weights)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            if average is not None:
                average.update(net)
            losses.append(loss.item())
        (on_eval or (lambda: None))()
        if val is None:
            if average is not None and step >= total:
                average.load_into(net)
            log(f"[{name}] epoch {epoch} step {step}/{total} loss {np.mean(losses):.4f} {time.time() - t0:.1f}s")
            continue
        trained = None
        if average is not None:  # evaluate the average, then train on from the weights as trained
            trained = copy.deepcopy(net.state_dict())
            average.load_into(net)
        score, t = evaluate(net, val, k)
        mark = ""
        if score > best[0]:
            best = (score, copy.deepcopy(net.state_dict()), t)
            mark = " *"
        if trained is not None:
            net.load_state_dict(trained)
        log(f"[{name}] epoch {epoch} step {step}/{total} loss {np.mean(losses):.4f} val macro-F1 {score:.4f} "
            f"(t* {t:.2f}) {time.time() - t0:.1f}s{mark}")
    if val is None:
        return None, None
    net.load_state_dict(best[1])
    (on_eval or (lambda: None))()
    return best[0], best[2]
