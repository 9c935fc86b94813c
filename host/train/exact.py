"""The fake-quantized net evaluated with the integer engine's own rounding (docs/FORMAT.md §3-§4).

QAT trains with round-half-away fake quantization (float32, straight-through gradients). The engine requantizes
with MBQM, whose double rounding (31-bit product first, then the shift) moves some values by one step; one step in
an early layer grows downstream. So the float64 evaluation of the trained net (t*, metrics, the per-window classes
`hypertiny eval` compares with, reference outputs) runs every requantization the engine's way: int8 values held
in float64/int64 tensors, integer accumulators, MBQM, synthesis by rdiv. Scales and multipliers are derived from
the same doubles, in the same order, as host/pack/quantize*.ts, so the integers are the ones the .htpw holds: the
multipliers by docs/FORMAT.md §2a, TFLM's Prepare over the float32 scales (modules/model/requant.ts).
"""
import math

import torch
import torch.nn.functional as F

from .fakequant import qmax_of, round_half_away, symmetric_scale, to_f32
from .generators import LowRankGenerator
from .ops import AddOp, AvgPoolOp, GeneratedPw, MaxPoolOp, WeightedOp

TWO_31 = 2**31
ADD_LEFT_SHIFT = 20  # TFLM's int8 ADD (modules/model/requant.ts TFLM_ADD_LEFT_SHIFT)


def quantize_multiplier(real):
    """TFLM QuantizeMultiplier (modules/model/requant.ts): real = m * 2^(s - 31), m in [2^30, 2^31)."""
    if real == 0:
        return 0, 0
    s = math.floor(math.log2(real)) + 1
    q = real / 2.0**s
    while q >= 1:
        q /= 2
        s += 1
    while q < 0.5:
        q *= 2
        s -= 1
    m = math.floor(q * TWO_31 + 0.5)
    if m == TWO_31:
        m, s = 2**30, s + 1
    if s < -31:
        return 0, 0
    if s > 30:
        raise ValueError(f"multiplier {real} needs shift {s} > 30")
    return m, s


def conv_requant(s_in, s_f, s_out, fc_per_tensor=False):
    """docs/FORMAT.md §2a for CONV1D/DWCONV1D/PWCONV/FC over float32 scales (modules/model/requant.ts
    weightedRequant); an FC with one filter scale takes TFLM's float32 product."""
    s_in, s_f, s_out = to_f32(s_in), to_f32(s_f), to_f32(s_out)
    product = to_f32(s_in * s_f) if fc_per_tensor else s_in * s_f
    return quantize_multiplier(product / s_out)


def add_requant(s1, s2, s_out):
    """ADD's aux [left_shift, m1, s1, m2, s2, mo, so] (modules/model/requant.ts addRequant)."""
    s1, s2, s_out = to_f32(s1), to_f32(s2), to_f32(s_out)
    twice_max = 2 * max(s1, s2)
    a = quantize_multiplier(s1 / twice_max)
    b = quantize_multiplier(s2 / twice_max)
    o = quantize_multiplier(twice_max / (2**ADD_LEFT_SHIFT * s_out))
    return [ADD_LEFT_SHIFT, *a, *b, *o]


def mean_requant(s_in, s_out, length):
    """AVGPOOL as TFLM's MEAN (modules/model/requant.ts meanRequant)."""
    m0, e0 = quantize_multiplier(to_f32(s_in) / to_f32(s_out))
    n = min(length.bit_length() - 1, 32, 31 + e0)
    return (m0 << n) // length, e0 - n


def generated_requant(s_in, s_out, unit_scale, big_m):
    """A generated row's multiplier (docs/FORMAT.md §4 step 4, version 2): filter scale f32(M·unit_scale)."""
    m, s = conv_requant(s_in, to_f32(big_m * unit_scale), s_out)
    if s > 30:
        raise ValueError(f"synthesized shift {s} > 30")
    return m, s


def mbqm(x, m, s):
    """MultiplyByQuantizedMultiplier (double rounding) on int64 tensors; m, s broadcast against x."""
    m = torch.as_tensor(m, dtype=torch.int64)
    s = torch.as_tensor(s, dtype=torch.int64).clamp(-31, 31)
    left = s.clamp(min=0)
    right = (-s).clamp(min=0)
    if bool((left > 0).any()):
        xl = torch.remainder(x * torch.pow(2, left) + TWO_31, 2 * TWO_31) - TWO_31  # << wraps modulo 2^32
    else:
        xl = x
    ab = xl * m
    nudge = torch.where(ab >= 0, torch.tensor(2**30), torch.tensor(1 - 2**30))
    hi = torch.div(ab + nudge, TWO_31, rounding_mode="trunc")
    pot = torch.pow(2, right)
    mask = pot - 1
    rem = torch.bitwise_and(hi, mask)
    thr = torch.div(mask, 2, rounding_mode="floor") + (hi < 0).long()
    return torch.div(hi, pot, rounding_mode="floor") + (rem > thr).long()


