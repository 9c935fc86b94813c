import unittest

import numpy as np

from host.train.data import Split
from host.train.loop import RrSwap


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
        f = swap.features(idx, np.random.default_rng(3))
        for i in idx:
            if y[i] == 0 and not af[i]:
                self.assertIn(f[i, 0], (4.0, 6.0), f"window {i} takes an N-in-AF beat's RR")
            else:
                self.assertEqual(f[i, 0], train.f[i, 0], f"window {i} keeps its RR")
            self.assertEqual(f[i, 1], train.f[i, 1], "the template feature is never swapped")
        self.assertEqual(train.f[0, 0], 0.0, "the split's own features are left as they were")

    def test_probability_zero_changes_nothing_and_missing_af_is_refused(self):
        train = split_of([0, 0, 0], [0, 1, 0])
        f = RrSwap(train, ["rr_pre_avg", "tpl_corr"], 0.0).features(np.arange(3), np.random.default_rng(1))
        self.assertTrue(np.array_equal(f, train.f))
        with self.assertRaises(SystemExit):
            RrSwap(split_of([0, 0], [0, 0]), ["rr_pre_avg", "tpl_corr"], 0.5)
        with self.assertRaises(SystemExit):
            RrSwap(train, ["tpl_corr", "tpl_rdiff"], 0.5)


if __name__ == "__main__":
    unittest.main()
