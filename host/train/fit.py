"""End to end: float training -> BN folding -> calibration -> QAT -> float64 evaluation -> checkpoint JSON."""
import base64
import copy
import os
import platform
import subprocess
import sys
import time

import numpy as np
import torch

from . import data, export, models
from .budget import estimate_bytes, executed_macs_per_window, macs_per_window
from .loop import RateShift, RrSwap, class_weights, log, predict, record_balance_weights, train_phase
from .metrics import decide, summary, tune_threshold


def class_bytes(classes):
    return base64.b64encode(np.asarray(classes, dtype=np.uint8).tobytes()).decode("ascii")


def int8_bytes(dnet, logits):
    """base64 of the engine's int8 output tensor [window][classes] (exact logits back on the int8 grid)."""
    scale, zp = dnet.act(dnet.output).params()
    q = np.rint(logits / scale).astype(np.int64) + zp
    assert q.min() >= -128 and q.max() <= 127
    return base64.b64encode(q.astype(np.int8).tobytes()).decode("ascii")


def index_bytes(idx):
    """base64 of uint32 LE dataset indices."""
    return base64.b64encode(np.asarray(idx, dtype="<u4").tobytes()).decode("ascii")


def git_commit():
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or None
    except OSError:
        return None


@torch.no_grad()
def calibrate(net, split, batches, batch):
    """Initial activation ranges from float activations over a few training batches."""
    net.eval()
    net.set_quant(False, True)
    rng = np.random.default_rng(0)
    for _ in range(batches):
        idx = np.sort(rng.choice(len(split), size=min(batch, len(split)), replace=False))
        net(split.inputs(idx))


def reference_outputs(dnet, split, count, seed):
    """The fake-quantized net's int8 outputs for `count` windows: what the integer engine must reproduce."""
    rng = np.random.default_rng(seed)
    pick = np.sort(rng.choice(len(split), size=min(count, len(split)), replace=False))
    _, logits = predict(dnet, split.x[pick], split.features_of(pick), dtype=torch.float64, exact=True)
    out = dnet.act(dnet.output).params()
    q = np.rint(logits / out[0]).astype(np.int64) + out[1]
    return {"dataset_index": split.index[pick].tolist(), "output_q": q.tolist(), "class": q.argmax(1).tolist()}


