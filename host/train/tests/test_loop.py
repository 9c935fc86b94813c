import unittest

import numpy as np
import torch
import torch.nn.functional as F

from host.train.data import Split
from host.train.loop import RateShift, RrSwap, WeightAverage, augment, merged_cross_entropy, record_balance_weights


def split_of(y, af):
    n = len(y)
    f = np.stack([np.arange(n, dtype=np.float32), 100 + np.arange(n, dtype=np.float32)], axis=1)  # rr_pre_avg, tpl_corr
    return Split(np.zeros((n, 4), np.float32), np.asarray(y), np.zeros(n), np.arange(n), f, np.asarray(af, dtype=bool))


class RrSwapTest(unittest.TestCase):
    def test_only_n_beats_outside_af_take_rr_features_of_n_beats_inside_af(self):
        #          N  N  S  V  N(AF) V(AF) N(AF) N
        y = [0, 0, 1, 2, 0, 2, 0, 0]
        af = [0, 0, 0, 0, 1, 1, 1, 0]
        train = split_of(y, af)
        swap = RrSwap(train, ["rr_pre_avg", "tpl_corr"], 1.0)
        idx = np.arange(len(y))
        f, merged = swap.features(idx, np.random.default_rng(3))
        self.assertFalse(merged.any(), "without merge_ns every window keeps its own class")
        for i in idx:
            if y[i] == 0 and not af[i]:
                self.assertIn(f[i, 0], (4.0, 6.0), f"window {i} takes an N-in-AF beat's RR")
            else:
                self.assertEqual(f[i, 0], train.f[i, 0], f"window {i} keeps its RR")
            self.assertEqual(f[i, 1], train.f[i, 1], "the template feature is never swapped")
        self.assertEqual(train.f[0, 0], 0.0, "the split's own features are left as they were")

    def test_probability_zero_changes_nothing_and_missing_af_is_refused(self):
        train = split_of([0, 0, 0], [0, 1, 0])
        f, _ = RrSwap(train, ["rr_pre_avg", "tpl_corr"], 0.0).features(np.arange(3), np.random.default_rng(1))
        self.assertTrue(np.array_equal(f, train.f))
        with self.assertRaises(SystemExit):
            RrSwap(split_of([0, 0], [0, 0]), ["rr_pre_avg", "tpl_corr"], 0.5)
        with self.assertRaises(SystemExit):
            RrSwap(train, ["tpl_corr", "tpl_rdiff"], 0.5)

    def test_merge_ns_marks_swapped_windows_and_n_or_s_windows_inside_af(self):
        y = [0, 0, 1, 2, 0, 2, 1, 0]
        af = [0, 0, 0, 0, 1, 1, 1, 0]
        _, merged = RrSwap(split_of(y, af), ["rr_pre_avg", "tpl_corr"], 1.0, merge_ns=True).features(np.arange(8), np.random.default_rng(3))
        self.assertEqual(merged.tolist(), [True, True, False, False, True, False, True, True])


class MergedCrossEntropyTest(unittest.TestCase):
    def test_equals_weighted_cross_entropy_without_merged_windows_and_scores_n_or_s_with_them(self):
        g = torch.Generator().manual_seed(0)
        logits = torch.randn(6, 4, generator=g, dtype=torch.float64)
        y = torch.tensor([0, 1, 2, 3, 0, 1])
        w = torch.tensor([1.0, 3.0, 2.0, 5.0], dtype=torch.float64)
        none = torch.zeros(6, dtype=torch.bool)
        self.assertTrue(torch.allclose(merged_cross_entropy(logits, y, w, none), F.cross_entropy(logits, y, weight=w)))
        merged = torch.tensor([True, True, False, False, False, False])
        p = torch.softmax(logits, dim=1)
        nll = [-torch.log(p[0, 0] + p[0, 1]), -torch.log(p[1, 0] + p[1, 1])] + [-torch.log(p[i, y[i]]) for i in range(2, 6)]
        weights = [w[0], w[0]] + [w[y[i]] for i in range(2, 6)]
        expected = sum(a * b for a, b in zip(weights, nll)) / sum(weights)
        self.assertTrue(torch.allclose(merged_cross_entropy(logits, y, w, merged), expected))



