"""Weight generators for PW layers 2..L (docs/FORMAT.md §4), float and fake-quantized.

Both share: per-layer codes z_l (code_bits, one scale, zero point 0) -> shared MLP g (per-tensor weights at
mlp_bits, int32 biases, int8 activations; hidden ReLU, linear output h) -> per-layer weights, then the synthesis'
per-row int8 step (row max |w| -> 127).
  LOWRANK (compressive): W_l = U_l diag(h_l) V_l, U_l [cout][r], V_l [r][cin] at head_bits, r = dim h.
  HEAD (paper):          W_l[c][i] = sum_k H_l[c*cin+i][k] h_l[k], H_l at head_bits.
"""
import torch
import torch.nn.functional as F
from torch import nn

from .fakequant import fq_bias, fq_per_channel, fq_symmetric, symmetric_scale
from .observers import ActQuant


class Generator(nn.Module):
    family = None

    def __init__(self, shapes, code_dim, hidden, out_dim, code_bits=8, mlp_bits=8, head_bits=4):
        super().__init__()
        self.shapes = list(shapes)  # (cout, cin) per generated layer
        self.code_dim, self.code_bits, self.mlp_bits, self.head_bits = code_dim, code_bits, mlp_bits, head_bits
        self.codes = nn.Parameter(torch.randn(len(self.shapes), code_dim))
        dims = [code_dim] + ([hidden] if hidden else []) + [out_dim]
        self.mlp = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims, dims[1:]))
        last = self.mlp[-1]
        nn.init.normal_(last.weight, 0.0, 0.1 / code_dim**0.5)
        nn.init.constant_(last.bias, 1.0)  # h starts near 1: W_l starts as its heads' product
        # h is computed for all layers at once, so its "batch" is the layers: track the current range exactly.
        self.acts = nn.ModuleList(ActQuant(relu=i + 1 < len(self.mlp), momentum=1.0) for i in range(len(self.mlp)))
        self.quant = False

    def code_scale(self):
        return symmetric_scale(self.codes, self.code_bits)

    def mlp_out(self):
        """h for every layer [G][out_dim] (fake-quantized values when quant is on)."""
        h = self.codes
        s_in = None
        if self.quant:
            s_in = self.code_scale()
            h = fq_symmetric(h, s_in, self.code_bits)
        for i, (lin, act) in enumerate(zip(self.mlp, self.acts)):
            w, b = lin.weight, lin.bias
            if self.quant:
                s_w = symmetric_scale(w, self.mlp_bits)
                w = fq_symmetric(w, s_w, self.mlp_bits)
                b = fq_bias(b, s_in, s_w)
            h = F.linear(h, w, b)
            if act.relu:
                h = F.relu(h)
            h = act(h)
            if self.quant:
                s_in = act.params()[0]
        return h

    def heads_fq(self, x):
        return fq_symmetric(x, symmetric_scale(x, self.head_bits), self.head_bits) if self.quant else x

    def forward(self):
        h = self.mlp_out()
        out = []
        for layer in range(len(self.shapes)):
            w = self.layer_weight(layer, h[layer])
            out.append(fq_per_channel(w)[0] if self.quant else w)
        return out


class LowRankGenerator(Generator):
    family = "lowrank"

    def __init__(self, shapes, code_dim=8, hidden=16, rank=8, **bits):
        super().__init__(shapes, code_dim, hidden, rank, **bits)
        self.rank = rank
        self.u = nn.ParameterList(nn.Parameter(torch.randn(co, rank) / rank**0.5) for co, ci in self.shapes)
        self.v = nn.ParameterList(nn.Parameter(torch.randn(rank, ci) / ci**0.5) for co, ci in self.shapes)

    def layer_weight(self, layer, h):
        return (self.heads_fq(self.u[layer]) * h.unsqueeze(0)) @ self.heads_fq(self.v[layer])


class HeadGenerator(Generator):
    family = "head"

    def __init__(self, shapes, code_dim=8, hidden=16, head_dim=4, **bits):
        super().__init__(shapes, code_dim, hidden, head_dim, **bits)
        self.head_dim = head_dim
        self.h = nn.ParameterList(
            nn.Parameter(torch.randn(co * ci, head_dim) / (head_dim * ci) ** 0.5) for co, ci in self.shapes)

    def layer_weight(self, layer, h):
        co, ci = self.shapes[layer]
        return (self.heads_fq(self.h[layer]) @ h).reshape(co, ci)
