import unittest

import torch

from host.train.fakequant import asymmetric_params, fq_activation, fq_per_channel, round_half_away


class FakeQuantTest(unittest.TestCase):
    def test_round_half_away_from_zero_like_quantizeInto_and_rdiv(self):
        x = torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49, -0.51], dtype=torch.float64)
        self.assertEqual(round_half_away(x).tolist(), [1, 2, 3, -1, -2, -3, 0, -1])

    def test_asymmetric_range_holds_an_exact_zero(self):
        for lo, hi in [(0.0, 6.0), (-1.0, 3.0), (0.5, 2.0), (-4.0, -1.0)]:
            scale, zp = asymmetric_params(lo, hi)
            self.assertTrue(-128 <= zp <= 127)
            zero = fq_activation(torch.zeros(1, dtype=torch.float64), scale, zp)
            self.assertEqual(zero.item(), 0.0)
        self.assertEqual(asymmetric_params(0.0, 2.55)[1], -128)  # ReLU outputs use the whole int8 range

    def test_per_channel_weights_map_each_row_max_to_127(self):
        w = torch.tensor([[0.1, -0.4, 0.25], [3.0, 1.0, -1.2]], dtype=torch.float64)
        wq, scale = fq_per_channel(w)
        self.assertTrue(torch.allclose(scale, torch.tensor([0.4 / 127, 3.0 / 127], dtype=torch.float64)))
        q = torch.round(wq / scale.unsqueeze(1))
        self.assertEqual(q[0].tolist(), [32, -127, 79])
        self.assertEqual(q[1].tolist(), [127, 42, -51])

    def test_gradients_pass_straight_through_rounding(self):
        w = torch.tensor([[0.3, -0.7]], requires_grad=True)
        fq_per_channel(w)[0].sum().backward()
        self.assertEqual(w.grad.tolist(), [[1.0, 1.0]])


if __name__ == "__main__":
    unittest.main()
