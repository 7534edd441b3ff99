"""Unit tests of the PyTorch training path's data, batching and config code (no torchrun, a few seconds):

    /tmp/torchenv/bin/python -m unittest discover -s scripts/torch -p 'test_*.py'

Run by Tests/StudioTests/TorchTrainTests.swift where PyTorch is installed.
"""

import io
import os
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from studio_batches import IGNORE, TuneBatches, WindowBatches  # noqa: E402
from studio_config import ConfigError, load_config, parse_duration  # noqa: E402
from studio_data import SplitMix64, split_dataset, split_tunes, vocabulary_of, weighted_copies  # noqa: E402


class SplitMix64Tests(unittest.TestCase):
    def test_first_outputs_match_the_reference_sequence(self):
        # SplitMix64 with seed 0: the published first outputs (also what studio's SplitMix64 gives).
        g = SplitMix64(0)
        self.assertEqual([g.next() for _ in range(3)],
                         [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F])

    def test_bounded_draws_stay_in_range(self):
        g = SplitMix64(7)
        self.assertTrue(all(0 <= g.next_index(5) < 5 for _ in range(1000)))


class TuneSplittingTests(unittest.TestCase):
    def test_tunes_are_normalised_and_split_at_x_lines(self):
        text = "%header\r\nX:1\r\nK:D\t \r\nAB\tc|\n\n\nX:2\rK:G\r\rGA|\n\n"
        self.assertEqual(split_tunes(text), ["X:1\nK:D\nAB c|", "X:2\nK:G\n\nGA|"])

    def test_every_tenth_split_holds_out_tune_9_19(self):
        tunes = ["X:%d" % i for i in range(20)]
        train, validation = split_dataset(tunes, 0.1, 42, "every-tenth")
        self.assertEqual(validation, ["X:9", "X:19"])
        self.assertEqual(len(train), 18)

    def test_vocabulary_is_sorted_code_points_with_newline(self):
        self.assertEqual(vocabulary_of(["ba", "é"]), ["\n", "a", "b", "é"])

    def test_weights_give_whole_and_fractional_copies(self):
        copies = weighted_copies([(["a", "b"], 2.0), (["c", "d", "e", "f"], 0.5)], seed=1)
        self.assertEqual(copies[:4], [(0, 0), (0, 1), (0, 0), (0, 1)])
        self.assertEqual(len(copies), 6)
        self.assertEqual(len({t for s, t in copies if s == 1}), 2)


class TuneBatchTests(unittest.TestCase):
    def test_windows_cover_each_tune_with_a_mask_past_its_end(self):
        tunes = [list(range(1, 11)), list(range(20, 25))]  # 10 tokens: 3 windows of T=4; 5 tokens: 1 window
        batches = TuneBatches(tunes, batch=1, steps=4, seed=3)
        seen = []
        for _ in range(4):
            x, y, reset = batches.next()
            seen.append((x[0].tolist(), y[0].tolist(), bool(reset[0])))
        long_first = seen[0][0][0] == 1
        long = seen[:3] if long_first else seen[1:]
        short = seen[3] if long_first else seen[0]
        self.assertEqual(long[0], ([1, 2, 3, 4], [2, 3, 4, 5], True))
        self.assertEqual(long[1], ([5, 6, 7, 8], [6, 7, 8, 9], False))
        self.assertEqual(long[2], ([9, 10, 0, 0], [10, IGNORE, IGNORE, IGNORE], False))
        self.assertEqual(short, ([20, 21, 22, 23], [21, 22, 23, 24], True))

    def test_rows_take_the_next_tune_of_the_shared_list_and_epochs_reshuffle(self):
        tunes = [[i] * (2 + i % 3) for i in range(7)]
        batches = TuneBatches(tunes, batch=3, steps=2, seed=5)
        started = []
        for _ in range(40):
            x, _, reset = batches.next()
            started += [int(x[b, 0]) for b in range(3) if reset[b]]
        self.assertEqual(sorted(started[:7]), list(range(7)))  # the first epoch: every tune once
        self.assertEqual(sorted(started[7:14]), list(range(7)))
        self.assertNotEqual(started[:7], started[7:14])

    def test_state_restores_the_same_batches(self):
        tunes = [[i] * (3 + i) for i in range(6)]
        a = TuneBatches(tunes, batch=2, steps=3, seed=9)
        for _ in range(5):
            a.next()
        b = TuneBatches(tunes, batch=2, steps=3, seed=9)
        b.restore(a.state())
        for _ in range(10):
            for u, v in zip(a.next(), b.next()):
                np.testing.assert_array_equal(u, v)


