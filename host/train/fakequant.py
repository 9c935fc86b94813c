"""Fake quantization that mirrors docs/FORMAT.md's integer arithmetic (round half away from zero, like
quantizeInto and rdiv; TFLM's MBQM rounds the same way up to its double rounding). Every scale is a float32 value,
as the packed model (docs/FORMAT.md §2a) and a .tflite carry it, so training, the checkpoint and the integer
engine share the same scales."""
import math
import struct

import torch

INT32_MAX = 2**31 - 1


def to_f32(x):
    """x rounded to the nearest float32 (ties to even), as a Python float."""
    return struct.unpack("<f", struct.pack("<f", float(x)))[0]


def round_half_away(x):
    return torch.sign(x) * torch.floor(torch.abs(x) + 0.5)


def round_ste(x):
    """Rounds in the forward pass; the gradient passes straight through."""
    return x + (round_half_away(x) - x).detach()


def qmax_of(bits):
    """Symmetric signed range ±(2^(bits-1) - 1): int8 weights never use -128, like TFLM."""
    return 2 ** (bits - 1) - 1


def symmetric_scale(x, bits, dims=None):
    """Scale that maps max |x| (over `dims`, or the whole tensor) onto qmax; never 0."""
    m = x.detach().abs()
    m = m.amax() if dims is None else m.amax(dim=dims, keepdim=True)
    scale = torch.clamp(m / qmax_of(bits), min=1e-12)
    return scale.float().to(scale.dtype)  # a float32 value, also in the float64 copy the checkpoint comes from


def fq_symmetric(x, scale, bits):
    q = torch.clamp(round_ste(x / scale), -qmax_of(bits), qmax_of(bits))
    return q * scale


def fq_per_channel(w, bits=8):
    """Per-output-channel (dim 0) symmetric weights, one scale per row: also the synthesis' per-row step."""
    dims = tuple(range(1, w.dim()))
    scale = symmetric_scale(w, bits, dims)
    return fq_symmetric(w, scale, bits), scale.reshape(-1)


def fq_bias(b, in_scale, w_scale):
    """int32 bias at scale s_in * s_w[c]."""
    s = in_scale * w_scale
    q = torch.clamp(round_ste(b / s), -INT32_MAX, INT32_MAX)
    return q * s


def fq_activation(x, scale, zero_point, qmin=-128, qmax=127):
    q = torch.clamp(round_ste(x / scale) + zero_point, qmin, qmax)
    return (q - zero_point) * scale


def asymmetric_params(lo, hi):
    """TFLite-style int8 parameters for a real range; the range always holds 0 so that 0 is exact."""
    lo = min(float(lo), 0.0)
    hi = max(float(hi), 0.0)
    if hi - lo < 1e-8:
        hi = lo + 1e-8
    scale = to_f32((hi - lo) / 255.0)
    zp = -128 - lo / scale
    zp = int(math.copysign(math.floor(abs(zp) + 0.5), zp))
    return scale, max(-128, min(127, zp))
