"""Model families and their size presets.

separable-int8  stem conv, then blocks of PW (stored INT8, linear) -> depthwise (BN, ReLU), optional residual ADD;
                global average pool; FC hidden (ReLU); FC classes. PW before DW ("blueprint" separable conv)
                keeps every PW free of bias and BN, so generated PWs need no bias (bias_unit 0).
hyper-lowrank   the same backbone; PW1 stored INT8, PW2..L from a LowRankGenerator.
hyper-paper     the same backbone; PW1 stored INT8, PW2..L from a HeadGenerator (paper-faithful; not compressive).
cnn-32k/64k     compact plain CNNs: conv (BN, ReLU) + max pool stages, global average pool, two FC.
cnn-large       the paper's ~1.4 MB CNN: convs 64-128-256-512-512, classifier 512-256.

linear_branch ("wide & deep"): the logits are the network's plus an FC over the global mean of the input tensor,
which is exactly the beat features (constant along the window) and the lead's mean: a linear model on the beat
context beside the CNN, with existing ops only (AVGPOOL, FC, ADD). Its two ops come first, so the input tensor is
not kept alive to the end of the plan (only the branch's 1 x classes output is).
"""
from .generators import HeadGenerator, LowRankGenerator
from .net import Net
from .ops import WeightedOp

FAMILIES = ("separable-int8", "hyper-lowrank", "hyper-paper", "cnn-32k", "cnn-64k", "cnn-large")

# (cout, k, stride, residual) per block after a stem of `stem` channels.
SEPARABLE = {
    "tiny": dict(stem=8, stem_k=7, blocks=[(16, 5, 2, False), (16, 5, 1, True), (24, 3, 2, False)], hidden=16),
    "default": dict(stem=16, stem_k=7, blocks=[
        (32, 5, 1, False), (32, 5, 2, False), (64, 5, 1, False), (64, 5, 2, False), (64, 5, 1, True),
        (96, 3, 2, False), (96, 3, 1, True)], hidden=32),
    # ≤ 1.0 M MACs per beat with the eleven beat features as input channels (issue 14's budget): a narrower stem,
    # the first stride one block earlier, 80 channels at the end.
    "compact": dict(stem=12, stem_k=7, blocks=[
        (32, 5, 2, False), (48, 5, 1, False), (64, 5, 2, False), (64, 5, 1, True), (80, 3, 2, False),
        (80, 3, 1, True)], hidden=32),
    "wide": dict(stem=24, stem_k=7, blocks=[
        (48, 5, 1, False), (64, 5, 2, False), (96, 5, 1, False), (96, 5, 2, False), (96, 5, 1, True),
        (128, 3, 2, False), (128, 3, 1, True), (160, 3, 2, False), (160, 3, 1, True)], hidden=48),
}

GENERATOR = {
    "lowrank": dict(code_dim=8, hidden=16, rank=8, code_bits=8, mlp_bits=8, head_bits=4),
    "head": dict(code_dim=8, hidden=16, head_dim=4, code_bits=8, mlp_bits=8, head_bits=4),
}

# (cout, k[, stride]) per conv stage (each followed by max pool 2 while `pool` lasts), then FC hidden.
# cnn-large keeps the paper's widths and parameter count (~1.45 M) but strides its first, second and last convs,
# so that one window costs ~7.8 M MACs instead of ~37 M and the integer engine evaluates all of DS2 in minutes.
CNN = {
    "cnn-tiny": dict(convs=[(8, 7), (16, 5), (16, 3)], pool=3, hidden=16),
    "cnn-32k": dict(convs=[(16, 7), (32, 5), (48, 5), (64, 3)], pool=4, hidden=32),
    "cnn-64k": dict(convs=[(16, 7), (32, 5), (64, 5), (96, 3), (78, 3)], pool=4, hidden=48),
    "cnn-large": dict(convs=[(64, 7, 2), (128, 5, 2), (256, 3), (512, 3), (512, 3, 2)], pool=4, hidden=256),
}


