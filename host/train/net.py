"""A network as a list of ops over numbered tensors, exactly the shape of an integer plan (docs/FORMAT.md §2):
tensor 0 is the input window; each op writes one new tensor, quantized by that tensor's ActQuant."""
from torch import nn

from .observers import ActQuant
from .ops import AddOp, AvgPoolOp, GeneratedPw, MaxPoolOp, WeightedOp


class TiedQuant(nn.Module):
    """MAXPOOL's output: the max of values on its input's grid is on that grid (and the engine needs zi == zo)."""

    relu = False

    def __init__(self, source):
        super().__init__()
        self.source = source  # plain attribute lookup by index; see Net.act()

    def forward(self, x):
        return x


class Net(nn.Module):
    def __init__(self, window, meta, channels=1):
        super().__init__()
        self.meta = dict(meta)
        self.shapes = [(window, channels)]  # (length, channels) per tensor; tensor 0: window + feature channels
        self.acts = nn.ModuleList([ActQuant()])
        self.ops = nn.ModuleList()
        self.generator = None
        self.output = 0

    # --- building -------------------------------------------------------------------------------------------
    def _tensor(self, length, channels, relu):
        self.shapes.append((length, channels))
        self.acts.append(ActQuant(relu=relu))
        return len(self.shapes) - 1

    def weighted(self, kind, x, cout, k=1, stride=1, bn=False, relu=False, bias=True):
        length, cin = self.shapes[x]
        pad = k // 2 if kind in ("conv1d", "dwconv1d") else 0
        if kind == "dwconv1d":
            cout = cin
        out_len = 1 if kind == "fc" else (length + 2 * pad - k) // stride + 1
        fan = cin * length if kind == "fc" else cin
        y = self._tensor(out_len, cout, relu)
        self.ops.append(WeightedOp(kind, x, y, fan, cout, k, stride, pad, bn, relu, bias))
        return y

    def generated_pw(self, x, cout, gen_layer, relu=False):
        length, cin = self.shapes[x]
        y = self._tensor(length, cout, relu)
        self.ops.append(GeneratedPw(x, y, cin, cout, gen_layer, relu))
        return y

    def add(self, a, b, relu=True):
        y = self._tensor(*self.shapes[a], relu)
        self.ops.append(AddOp(a, b, y, relu))
        return y

    def avgpool(self, x):
        y = self._tensor(1, self.shapes[x][1], False)
        self.ops.append(AvgPoolOp(x, y))
        return y

    def maxpool(self, x, k=2, stride=2):
        length, ch = self.shapes[x]
        self.shapes.append(((length - k) // stride + 1, ch))
        self.acts.append(TiedQuant(x))
        y = len(self.shapes) - 1
        self.ops.append(MaxPoolOp(x, y, k, stride))
        return y

    # --- quantization ---------------------------------------------------------------------------------------
    def act(self, t):
        """The ActQuant that defines tensor t's (scale, zero point), following MAXPOOL ties."""
        a = self.acts[t]
        while isinstance(a, TiedQuant):
            a = self.acts[a.source]
        return a

    def quantizers(self):
        qs = [a for a in self.acts if isinstance(a, ActQuant)]
        return qs + (list(self.generator.acts) if self.generator is not None else [])

    def fold_bn(self):
        for op in self.ops:
            if isinstance(op, WeightedOp):
                op.fold_bn()

    def set_quant(self, enabled, observing):
        """enabled: fake-quantize weights and activations; observing: update activation ranges (training only)."""
        for op in self.ops:
            if hasattr(op, "quant"):
                op.quant = enabled
        if self.generator is not None:
            self.generator.quant = enabled
        for q in self.quantizers():
            q.enabled = enabled
            q.observing = observing

    @property
    def quantized(self):
        return bool(self.acts[0].enabled)

    def forward(self, x):
        env = [None] * len(self.shapes)
        env[0] = self.acts[0](x)
        generated = self.generator() if self.generator is not None else None
        for op in self.ops:
            s_in = self.act(op.inputs[0]).params()[0] if self.quantized else None
            env[op.output] = self.acts[op.output](op([env[i] for i in op.inputs], s_in, generated))
        return env[self.output].flatten(1)