class RecordBalanceTest(unittest.TestCase):
    def test_keeps_class_shares_and_spreads_each_class_over_records(self):
        # class 0: 6 windows in record 1, 2 in record 2; class 1: 3 in record 1, 1 in record 3
        y = np.array([0] * 6 + [0] * 2 + [1] * 3 + [1])
        record = np.array([1] * 6 + [2] * 2 + [1] * 3 + [3])
        for beta in (0.0, 0.5, 1.0):
            w = record_balance_weights(y, record, beta)
            self.assertAlmostEqual(w.sum(), 1.0)
            self.assertAlmostEqual(w[y == 0].sum(), 8 / 12, msg=f"beta {beta}: class 0 keeps its share")
            self.assertAlmostEqual(w[y == 1].sum(), 4 / 12, msg=f"beta {beta}: class 1 keeps its share")
        uniform = record_balance_weights(y, record, 0.0)
        self.assertTrue(np.allclose(uniform, 1 / 12))
        equal = record_balance_weights(y, record, 1.0)
        self.assertAlmostEqual(equal[record == 1][y[record == 1] == 0].sum(), equal[(record == 2) & (y == 0)].sum())
        self.assertAlmostEqual(equal[(record == 3) & (y == 1)].sum(), 2 / 12, msg="one window of record 3 holds half of class 1")
        half = record_balance_weights(y, record, 0.5)
        self.assertGreater(half[11], uniform[11])
        self.assertLess(half[11], equal[11])


class PolarityFlipTest(unittest.TestCase):
    def test_flip_negates_only_the_lead_and_zero_draws_as_before(self):
        x = torch.zeros(64, 3, 16)
        x[:, 0, 8] = 1.0  # an R peak
        x[:, 1:] = 0.5  # feature channels
        plain = augment(x, torch.Generator().manual_seed(3))
        unflipped = augment(x, torch.Generator().manual_seed(3), flip=0.0)
        self.assertTrue(torch.equal(plain, unflipped), "flip 0 draws nothing extra")
        flipped = augment(x, torch.Generator().manual_seed(3), flip=0.5)
        self.assertTrue(torch.equal(flipped[:, 1:], x[:, 1:]), "features are not flipped")
        same = (flipped[:, 0] == plain[:, 0]).all(dim=1)
        negated = (flipped[:, 0] == -plain[:, 0]).all(dim=1)
        self.assertTrue(bool((same | negated).all()), "each window is the unflipped one or its negation")
        self.assertGreater(int(negated.sum()), 16)
        self.assertGreater(int(same.sum()), 16)


class RateShiftTest(unittest.TestCase):
    def test_scales_rr_over_long_term_mean_alike_and_leaves_other_features(self):
        names = ["rr_pre_avg", "rr_irregularity", "rr_post_avg", "rr_local_avg", "tpl_corr"]
        f = np.tile(np.array([[-0.3, 0.1, 0.2, 0.0, 0.9]], np.float32), (400, 1))
        out = RateShift(names, 1.0, 1.5).apply(f.copy(), np.random.default_rng(1))
        self.assertTrue(np.array_equal(out[:, [1, 4]], f[:, [1, 4]]))
        factor = out[:, 3] + 1  # the local mean over the long-term mean, which was 1
        self.assertTrue(np.all((factor >= 1 / 1.5 - 1e-6) & (factor <= 1.5 + 1e-6)))
        self.assertGreater(factor.max(), 1.3)
        self.assertLess(factor.min(), 0.77)
        self.assertTrue(np.allclose(out[:, 0] + 1, 0.7 * factor, atol=1e-6), "pre over local unchanged")
        self.assertTrue(np.allclose(out[:, 2] + 1, 1.2 * factor, atol=1e-6))
        some = RateShift(names, 0.25, 1.5).apply(f.copy(), np.random.default_rng(2))
        moved = (some != f).any(axis=1).mean()
        self.assertTrue(0.15 < moved < 0.35, moved)
        clamped = RateShift(names, 1.0, 3.0).apply(np.full((200, 5), 1.5, np.float32), np.random.default_rng(3))
        self.assertLessEqual(clamped[:, [0, 2, 3]].max(), 2.0)
        with self.assertRaises(SystemExit):
            RateShift(["tpl_corr"], 0.5, 1.5)


class WeightAverageTest(unittest.TestCase):
    def test_averages_float_state_with_a_warm_up_and_copies_integer_buffers(self):
        net = torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.BatchNorm1d(1))
        with torch.no_grad():
            net[0].weight.fill_(0.0)
        avg = WeightAverage(net, 0.9)
        expected = 0.0
        for n in range(30):
            with torch.no_grad():
                net[0].weight.fill_(float(n + 1))
            net[1].num_batches_tracked.fill_(n + 1)
            avg.update(net)
            d = min(0.9, (1 + n) / (10 + n))
            expected = d * expected + (1 - d) * (n + 1)
        self.assertAlmostEqual(float(avg.state["0.weight"][0, 0]), expected, places=4)
        self.assertLess(float(avg.state["0.weight"][0, 0]), 30.0, "an average, not the last weights")
        self.assertGreater(float(avg.state["0.weight"][0, 0]), 15.0, "the warm-up keeps it off the initial zero")
        self.assertEqual(int(avg.state["1.num_batches_tracked"]), 30)
        avg.load_into(net)
        self.assertAlmostEqual(float(net[0].weight[0, 0]), expected, places=4)
        with self.assertRaises(ValueError):
            WeightAverage(net, 1.0)


if __name__ == "__main__":
    unittest.main()