def fit(args):
    t_start = time.time()
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    wanted = None if args.features is None else [f for f in args.features.split(",") if f]
    index, classes, splits, features = data.load(args.data, args.task, features=not args.no_features,
                                                 feature_names=wanted, fold=args.fold, second_lead=args.second_lead)
    index_sha256 = data.index_sha256(args.data)
    k = len(classes)
    train = splits["train"].subset(args.max_train, args.seed)
    # A held-out fold is used whole and only after training (no epoch selection on it); the fixed validation
    # records (fold None) also select the best epoch, as before.
    held_out = args.fold is not None
    part = "validation" if not held_out else "all of DS1 (in-sample)" if args.fold == 0 else f"held-out fold {args.fold}"
    val = splits["validation"] if held_out else splits["validation"].subset(args.max_val, args.seed + 1)
    log(f"data: train {len(train)} windows{' (both leads)' if args.second_lead else ''}, "
        f"{part} {len(val)}; classes {classes}; "
        f"train counts {np.bincount(train.y, minlength=k).tolist()}")

    overrides = {key: getattr(args, key) for key in ("rank", "head_bits", "code_dim", "hidden", "head_dim")
                 if getattr(args, key, None) is not None}
    net = models.build(args.model, k, size=args.size, window=index["window"], generator_overrides=overrides,
                       channels=1 + len(features), linear_branch=args.linear_branch,
                       linear_branch_lr=args.linear_branch_lr)
    if features and args.feature_init_gain != 1.0:
        with torch.no_grad():  # the first convolution reads the input; its feature-channel taps start larger
            models.first_conv(net).weight[:, 1:].mul_(args.feature_init_gain)
    in_scale = float(np.percentile(np.abs(train.x), args.input_percentile)) / 127.0
    net.acts[0].fix(in_scale, 0)
    params = sum(p.numel() for p in net.parameters())
    log(f"model {args.model} ({args.size}): {params} parameters, ~{estimate_bytes(net)['file']} bytes packed, "
        f"{macs_per_window(net)} MACs per window ({executed_macs_per_window(net)} executed: the first convolution on the lead "
        f"only); input channels: window{''.join(', ' + n for n in features)}; "
        f"input scale {in_scale:.5f} mV")

    weights = class_weights(train.y, k, args.class_weight_power)
    lo, hi = (float(v) for v in args.amplitude.split(","))
    if not 0 < lo <= hi:
        raise SystemExit(f"--amplitude {args.amplitude}: give LO,HI with 0 < LO <= HI")
    if not 0 <= args.time_warp < 0.5 or not 0 <= args.baseline_offset <= 5:
        raise SystemExit(f"--time-warp {args.time_warp} (0..0.5) or --baseline-offset {args.baseline_offset} mV (0..5) out of range")
    if not 0 <= args.rr_swap <= 1:
        raise SystemExit(f"--rr-swap {args.rr_swap}: give a probability in 0..1")
    if args.af_merge_ns and (args.rr_swap <= 0 or classes[:2] != ["N", "S"]):
        raise SystemExit("--af-merge-ns needs --rr-swap and a task whose first classes are N and S (aami4)")
    rr_swap = RrSwap(train, features, args.rr_swap, args.af_merge_ns) if args.rr_swap > 0 else None
    if not 0 <= args.record_balance <= 1:
        raise SystemExit(f"--record-balance {args.record_balance}: give BETA in 0..1")
    draw = record_balance_weights(train.y, train.record, args.record_balance) if args.record_balance > 0 else None
    if not 0 <= args.polarity_flip <= 1:
        raise SystemExit(f"--polarity-flip {args.polarity_flip}: give a probability in 0..1")
    rate_shift = None
    if args.rate_shift is not None:
        try:
            shift_p, shift_k = (float(v) for v in args.rate_shift.split(","))
        except ValueError:
            raise SystemExit(f"--rate-shift {args.rate_shift}: give P,K")
        if not (0 < shift_p <= 1 and 1 < shift_k <= 3):
            raise SystemExit(f"--rate-shift {args.rate_shift}: give P in (0, 1] and K in (1, 3]")
        if train.f is None:
            raise SystemExit("--rate-shift needs beat features")
        rate_shift = RateShift(features, shift_p, shift_k)
    common = dict(batch=args.batch, epoch_size=args.epoch_size, weights=weights, seed=args.seed, amplitude=(lo, hi),
                  offset=args.baseline_offset, warp=args.time_warp, rr_swap=rr_swap, draw=draw, flip=args.polarity_flip,
                  rate_shift=rate_shift)
    select = None if held_out or len(val) == 0 else val
    if not 0 <= args.ema < 1:
        raise SystemExit(f"--ema {args.ema}: give a decay in [0, 1) (0: off)")
    float_f1, _ = train_phase(net, train, select, k, name="float", epochs=args.epochs, lr=args.lr, ema=args.ema, **common)

    net.fold_bn()
    calibrate(net, train, args.calibration_batches, args.batch)
    qat_f1 = None
    if args.qat_epochs > 0:
        qat_f1, _ = train_phase(net, train, select, k, name="qat", epochs=args.qat_epochs, lr=args.qat_lr,
                                on_train=lambda: net.set_quant(True, True), on_eval=lambda: net.set_quant(True, False),
                                **common)
    net.set_quant(True, False)

    dnet = copy.deepcopy(net).double()
    dnet.set_quant(True, False)
    metrics = {"float_validation_macro_f1": float_f1, "qat_validation_macro_f1": qat_f1}
    t_star = None
    # Per-window int8 output tensors (engine-exact, [window][classes]) of the whole held-out or validation split,
    # in dataset order with their dataset indices: host/cli/train.ts derives t* (two classes) and the sidecar's
    # classes from them by host/eval's one rule; `hypertiny cv` pools the folds' out-of-fold outputs.
    predictions = {}
    if len(val):
        val_prob, val_logits = predict(dnet, val.x, val.f, dtype=torch.float64, exact=True)
        scored = val.y < k  # aami4: Q windows are predicted and reported, not scored
        t_star = tune_threshold(val.y[scored], val_prob[scored]) if k == 2 and not held_out else None
        metrics["validation"] = summary(val.y[scored], val_prob[scored], t_star, classes)
        if len(val) == len(splits["validation"]):
            predictions["validation"] = class_bytes(decide(val_prob, t_star))
            predictions["validation_outputs"] = int8_bytes(dnet, val_logits)
            predictions["validation_index"] = index_bytes(val.index)
        if "validation2" in splits:
            v2 = splits["validation2"]
            _, v2_logits = predict(dnet, v2.x, v2.f, dtype=torch.float64, exact=True)
            predictions["validation2_outputs"] = int8_bytes(dnet, v2_logits)
    metrics["bytes_estimate"] = estimate_bytes(dnet)
    metrics["macs_per_window"] = macs_per_window(dnet)
    metrics["executed_macs_per_window"] = executed_macs_per_window(dnet)
    if "validation" in metrics:
        at = f"t* {t_star:.2f}" if t_star is not None else "argmax"
        log(f"fake-quant {part}: macro-F1 {metrics['validation']['macro_f1']:.4f} "
            f"at {at} (per class {metrics['validation']['per_class_f1']})")

    provenance = {
        "trainer": "host/train", "command": [os.path.basename(sys.executable), "-m", "host.train"] + sys.argv[1:],
        "seed": args.seed, "git_commit": git_commit(), "torch": torch.__version__, "python": platform.python_version(),
        "dataset": {"dir": os.path.abspath(args.data), "count": index["count"], "index_sha256": index_sha256, "splits": {
            s: index["splits"][s]["records"] for s in data.SPLITS}},
        "train_windows": len(train), "validation_windows": len(val), "fold": args.fold,
        "features": features, "second_lead": args.second_lead,
        "epochs": args.epochs, "qat_epochs": args.qat_epochs, "epoch_size": args.epoch_size, "batch": args.batch,
        "lr": args.lr, "qat_lr": args.qat_lr, "amplitude": [lo, hi], "time_warp": args.time_warp, "baseline_offset": args.baseline_offset, "rr_swap": args.rr_swap, "af_merge_ns": args.af_merge_ns, "record_balance": args.record_balance, "polarity_flip": args.polarity_flip, "rate_shift": args.rate_shift, "class_weights": weights.tolist(), "size": args.size,
        "linear_branch": net.meta.get("linear_branch"), "generator": net.meta.get("generator"), "seconds": round(time.time() - t_start, 1),
        # CPU time of this process (all threads): wall time on a shared machine says more about the neighbours.
        "cpu_seconds": round(time.process_time(), 1), "threads": args.threads,
        "selection": ("last epoch; the held-out fold is only predicted" if held_out or not len(val)
                      else "best validation macro-F1 epoch; t* tuned on validation only"),
    }
    ckpt = export.checkpoint(dnet, features=features, name=args.name, task=args.task, classes=classes, t_star=t_star, metrics=metrics,
                             sample_rate=index.get("sampleRate", 360),
                             provenance=provenance, predictions=predictions)
    os.makedirs(os.path.dirname(os.path.abspath(args.checkpoint)), exist_ok=True)
    export.write(args.checkpoint, ckpt)
    log(f"wrote {args.checkpoint} ({time.time() - t_start:.0f}s wall, {time.process_time():.0f}s CPU)")
    if args.reference:
        ref = reference_outputs(dnet, val if len(val) else train, args.reference_count, args.seed + 3)
        export.write(args.reference, ref)
        log(f"wrote {args.reference} ({len(ref['class'])} reference windows)")
    return ckpt