class CarriedStateTests(unittest.TestCase):
    def test_windows_with_carried_state_score_each_tune_as_one_pass(self):
        """State carried within a tune and reset between tunes, padding masked: the windows' summed loss is that
        of one pass over each tune from a zero state."""
        import torch
        import torch.nn.functional as F

        from studio_model import CharLSTM
        from train import window_loss

        torch.manual_seed(0)
        model = CharLSTM(12, 5, 7, 2, dropout=0.0).eval()
        tunes = [[int(v) for v in torch.randint(0, 12, (n,))] for n in (23, 9, 17)]
        batches = TuneBatches(tunes, batch=1, steps=6, seed=4)  # one row reads the three tunes one after another
        total, state = 0.0, None
        with torch.no_grad():
            for _ in range(sum(batches.windows_of(i) for i in range(3))):
                x, y, reset = batches.next()
                keep = torch.from_numpy(~reset)
                loss, state = window_loss(model, torch.from_numpy(x), torch.from_numpy(y), state, keep)
                total += float(loss)
            self.assertEqual((batches.position, batches.rows[0][1]), (3, batches.windows_of(batches.rows[0][0])))
            expected = 0.0
            for tune in tunes:
                logits, _ = model(torch.tensor([tune[:-1]]))
                expected += float(F.cross_entropy(logits[0], torch.tensor(tune[1:]), reduction="sum"))
        self.assertAlmostEqual(total, expected, places=3)


class WindowBatchTests(unittest.TestCase):
    def test_targets_are_the_inputs_shifted_by_one(self):
        stream = list(range(100))
        x, y, reset = WindowBatches(stream, batch=8, steps=10, seed=1).next()
        np.testing.assert_array_equal(x + 1, y)
        self.assertTrue(reset.all())
        self.assertTrue((x[:, 0] < 100 - 11).all())

    def test_carried_windows_continue_the_stream(self):
        batches = WindowBatches(list(range(1000)), batch=2, steps=10, seed=1, carry=True)
        x1, _, r1 = batches.next()
        x2, _, r2 = batches.next()
        self.assertTrue(r1.all())
        self.assertFalse(r2.any())
        np.testing.assert_array_equal(x2[:, 0], x1[:, 0] + 10)


class ConfigTests(unittest.TestCase):
    def load(self, text):
        warnings = []
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
            f.write(text)
        try:
            return load_config(f.name, warn=warnings.append), warnings
        finally:
            os.unlink(f.name)

    def test_studio_settings_with_defaults_and_warnings_for_unknown_keys(self):
        config, warnings = self.load(
            "data:\n  corpora:\n    - a.abc\n    - 'b c/'\n  weights: [1, 0.5]  # mix\n"
            "model:\n  hidden: 512\ntraining:\n  batching: windows\n  time_budget: 10m\n  frobnicate: 3\n"
            "generation:\n  temperature: 0.8\n")
        self.assertEqual(config["data"]["corpora"], ["a.abc", "b c/"])
        self.assertEqual(config["data"]["weights"], [1.0, 0.5])
        self.assertEqual(config["model"]["hidden"], 512)
        self.assertEqual(config["model"]["layers"], 2)
        self.assertEqual(config["training"]["batching"], "windows")
        self.assertEqual(parse_duration(config["training"]["time_budget"]), 600)
        self.assertEqual(len(warnings), 1)
        self.assertIn("training.frobnicate", warnings[0])

    def test_wrong_type_names_the_key(self):
        with self.assertRaises(ConfigError) as caught:
            self.load("training:\n  batch_size: many\n")
        self.assertIn("training.batch_size", str(caught.exception))

    def test_bad_yaml_names_the_line(self):
        with self.assertRaises(ConfigError) as caught:
            self.load("model:\n  hidden 512\n")
        self.assertIn(":2:3:", str(caught.exception))

    def test_batching_defaults_to_tunes(self):
        config, _ = self.load("model:\n  hidden: 8\n")
        self.assertEqual(config["training"]["batching"], "tunes")


if __name__ == "__main__":
    unittest.main()