def add_linear_branch(net, classes, lr_scale=1.0):
    """The wide part: FC(classes) over AVGPOOL(input); its weights start at zero, so training starts from the CNN.

    lr_scale: its learning rate over the network's (loop.param_groups). A linear model on the beat features has
    weights of ~2-10 (logistic regression on DS1), which Adam's ~lr-sized steps reach only with a larger rate."""
    b = net.weighted("fc", net.avgpool(0), classes)
    op = net.ops[-1]
    op.weight.data.zero_()
    op.lr_scale = float(lr_scale)
    return b


def logits(net, x, classes, branch):
    """The final FC(classes) of x, plus the linear branch's logits when there is one."""
    y = net.weighted("fc", x, classes)
    return y if branch is None else net.add(y, branch, relu=False)


def first_conv(net):
    """The first convolution reading the input (the op whose feature-channel taps --feature-init-gain scales)."""
    return next(op for op in net.ops if isinstance(op, WeightedOp) and op.kind == "conv1d" and op.inputs == [0])


def separable(net, classes, arch, pw_source, branch=None):
    """pw_source(net, x, cout, index) -> tensor: how PW number `index` (0 = PW1) is made."""
    x = net.weighted("conv1d", 0, arch["stem"], k=arch["stem_k"], stride=2, bn=True, relu=True)
    for i, (cout, k, stride, residual) in enumerate(arch["blocks"]):
        if residual:
            assert stride == 1 and cout == net.shapes[x][1], "a residual block keeps length and channels"
        pw = pw_source(net, x, cout, i)
        y = net.weighted("dwconv1d", pw, 0, k=k, stride=stride, bn=True, relu=not residual)
        x = net.add(x, y, relu=True) if residual else y
    x = net.avgpool(x)
    x = net.weighted("fc", x, arch["hidden"], relu=True)
    net.output = logits(net, x, classes, branch)
    return net


def build(family, classes, size="default", window=256, generator_overrides=None, channels=1, linear_branch=False,
          linear_branch_lr=1.0):
    """channels: input channels (1 + feature count, docs/FORMAT.md §6). linear_branch: see the module's doc."""
    meta = dict(family=family, size=size)
    if linear_branch:
        meta["linear_branch"] = dict(lr_scale=linear_branch_lr)
    net = Net(window, meta, channels)
    branch = add_linear_branch(net, classes, linear_branch_lr) if linear_branch else None
    if family.startswith("cnn"):
        arch = CNN["cnn-tiny" if size == "tiny" else family]
        x = 0
        for i, (cout, k, *stride) in enumerate(arch["convs"]):
            x = net.weighted("conv1d", x, cout, k=k, stride=stride[0] if stride else 1, bn=True, relu=True)
            if i < arch["pool"]:
                x = net.maxpool(x)
        x = net.avgpool(x)
        x = net.weighted("fc", x, arch["hidden"], relu=True)
        net.output = logits(net, x, classes, branch)
        meta["arch"] = arch
        return net

    arch = SEPARABLE[size]
    meta["arch"] = arch
    stored = lambda n, x, cout, i: n.weighted("pwconv", x, cout, bias=False)
    if family == "separable-int8":
        return separable(net, classes, arch, stored, branch)

    kind = {"hyper-lowrank": "lowrank", "hyper-paper": "head"}[family]
    cfg = dict(GENERATOR[kind])
    cfg.update({k: v for k, v in (generator_overrides or {}).items() if k in cfg})
    meta["generator"] = cfg
    shapes = []

    def pw(n, x, cout, i):
        if i == 0:  # PW1 stays INT8: early, morphology-sensitive mixing
            return stored(n, x, cout, i)
        shapes.append((cout, n.shapes[x][1]))
        return n.generated_pw(x, cout, len(shapes) - 1)

    separable(net, classes, arch, pw, branch)
    net.generator = (LowRankGenerator if kind == "lowrank" else HeadGenerator)(shapes, **cfg)
    return net
