import unittest

import torch

from host.train.exact import mbqm, quantize_multiplier, rdiv, scale_multiplier


def mbqm_reference(x, m, s):
    """docs/FORMAT.md §3 MBQM on Python ints."""
    left, right = max(s, 0), max(-s, 0)
    xl = ((x << left) + 2**31) % 2**32 - 2**31
    ab = xl * m
    nudge = 2**30 if ab >= 0 else 1 - 2**30
    q = abs(ab + nudge) // 2**31 * (1 if ab + nudge >= 0 else -1)
    mask = (1 << right) - 1
    rem = q & mask
    thr = (mask >> 1) + (1 if q < 0 else 0)
    return (q >> right) + (1 if rem > thr else 0)


class ExactTest(unittest.TestCase):
    def test_mbqm_double_rounding_matches_the_format(self):
        g = torch.Generator().manual_seed(3)
        xs = torch.randint(-2**20, 2**20, (400,), generator=g)
        for real in (0.0003, 0.0123, 0.37, 0.5, 0.99, 1.7, 9.3):
            m, s = quantize_multiplier(real)
            got = mbqm(xs, m, s).tolist()
            self.assertEqual(got, [mbqm_reference(int(x), m, s) for x in xs.tolist()], real)

    def test_double_rounding_differs_from_single_rounding_sometimes(self):
        # Why exact.py exists: round(x * real) is not always MBQM(x, m, s).
        m, s = quantize_multiplier(0.0123)
        xs = torch.arange(-100000, 100000)
        single = torch.floor((xs.double() * m * 2.0 ** (s - 31)).abs() + 0.5) * torch.sign(xs.double())
        self.assertGreater(int((mbqm(xs, m, s).double() != single).sum()), 0)

    def test_quantize_multiplier_is_q031(self):
        for real in (1e-6, 0.25, 0.5, 0.75, 1.0, 123.4):
            m, s = quantize_multiplier(real)
            self.assertTrue(2**30 <= m < 2**31)
            self.assertAlmostEqual(m * 2.0 ** (s - 31), real, delta=real * 2**-30)

    def test_rdiv_rounds_half_away_from_zero(self):
        n = torch.tensor([5, -5, 7, -7, 0, 3])
        self.assertEqual(rdiv(n, torch.tensor(2)).tolist(), [3, -3, 4, -4, 0, 2])

    def test_scale_multiplier_normalises(self):
        m0, s0 = quantize_multiplier(0.001)
        for big_m in (1, 7, 127, 4000, 123456):
            m, s = scale_multiplier(m0, s0, big_m)
            self.assertTrue(2**30 <= m < 2**31)
            self.assertAlmostEqual(m * 2.0 ** (s - 31), 0.001 * big_m, delta=0.001 * big_m * 2**-29)


if __name__ == "__main__":
    unittest.main()
