import unittest

import torch

from host.train import models
from host.train.budget import estimate_bytes
from host.train.export import engine_weight
from host.train.ops import WeightedOp


def randomize_bn(net, seed):
    g = torch.Generator().manual_seed(seed)
    for op in net.ops:
        if isinstance(op, WeightedOp) and op.bn is not None:
            n = op.cout
            op.bn.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
            op.bn.running_var.copy_(torch.rand(n, generator=g) + 0.5)
            op.bn.weight.data.copy_(torch.rand(n, generator=g) + 0.5)
            op.bn.bias.data.copy_(torch.randn(n, generator=g) * 0.1)


class ModelTest(unittest.TestCase):
    def test_bn_folding_keeps_the_function(self):
        for family in models.FAMILIES:
            if family == "cnn-large":
                continue
            torch.manual_seed(0)
            net = models.build(family, 2, size="tiny").double().eval()
            randomize_bn(net, 1)
            x = torch.randn(4, 1, 256, dtype=torch.float64)
            before = net(x)
            net.fold_bn()
            self.assertTrue(all(getattr(op, "bn", None) is None for op in net.ops))
            self.assertTrue(torch.allclose(before, net(x), atol=1e-9), family)

    def test_lowrank_layer_is_u_diag_h_v(self):
        net = models.build("hyper-lowrank", 2, size="tiny").double()
        gen = net.generator
        h = gen.mlp_out()
        w = gen()
        for layer, (cout, cin) in enumerate(gen.shapes):
            expected = gen.u[layer] @ torch.diag(h[layer]) @ gen.v[layer]
            self.assertEqual(tuple(w[layer].shape), (cout, cin))
            self.assertTrue(torch.allclose(w[layer], expected))

    def test_generated_rows_are_int8_after_synthesis_when_quantized(self):
        for family in ("hyper-lowrank", "hyper-paper"):
            net = models.build(family, 2, size="tiny").double()
            gen = net.generator
            gen.quant = True
            for a in gen.acts:
                a.observing = True
                a.enabled = True
            for w in gen():
                scale = w.abs().amax(dim=1, keepdim=True) / 127
                q = w / scale
                self.assertTrue(torch.allclose(q, torch.round(q)), family)
                self.assertTrue(torch.allclose(q.abs().amax(dim=1), torch.full((w.shape[0],), 127.0, dtype=torch.float64)))

    def test_lowrank_generator_costs_at_most_a_quarter_of_the_pw_it_replaces(self):
        for size in ("default", "wide"):
            b = estimate_bytes(models.build("hyper-lowrank", 2, size=size))
            self.assertLessEqual(b["generator_heads_codes_ratio"], 0.25, size)
            self.assertLessEqual(b["file"], 64 * 1024, size)

    def test_compact_cnns_fit_their_budgets(self):
        self.assertLessEqual(estimate_bytes(models.build("cnn-32k", 2))["file"], 32 * 1024)
        self.assertLessEqual(estimate_bytes(models.build("cnn-64k", 2))["file"], 64 * 1024)

    def test_engine_layouts(self):
        net = models.build("cnn-32k", 2, size="tiny")
        conv = net.ops[0]
        w, shape = engine_weight(conv, net.shapes[0])
        self.assertEqual(shape, [conv.cout, conv.k, conv.cin])
        self.assertEqual(w[3, 2, 0].item(), conv.weight[3, 0, 2].item())


if __name__ == "__main__":
    unittest.main()


