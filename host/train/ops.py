"""The network's ops, one per integer op of docs/FORMAT.md §3. Tensors are torch [batch][channels][length];
the integer engine's [length][channels] layout only matters for exported weights (see export.py)."""
import torch
import torch.nn.functional as F
from torch import nn

from .fakequant import fq_bias, fq_per_channel

WEIGHTED = ("conv1d", "dwconv1d", "pwconv", "fc")


class WeightedOp(nn.Module):
    """CONV1D, DWCONV1D, stored PWCONV or FC, then BN (float training only; folded before QAT) and ReLU."""

    def __init__(self, kind, inputs, output, cin, cout, k=1, stride=1, pad=0, bn=False, relu=False, bias=True):
        super().__init__()
        assert kind in WEIGHTED
        self.kind, self.inputs, self.output = kind, [inputs], output
        self.cin, self.cout, self.k, self.stride, self.pad, self.relu = cin, cout, k, stride, pad, relu
        shape = {"conv1d": (cout, cin, k), "dwconv1d": (cout, 1, k), "pwconv": (cout, cin, 1), "fc": (cout, cin)}[kind]
        self.weight = nn.Parameter(torch.empty(shape))
        fan_in = k if kind == "dwconv1d" else cin * k
        nn.init.normal_(self.weight, 0.0, (2.0 / fan_in) ** 0.5 if relu or bn else (1.0 / fan_in) ** 0.5)
        self.bias = nn.Parameter(torch.zeros(cout)) if bias and not bn else None
        self.bn = nn.BatchNorm1d(cout) if bn else None
        self.quant = False

    def fold_bn(self):
        """y = BN(conv(x) + b) becomes conv'(x) + b' with the BN's running statistics."""
        if self.bn is None:
            return
        bn = self.bn
        g = bn.weight.detach() / torch.sqrt(bn.running_var + bn.eps)
        b = self.bias.detach() if self.bias is not None else torch.zeros_like(g)
        self.weight.data.mul_(g.reshape(-1, *([1] * (self.weight.dim() - 1))))
        self.bias = nn.Parameter(bn.bias.detach() + (b - bn.running_mean) * g)
        self.bn = None

    def forward(self, xs, in_scale, generated):
        x = xs[0]
        w, b = self.weight, self.bias
        if self.quant:
            w, s_w = fq_per_channel(w)
            if b is not None:
                b = fq_bias(b, in_scale, s_w)
        if self.kind == "fc":
            y = F.linear(x.flatten(1), w, b).unsqueeze(-1)
        else:
            groups = self.cout if self.kind == "dwconv1d" else 1
            y = F.conv1d(x, w, b, stride=self.stride, padding=self.pad, groups=groups)
        if self.bn is not None:
            y = self.bn(y)
        return F.relu(y) if self.relu else y


class GeneratedPw(nn.Module):
    """A PWCONV whose weights come from the generator (no bias: bias_unit is 0, docs/FORMAT.md §4)."""

    kind = "pwconv"

    def __init__(self, inputs, output, cin, cout, gen_layer, relu=False):
        super().__init__()
        self.inputs, self.output, self.cin, self.cout, self.gen_layer, self.relu = [inputs], output, cin, cout, gen_layer, relu
        self.quant = False

    def forward(self, xs, in_scale, generated):
        y = F.conv1d(xs[0], generated[self.gen_layer].unsqueeze(-1))
        return F.relu(y) if self.relu else y


class AddOp(nn.Module):
    kind = "add"

    def __init__(self, a, b, output, relu=True):
        super().__init__()
        self.inputs, self.output, self.relu = [a, b], output, relu

    def forward(self, xs, in_scale, generated):
        y = xs[0] + xs[1]
        return F.relu(y) if self.relu else y


class AvgPoolOp(nn.Module):
    """Global average over time: [B][C][L] -> [B][C][1]."""

    kind = "avgpool"
    relu = False

    def __init__(self, inputs, output):
        super().__init__()
        self.inputs, self.output = [inputs], output

    def forward(self, xs, in_scale, generated):
        return xs[0].mean(dim=2, keepdim=True)


class MaxPoolOp(nn.Module):
    """MAXPOOL keeps its input's quantization (the engine requires zi == zo)."""

    kind = "maxpool"
    relu = False

    def __init__(self, inputs, output, k=2, stride=2):
        super().__init__()
        self.inputs, self.output, self.k, self.stride = [inputs], output, k, stride

    def forward(self, xs, in_scale, generated):
        return F.max_pool1d(xs[0], self.k, self.stride)
