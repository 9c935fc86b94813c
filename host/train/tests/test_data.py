import json
import os
import tempfile
import unittest

import numpy as np

from host.train import data


def write_apnea_dataset(directory, features):
    """A four-minute hypertiny-apnea-minutes dataset (window 8) with the given feature columns."""
    n, w = 4, 8
    files = {"windows": "windows.f32", "apnea": "apnea.u8", "record": "record.u16", "split": "split.u8"}
    np.arange(n * w, dtype="<f4").tofile(os.path.join(directory, "windows.f32"))
    np.array([0, 1, 0, 1], np.uint8).tofile(os.path.join(directory, "apnea.u8"))
    np.zeros(n, "<u2").tofile(os.path.join(directory, "record.u16"))
    np.zeros(n, np.uint8).tofile(os.path.join(directory, "split.u8"))
    if features:
        files["features"] = "features.f32"
        (np.arange(n * len(features), dtype="<f4").reshape(n, len(features)) / 10).tofile(os.path.join(directory, "features.f32"))
    index = {"format": "hypertiny-apnea-minutes", "version": 2, "count": n, "window": w, "files": files,
             "features": features}
    with open(os.path.join(directory, "index.json"), "w") as f:
        json.dump(index, f)


class LoadTest(unittest.TestCase):
    def test_one_feature_is_a_column_like_several(self):
        for names in (["a"], ["a", "b"]):
            with tempfile.TemporaryDirectory() as d:
                write_apnea_dataset(d, names)
                _, _, splits, got = data.load(d, "apnea")
                f = splits["train"].f
                self.assertEqual(list(got), names)
                self.assertEqual(f.shape, (4, len(names)))
                self.assertAlmostEqual(float(f[1, 0]), 0.1 * len(names), places=6)

    def test_no_features_gives_none(self):
        with tempfile.TemporaryDirectory() as d:
            write_apnea_dataset(d, [])
            _, _, splits, got = data.load(d, "apnea")
            self.assertIsNone(splits["train"].f)
            self.assertEqual(list(got), [])


if __name__ == "__main__":
    unittest.main()