class FeatureChannelsTest(unittest.TestCase):
    """Input [B][1+F][L] (docs/FORMAT.md §6): the window, then each feature constant along the window."""

    def test_net_input_layout_and_augmentation(self):
        import numpy as np
        import torch

        from host.train.data import net_input
        from host.train.loop import augment

        x = np.arange(2 * 8, dtype=np.float32).reshape(2, 8)
        f = np.array([[0.5, -1.0, 2.0], [0.0, 0.25, -0.5]], dtype=np.float32)
        t = net_input(x, f)
        self.assertEqual(tuple(t.shape), (2, 4, 8))
        self.assertTrue(torch.equal(t[:, 0], torch.from_numpy(x)))
        for i in range(3):
            self.assertTrue(torch.equal(t[:, 1 + i], torch.from_numpy(f[:, i:i + 1]).expand(2, 8)))
        self.assertEqual(tuple(net_input(x).shape), (2, 1, 8))
        a = augment(t, torch.Generator().manual_seed(0))
        self.assertTrue(torch.equal(a[:, 1:], t[:, 1:]), "features are not augmented")
        self.assertFalse(torch.equal(a[:, 0], t[:, 0]))

    def test_time_warp_stretches_about_the_centre(self):
        import torch

        from host.train.loop import time_warp

        n = 65
        ramp = torch.linspace(-1, 1, n).reshape(1, 1, n).repeat(64, 1, 1)
        out = time_warp(ramp, torch.Generator().manual_seed(1), 0.1)
        centre = n // 2
        self.assertTrue(torch.allclose(out[:, 0, centre], torch.zeros(64), atol=1e-6), "the R peak stays put")
        # A ramp stretched by s reads x / s: the slope at the centre is 1/s, within [1/1.1, 1/0.9].
        slope = (out[:, 0, centre + 1] - out[:, 0, centre - 1]) / (ramp[0, 0, 2] - ramp[0, 0, 0])
        self.assertTrue(bool(((slope > 1 / 1.1 - 1e-5) & (slope < 1 / 0.9 + 1e-5)).all()))
        self.assertGreater(float(slope.std()), 0.01, "each window gets its own factor")

    def test_models_take_feature_channels(self):
        import torch

        from host.train import models

        for family in models.FAMILIES:
            net = models.build(family, 2, size="tiny", channels=4)
            self.assertEqual(net.shapes[0], (256, 4))
            self.assertEqual(tuple(net(torch.zeros(3, 4, 256)).shape), (3, 2))

    def test_executed_macs_count_only_the_lead_in_the_first_convolution(self):
        from host.train import models
        from host.train.budget import executed_macs_per_window, macs_per_window

        for family in ("hyper-lowrank", "cnn-32k"):
            plain = models.build(family, 2, size="default", channels=1)
            beat = models.build(family, 2, size="default", channels=12)
            stem = beat.ops[0]
            length, cout = beat.shapes[stem.output]
            self.assertEqual(executed_macs_per_window(plain), macs_per_window(plain))
            self.assertEqual(macs_per_window(beat) - macs_per_window(plain), length * cout * stem.k * 11)
            # the stem's lead, plus its per-call tap sums of the 11 feature channels
            self.assertEqual(executed_macs_per_window(beat), macs_per_window(plain) + cout * stem.k * 11)

    def test_linear_branch_adds_an_fc_of_the_input_mean_to_the_logits(self):
        import torch

        from host.train import models
        from host.train.ops import AddOp, AvgPoolOp

        for family in ("hyper-lowrank", "cnn-32k"):
            torch.manual_seed(0)
            net = models.build(family, 4, size="tiny", channels=7, linear_branch=True).double().eval()
            pool, fc = net.ops[0], net.ops[1]
            # first, so the input is not live to the end of the plan; the stem is still found for --feature-init-gain
            self.assertIsInstance(pool, AvgPoolOp)
            self.assertEqual((pool.inputs, fc.kind, fc.inputs), ([0], "fc", [pool.output]))
            self.assertEqual(models.first_conv(net).inputs, [0])
            self.assertEqual(models.first_conv(net).kind, "conv1d")
            add = net.ops[-1]
            self.assertIsInstance(add, AddOp)
            self.assertEqual((net.output, add.relu, add.inputs[1]), (add.output, False, fc.output))
            self.assertTrue(torch.equal(fc.weight, torch.zeros_like(fc.weight)), "training starts from the CNN alone")
            x = torch.randn(3, 7, 256, dtype=torch.float64)
            deep = net(x)
            with torch.no_grad():
                fc.weight.normal_()
                fc.bias.normal_()
            self.assertTrue(torch.allclose(net(x) - deep, x.mean(dim=2) @ fc.weight.t() + fc.bias))

    def test_linear_branch_learns_at_its_own_rate(self):
        from host.train import models
        from host.train.loop import param_groups

        plain = models.build("hyper-lowrank", 4, size="tiny", channels=7, linear_branch=True)
        self.assertIsInstance(param_groups(plain, 1e-3), list)
        self.assertFalse(isinstance(param_groups(plain, 1e-3)[0], dict), "lr scale 1: the plain parameter list")
        net = models.build("hyper-lowrank", 4, size="tiny", channels=7, linear_branch=True, linear_branch_lr=10)
        groups = {g["lr"]: g["params"] for g in param_groups(net, 1e-3)}
        self.assertEqual(sorted(groups), [1e-3, 1e-2])
        fc = net.ops[1]
        self.assertEqual({id(p) for p in groups[1e-2]}, {id(fc.weight), id(fc.bias)})
        self.assertEqual(len(groups[1e-3]) + 2, len([p for p in net.parameters() if p.requires_grad]))