def rdiv(n, d):
    """n / d rounded half away from zero (d > 0), on int64 tensors."""
    q = torch.div(2 * n.abs() + d, 2 * d, rounding_mode="floor")
    return torch.where(n < 0, -q, q)


def quantize_symmetric(x, scale, bits):
    q = qmax_of(bits)
    return torch.clamp(round_half_away(x / scale), -q, q)


def quantize_bias(b, s_in, s_w):
    return torch.clamp(round_half_away(b / (s_in * s_w)), -(TWO_31 - 1), TWO_31 - 1)


def act_min(relu, zp):
    return max(-128, zp) if relu else -128


def _requant(acc, mult, shift, zp, lo):
    """acc [B][C][L] int64, per-channel mult/shift lists -> int8 values as int64."""
    m = torch.tensor(mult, dtype=torch.int64).reshape(1, -1, 1)
    s = torch.tensor(shift, dtype=torch.int64).reshape(1, -1, 1)
    return torch.clamp(mbqm(acc, m, s) + zp, lo, 127)


FLOAT32_EXACT = 2**24


def _acc(kind, xc, wq, bias_q, stride=1, pad=0, groups=1):
    """Integer accumulators as int64: sum_i w[i]*(x[i] - zi) + bias, exactly.

    float32 convolutions are ~9x faster than float64 ones but exact only below 2^24, so the input (-255..255) is
    split as 16*hi + lo (hi in -16..15, lo in 0..15): every partial sum of either half is an integer below
    fan_in*127*16, exact in float32 in any summation order while that is below 2^24."""
    def run(x, w):
        if kind == "fc":
            return F.linear(x.flatten(1), w).unsqueeze(-1)
        return F.conv1d(x, w, stride=stride, padding=pad, groups=groups)

    fan_in = wq[0].numel()
    if fan_in * 127 * 16 < FLOAT32_EXACT:
        hi = torch.div(xc, 16, rounding_mode="floor")
        lo = xc - 16 * hi
        w32 = wq.float()
        y = 16 * run(hi.float(), w32).double() + run(lo.float(), w32).double()
    else:
        y = run(xc, wq)
    if bias_q is not None:
        y = y + bias_q.reshape(1, -1, 1)
    return torch.round(y).long()


def synthesize(gen, layer_scales):
    """Generated kernels the engine's way: [(w_int [cout][cin] float64, mult list, shift list)] per layer.

    layer_scales[g] = (s_in, s_out) of the PWCONV that uses layer g."""
    code_scale = float(gen.code_scale())
    h = quantize_symmetric(gen.codes.detach().double(), code_scale, gen.code_bits).long()
    in_scale, in_zp = code_scale, 0
    for lin, act in zip(gen.mlp, gen.acts):
        w_scale = float(symmetric_scale(lin.weight, gen.mlp_bits))
        out_scale, out_zp = act.params()
        wq = quantize_symmetric(lin.weight.detach().double(), w_scale, gen.mlp_bits)
        bq = quantize_bias(lin.bias.detach().double(), in_scale, w_scale)
        m, s = quantize_multiplier((in_scale * w_scale) / out_scale)
        acc = torch.round(F.linear((h - in_zp).double(), wq, bq)).long()
        h = torch.clamp(mbqm(acc, m, s) + out_zp, act_min(act.relu, out_zp), 127)
        in_scale, in_zp = out_scale, out_zp
    hc = (h - in_zp).double()  # [G][dh], h minus its zero point
    kernels = []
    for g, (cout, cin) in enumerate(gen.shapes):
        if isinstance(gen, LowRankGenerator):
            u, v = gen.u[g].detach().double(), gen.v[g].detach().double()
            u_scale, v_scale = float(symmetric_scale(u, gen.head_bits)), float(symmetric_scale(v, gen.head_bits))
            a = (quantize_symmetric(u, u_scale, gen.head_bits) * hc[g].unsqueeze(0)) @ quantize_symmetric(v, v_scale, gen.head_bits)
            head_scale = u_scale * v_scale
        else:
            hh = gen.h[g].detach().double()
            head_scale = float(symmetric_scale(hh, gen.head_bits))
            a = (quantize_symmetric(hh, head_scale, gen.head_bits) @ hc[g]).reshape(cout, cin)
        a = torch.round(a).long()
        big_m = a.abs().amax(dim=1)
        s_in, s_out = layer_scales[g]
        unit_scale = to_f32(head_scale * in_scale / 127)  # host/pack/quantize-generator.ts: f32(s_acc / 127)
        w = torch.where(big_m.unsqueeze(1) > 0, rdiv(127 * a, big_m.clamp(min=1).unsqueeze(1)), torch.zeros_like(a))
        rq = [generated_requant(s_in, s_out, unit_scale, int(mm)) if mm > 0 else (0, 0) for mm in big_m.tolist()]
        kernels.append((w.double(), [r[0] for r in rq], [r[1] for r in rq]))
    return kernels


