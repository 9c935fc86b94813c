import math
import random
import unittest

import torch

from host.train.exact import add_requant, conv_requant, generated_requant, mbqm, mean_requant, quantize_multiplier, rdiv
from host.train.fakequant import asymmetric_params, symmetric_scale, to_f32


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

    def test_quantize_multiplier_is_tflm_frexp(self):
        # TFLM: q, e = frexp(real); m = round(q * 2^31) (half away); 2^31 renormalises; e < -31 flushes to 0.
        rng = random.Random(5)
        for _ in range(5000):
            real = math.ldexp(rng.random() + 0.5, rng.randint(-40, 20))
            q, e = math.frexp(real)
            m = math.floor(q * 2**31 + 0.5)
            if m == 2**31:
                m, e = 2**30, e + 1
            want = (0, 0) if e < -31 else (m, e)
            if e > 30:
                continue
            self.assertEqual(quantize_multiplier(real), want, real)

    def test_scales_are_float32_values(self):
        g = torch.Generator().manual_seed(1)
        w = torch.randn(6, 5, generator=g, dtype=torch.float64)
        s = symmetric_scale(w, 8, (1,))
        self.assertTrue(torch.equal(s, s.float().double()))
        scale, _ = asymmetric_params(-0.37, 1.91)
        self.assertEqual(scale, to_f32(scale))
        self.assertEqual(to_f32(0.1), float(torch.tensor(0.1, dtype=torch.float32)))

    def test_conv_rule_uses_float32_scales_in_double(self):
        s_in, s_f, s_out = 0.0123, 0.00071, 0.0456
        want = quantize_multiplier(to_f32(s_in) * to_f32(s_f) / to_f32(s_out))
        self.assertEqual(conv_requant(s_in, s_f, s_out), want)
        # FC with one filter scale: TFLM multiplies the float32 scales in float32 first; some scales tell.
        rng = random.Random(2)
        differs = 0
        for _ in range(2000):
            a, b, c = (to_f32(rng.uniform(1e-3, 1e-1)) for _ in range(3))
            per_tensor = conv_requant(a, b, c, fc_per_tensor=True)
            self.assertEqual(per_tensor, quantize_multiplier(to_f32(a * b) / c))
            differs += per_tensor != conv_requant(a, b, c)
        self.assertGreater(differs, 0)

    def test_add_and_mean_rules(self):
        aux = add_requant(0.02, 0.05, 0.06)
        self.assertEqual(aux[0], 20)
        self.assertEqual(tuple(aux[3:5]), quantize_multiplier(0.5))  # the larger input rescales by exactly 1/2
        for m, s in (aux[1:3], aux[3:5], aux[5:7]):
            self.assertTrue(2**30 <= m < 2**31 and s <= 0)
        for length in (1, 2, 3, 31, 32, 64, 250):
            m, s = mean_requant(0.04, 0.01, length)
            m0, e0 = quantize_multiplier(to_f32(0.04) / to_f32(0.01))
            n = int(math.floor(math.log2(length)))
            self.assertEqual((m, s), ((m0 << n) // length, e0 - n))
            self.assertAlmostEqual(m * 2.0 ** (s - 31), 4.0 / length, delta=4.0 / length * 2**-28)

    def test_generated_rows_take_a_float32_filter_scale(self):
        unit = to_f32(0.0003 / 127)
        for big_m in (1, 127, 4000, 123457):
            self.assertEqual(generated_requant(0.02, 0.05, unit, big_m), conv_requant(0.02, to_f32(big_m * unit), 0.05))


if __name__ == "__main__":
    unittest.main()
