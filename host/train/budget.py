"""Packed-size estimate of a net, following host/pack/writer.ts section by section (the real size comes from
the .htpw; `hypertiny inspect` reads it). Used to size models to a flash budget before training."""
import math

from .generators import LowRankGenerator
from .ops import GeneratedPw, WeightedOp

# The META JSON (name, classes, provenance, ...) is written by host/pack from the checkpoint; its length depends
# on paths and names, so it is the one nominal term here. Everything else is exact (train-agreement checks it).
META_BYTES = 1200


def align4(n):
    return (n + 3) // 4 * 4


def estimate_bytes(net):
    backbone = kept_pw = qparams = 0
    for op in net.ops:
        if isinstance(op, WeightedOp):
            n = op.weight.numel()
            if op.kind == "pwconv":
                kept_pw += n
            else:
                backbone += n
            # bias (when any), multipliers, shifts, float32 filter scales (docs/FORMAT.md §2a)
            qparams += 4 * op.cout * (4 if op.bias is not None or op.bn is not None else 3)
        elif op.kind == "add":
            qparams += 28
        elif op.kind == "avgpool":
            qparams += 8
    sections = [META_BYTES, 16 + 12 * len(net.shapes) + 48 * len(net.ops), backbone, kept_pw]
    scales = 4 * len(net.shapes)  # SCALES: one float32 per tensor
    gen = net.generator
    out = {}
    if gen is not None:
        mlp_w = sum(math.ceil(l.weight.numel() * gen.mlp_bits / 8) for l in gen.mlp)
        generator = 8 + 24 * (len(gen.mlp) + len(gen.shapes)) + mlp_w
        if isinstance(gen, LowRankGenerator):
            heads = sum(math.ceil((co * gen.rank + gen.rank * ci) * gen.head_bits / 8) for co, ci in gen.shapes)
        else:
            heads = sum(math.ceil(co * ci * gen.head_dim * gen.head_bits / 8) for co, ci in gen.shapes)
        codes = len(gen.shapes) * math.ceil(gen.code_dim * gen.code_bits / 8)
        gen_qparams = sum(4 * (l.out_features + 2) for l in gen.mlp) + sum(4 * co for co, _ in gen.shapes)
        qparams += gen_qparams
        sections += [generator, heads, codes]
        replaced_weights = sum(co * ci for co, ci in gen.shapes)
        replaced = replaced_weights + sum(16 * co for co, _ in gen.shapes)  # + bias, mult, shift, filter scale
        out.update(generator=generator, heads=heads, codes=codes, generator_qparams=gen_qparams,
                   replaced_pw_int8_weights=replaced_weights, replaced_pw_int8_bytes=replaced,
                   generator_heads_codes_ratio=(generator + heads + codes) / replaced_weights,
                   generator_all_ratio=(generator + heads + codes + gen_qparams) / replaced)
    sections += [qparams, scales]
    present = [s for s in sections if s > 0]
    out.update(file=32 + 16 * len(present) + sum(align4(s) for s in present), meta=META_BYTES, backbone=backbone,
               kept_pw=kept_pw, quant_params=qparams)
    return out


def macs_per_window(net):
    """Nominal multiply-accumulates of one inference (weighted ops and generated PWs, every tap of a window op
    counted, padding included; pools and adds not counted)."""
    total = 0
    for op in net.ops:
        length, channels = net.shapes[op.output]
        if isinstance(op, WeightedOp):
            per_output = op.k if op.kind == "dwconv1d" else op.weight[0].numel()
            total += length * channels * per_output
        elif isinstance(op, GeneratedPw):
            total += length * channels * op.cin
    return total


# native/src/ht_conv1d.h's HT_CONV1D_LEAD_TAPS_MAX: the longest kernel its lead-only path takes.
LEAD_TAPS_MAX = 16


def executed_macs_per_window(net):
    """MACs one beat costs on the device, where a CONV1D reading the input convolves only the ECG lead (channel 0)
    and the constant feature channels enter as a bias (native/src/ht_conv1d.c): that op counts its lead's nominal
    MACs plus cout·k·features for the per-call tap sums; every other op as macs_per_window counts it. The
    modules/model/work.ts twin (opExecutedMacs) counts packed models the same way."""
    total = macs_per_window(net)
    features = net.shapes[0][1] - 1
    for op in net.ops:
        if isinstance(op, WeightedOp) and op.kind == "conv1d" and op.inputs == [0] and features > 0 and \
                op.k <= LEAD_TAPS_MAX:
            length, cout = net.shapes[op.output]
            total -= length * cout * op.k * features - cout * op.k * features
    return total