@torch.no_grad()
def integer_forward(net, x, tensors=None):
    """The engine's integer outputs for windows x [B][1][L] (float), returned dequantized like net(x).

    tensors: a list that receives every tensor's int8 values ([B][C][L] int64), for tests and diagnostics."""
    params = [net.act(t).params() for t in range(len(net.shapes))]
    s0, z0 = params[0]
    env = [None] * len(net.shapes)
    env[0] = torch.clamp(round_half_away(x.double() / s0) + z0, -128, 127).long()
    kernels = None
    if net.generator is not None:
        scales = {op.gen_layer: (params[op.inputs[0]][0], params[op.output][0]) for op in net.ops if isinstance(op, GeneratedPw)}
        kernels = synthesize(net.generator, [scales[g] for g in range(len(net.generator.shapes))])
    for op in net.ops:
        s_in, zi = params[op.inputs[0]]
        s_out, zo = params[op.output]
        lo = act_min(op.relu, zo)
        xc = (env[op.inputs[0]] - zi).double()
        if isinstance(op, WeightedOp):
            w = op.weight.detach().double()
            dims = tuple(range(1, w.dim()))
            s_w = symmetric_scale(w, 8, dims)
            wq = quantize_symmetric(w, s_w, 8)
            s_w = s_w.reshape(-1).tolist()
            bq = quantize_bias(op.bias.detach().double(), s_in, torch.tensor(s_w, dtype=torch.float64)) if op.bias is not None else None
            per_tensor_fc = op.kind == "fc" and len(s_w) == 1
            rq = [conv_requant(s_in, sw, s_out, per_tensor_fc) for sw in s_w]
            groups = op.cout if op.kind == "dwconv1d" else 1
            acc = _acc(op.kind, xc, wq, bq, op.stride, op.pad, groups)
            env[op.output] = _requant(acc, [r[0] for r in rq], [r[1] for r in rq], zo, lo)
        elif isinstance(op, GeneratedPw):
            w, mult, shift = kernels[op.gen_layer]
            acc = _acc("pwconv", xc, w.unsqueeze(-1), None)
            env[op.output] = _requant(acc, mult, shift, zo, lo)
        elif isinstance(op, AddOp):
            (s1, z1), (s2, z2) = params[op.inputs[0]], params[op.inputs[1]]
            _, m1, sh1, m2, sh2, mo, so = add_requant(s1, s2, s_out)
            a = mbqm((env[op.inputs[0]] - z1) * 2**ADD_LEFT_SHIFT, m1, sh1)
            b = mbqm((env[op.inputs[1]] - z2) * 2**ADD_LEFT_SHIFT, m2, sh2)
            env[op.output] = torch.clamp(mbqm(a + b, mo, so) + zo, lo, 127)
        elif isinstance(op, AvgPoolOp):
            length = net.shapes[op.inputs[0]][0]
            m, s = mean_requant(s_in, s_out, length)
            total = (env[op.inputs[0]] - zi).sum(dim=2, keepdim=True)
            env[op.output] = torch.clamp(mbqm(total, m, s) + zo, lo, 127)
        elif isinstance(op, MaxPoolOp):
            env[op.output] = F.max_pool1d(env[op.inputs[0]].double(), op.k, op.stride).long()
        else:
            raise TypeError(f"no integer rule for {type(op).__name__}")
    if tensors is not None:
        tensors.extend(env)
    s_out, zo = params[net.output]
    return ((env[net.output] - zo).double() * s_out).flatten(1)
