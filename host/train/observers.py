"""Per-tensor asymmetric int8 activation quantizers with EMA min/max observers (TFLite QAT style)."""
import torch
from torch import nn

from .fakequant import asymmetric_params, fq_activation


class ActQuant(nn.Module):
    """Observes a tensor's range and, once enabled, fake-quantizes it with that range's (scale, zero point).

    relu: the producing op clamps at real zero (the integer op's act_min is the zero point)."""

    def __init__(self, relu=False, momentum=0.1):
        super().__init__()
        self.relu = relu
        self.momentum = momentum
        self.register_buffer("lo", torch.zeros((), dtype=torch.float64))
        self.register_buffer("hi", torch.zeros((), dtype=torch.float64))
        self.register_buffer("seen", torch.zeros((), dtype=torch.bool))
        self.observing = False
        self.enabled = False
        self.fixed = None  # (scale, zero_point) set by fix()

    def fix(self, scale, zero_point):
        self.fixed = (float(scale), int(zero_point))

    def observe(self, x):
        lo = x.detach().min().double()
        hi = x.detach().max().double()
        if not bool(self.seen):
            self.lo.copy_(lo)
            self.hi.copy_(hi)
            self.seen.fill_(True)
        else:
            self.lo.lerp_(lo, self.momentum)
            self.hi.lerp_(hi, self.momentum)

    def params(self):
        if self.fixed is not None:
            return self.fixed
        return asymmetric_params(self.lo.item(), self.hi.item())

    @property
    def act_min(self):
        return max(-128, self.params()[1]) if self.relu else -128

    def forward(self, x):
        if self.observing and self.fixed is None:
            self.observe(x)
        if not self.enabled:
            return x
        scale, zp = self.params()
        return fq_activation(x, scale, zp, self.act_min, 127)
