"""python -m host.train: train one model and write its float checkpoint (see host/train/README.md)."""
import argparse
import os

from .models import FAMILIES, SEPARABLE
from .data import TASKS

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def parse(argv=None):
    p = argparse.ArgumentParser(prog="python -m host.train", description=__doc__)
    p.add_argument("--data", required=True, help="dataset directory from `hypertiny dataset`")
    p.add_argument("--model", required=True, choices=FAMILIES)
    p.add_argument("--task", default="v-vs-rest", choices=sorted(TASKS))
    p.add_argument("--checkpoint", required=True, help="output checkpoint JSON")
    p.add_argument("--name", default=None, help="model name in the checkpoint (default: family-task)")
    p.add_argument("--size", default="default", choices=sorted(SEPARABLE), help="architecture preset")
    p.add_argument("--epochs", type=float, default=8, help="float epochs (fractions allowed)")
    p.add_argument("--qat-epochs", type=float, default=3)
    p.add_argument("--epoch-size", type=int, default=None, help="windows drawn per epoch (default: all)")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--qat-lr", type=float, default=2e-4)
    p.add_argument("--class-weight-power", type=float, default=1.0, help="0: unweighted, 1: inverse frequency")
    p.add_argument("--input-percentile", type=float, default=99.99, help="|x| percentile mapped to 127")
    p.add_argument("--calibration-batches", type=int, default=16)
    p.add_argument("--max-train", type=int, default=None, help="stratified subset of the training windows")
    p.add_argument("--max-val", type=int, default=None)
    p.add_argument("--fold", type=int, default=None,
                   help="DS1 cross-validation: train without fold K's records and predict them (1..5); 0: all of DS1; "
                        "default: the fixed training/validation records")
    p.add_argument("--features", default=None,
                   help="comma-separated beat features to take as input channels (default: all of the dataset's)")
    p.add_argument("--second-lead", action="store_true",
                   help="train on both leads' windows; also predict the held-out windows' second lead")
    p.add_argument("--no-features", action="store_true",
                   help="the ECG window only (C = 1), without the dataset's beat-context feature channels")
    p.add_argument("--feature-init-gain", type=float, default=1.0,
                   help="initial weights of the first op's feature channels times this (features are ~10x smaller than mV)")
    p.add_argument("--linear-branch", action="store_true",
                   help="wide & deep: add to the logits an FC over the input's global mean (the beat features and the "
                        "lead's mean), a linear model on the beat context beside the network (AVGPOOL, FC, ADD)")
    p.add_argument("--linear-branch-lr", type=float, default=1.0,
                   help="the linear branch's learning rate over the network's (its weights start at zero)")
    p.add_argument("--amplitude", default="0.8,1.2",
                   help="LO,HI: each training window's amplitude times a log-uniform factor in [LO, HI] (R amplitudes "
                        "differ ~4x between patients)")
    p.add_argument("--time-warp", type=float, default=0.0,
                   help="W: each training window stretched about its R peak by a factor uniform in [1-W, 1+W] (0: off)")
    p.add_argument("--baseline-offset", type=float, default=0.0,
                   help="MV: each training window shifted by a baseline offset uniform in ±MV mV (0: off)")
    p.add_argument("--rr-swap", type=float, default=0.0,
                   help="probability that an N training window outside AF takes the RR features of an N beat inside AF")
    p.add_argument("--af-merge-ns", action="store_true",
                   help="with --rr-swap: score those windows, and N/S windows inside AF, as 'N or S' (the app reports S as N in AF)")
    p.add_argument("--record-balance", type=float, default=0.0,
                   help="BETA: draw training windows of class c from record r with weight n_rc^-BETA, each class keeping "
                        "its share (0: uniform; 1: every record holding a class gives it the same share)")
    p.add_argument("--polarity-flip", type=float, default=0.0,
                   help="P: each training window's lead negated with probability P (0: off)")
    p.add_argument("--rate-shift", default=None,
                   help="P,K: with probability P a training window's RR-over-long-term-mean features as if that mean "
                        "were up to K times off (a rate change the mean has not followed); default off")
    p.add_argument("--ema", type=float, default=0.0,
                   help="DECAY: the float phase evaluates and keeps an exponential moving average of its weights "
                        "(and BN statistics) with this decay, e.g. 0.99; QAT starts from it (0: off)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    g = p.add_argument_group("generator (hyper-* families)")
    g.add_argument("--rank", type=int, default=None)
    g.add_argument("--head-bits", type=int, choices=(4, 6, 8), default=None)
    g.add_argument("--code-dim", type=int, default=None)
    g.add_argument("--hidden", type=int, default=None)
    g.add_argument("--head-dim", type=int, default=None)
    p.add_argument("--reference", default=None, help="also write the fake-quant int8 outputs of some windows here")
    p.add_argument("--reference-count", type=int, default=300)
    args = p.parse_args(argv)
    args.name = args.name or f"{args.model}-{args.task}"
    return args


if __name__ == "__main__":
    from .fit import fit

    fit(parse())
