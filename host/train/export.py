"""The float checkpoint (host/train/README.md): a portable JSON with everything host/pack needs to build the
integer model. Export from a float64 copy of the fake-quantized net, so that the scales written here and the
reference predictions computed from that copy use the same IEEE doubles as the TypeScript quantizer."""
import json

import torch

from .fakequant import symmetric_scale
from .generators import LowRankGenerator
from .ops import GeneratedPw, WeightedOp

CHECKPOINT_FORMAT = "hypertiny-checkpoint"
CHECKPOINT_VERSION = 1


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def engine_weight(op, in_shape):
    """The weights in the engine layout of docs/FORMAT.md §3, and that layout's shape."""
    w = op.weight.detach()
    if op.kind == "conv1d":
        return w.permute(0, 2, 1), [op.cout, op.k, op.cin]
    if op.kind == "dwconv1d":
        return w[:, 0, :].t(), [op.k, op.cout]
    if op.kind == "pwconv":
        return w[:, :, 0], [op.cout, op.cin]
    length, channels = in_shape  # torch flattens [C][L], the engine [L][C]
    return w.reshape(op.cout, channels, length).permute(0, 2, 1), [op.cout, length * channels]


def op_record(net, op):
    rec = {"op": op.kind, "in": list(op.inputs), "out": op.output, "relu": bool(op.relu)}
    if isinstance(op, WeightedOp):
        w, shape = engine_weight(op, net.shapes[op.inputs[0]])
        scale = symmetric_scale(op.weight, 8, tuple(range(1, op.weight.dim()))).reshape(-1)
        rec.update(weight=flat(w), weight_shape=shape, weight_scale=flat(scale),
                   bias=flat(op.bias) if op.bias is not None else None)
        if op.kind in ("conv1d", "dwconv1d"):
            rec.update(k=op.k, stride=op.stride, dilation=1, pad_left=op.pad, pad_right=op.pad)
    elif isinstance(op, GeneratedPw):
        rec["gen_layer"] = op.gen_layer
    elif op.kind == "maxpool":
        rec.update(k=op.k, stride=op.stride, pad_left=0, pad_right=0)
    return rec


def generator_record(gen):
    rec = {
        "family": gen.family, "code_dim": gen.code_dim, "code_bits": gen.code_bits,
        "code_scale": float(gen.code_scale()), "codes": [flat(c) for c in gen.codes],
        "mlp": [], "layers": [],
    }
    for lin, act in zip(gen.mlp, gen.acts):
        scale, zp = act.params()
        rec["mlp"].append({
            "in_dim": lin.in_features, "out_dim": lin.out_features, "bits": gen.mlp_bits,
            "weight": flat(lin.weight), "weight_scale": float(symmetric_scale(lin.weight, gen.mlp_bits)),
            "bias": flat(lin.bias), "relu": bool(act.relu), "out_scale": scale, "out_zero_point": zp,
        })
    for g, (cout, cin) in enumerate(gen.shapes):
        layer = {"cout": cout, "cin": cin, "head_bits": gen.head_bits}
        if isinstance(gen, LowRankGenerator):
            u, v = gen.u[g], gen.v[g]
            layer.update(u=flat(u), u_scale=float(symmetric_scale(u, gen.head_bits)),
                         v=flat(v), v_scale=float(symmetric_scale(v, gen.head_bits)))
        else:
            h = gen.h[g]
            layer.update(h=flat(h), h_scale=float(symmetric_scale(h, gen.head_bits)))
        rec["layers"].append(layer)
    return rec


def checkpoint(net, *, name, task, classes, t_star, metrics, provenance, predictions=None, sample_rate=360, features=()):
    """net: fake-quantized (after QAT) and in float64. features: names of input channels 1.. (docs/FORMAT.md §6)."""
    assert net.shapes[0][1] == 1 + len(features), "input channels are the window plus one per feature"
    assert net.quantized and next(net.parameters()).dtype == torch.float64
    tensors = []
    for t, (length, channels) in enumerate(net.shapes):
        scale, zp = net.act(t).params()
        tensors.append({"length": length, "channels": channels, "scale": scale, "zero_point": zp})
    out = tensors[net.output]
    return {
        "format": CHECKPOINT_FORMAT, "version": CHECKPOINT_VERSION,
        "name": name, "family": net.meta["family"], "task": task, "classes": list(classes),
        "sample_rate": sample_rate, "window": net.shapes[0][0], "features": list(features),
        "input": {"scale": tensors[0]["scale"], "zero_point": tensors[0]["zero_point"]},
        "output": {"scale": out["scale"], "zero_point": out["zero_point"]},
        "t_star": t_star,
        "input_tensor": 0, "output_tensor": net.output,
        "tensors": tensors,
        "ops": [op_record(net, op) for op in net.ops],
        "generator": generator_record(net.generator) if net.generator is not None else None,
        "metrics": metrics,
        "provenance": provenance,
        "predictions": predictions or {},
    }


def write(path, ckpt):
    with open(path, "w") as f:
        json.dump(ckpt, f, separators=(",", ":"))
        f.write("\n")
