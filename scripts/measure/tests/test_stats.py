import math
import unittest

from atlas_measure import stats as S


class PercentileTest(unittest.TestCase):
    def test_linear_interpolation_between_closest_ranks(self):
        xs = list(range(1, 11))  # 1..10
        self.assertEqual(S.percentile(xs, 0), 1)
        self.assertEqual(S.percentile(xs, 100), 10)
        self.assertAlmostEqual(S.percentile(xs, 50), 5.5)
        self.assertAlmostEqual(S.percentile(xs, 90), 9.1)  # h = 9·0.9 = 8.1 → 9 + 0.1·(10 − 9)
        self.assertAlmostEqual(S.percentile(list(range(1, 101)), 99), 99.01)
        self.assertAlmostEqual(S.percentile([3.0, 1.0, 2.0], 50), 2.0)  # unsorted input
        self.assertEqual(S.percentile([7.5], 99), 7.5)

    def test_matches_numpy_default_on_a_known_case(self):
        # numpy.percentile([15, 20, 35, 40, 50], [40, 90]) == [29.0, 46.0]
        self.assertAlmostEqual(S.percentile([15, 20, 35, 40, 50], 40), 29.0)
        self.assertAlmostEqual(S.percentile([15, 20, 35, 40, 50], 90), 46.0)

    def test_median(self):
        self.assertEqual(S.median([4, 1, 3]), 3)
        self.assertEqual(S.median([4, 1, 3, 2]), 2.5)

    def test_rejects_bad_input(self):
        with self.assertRaises(ValueError):
            S.percentile([], 50)
        with self.assertRaises(ValueError):
            S.percentile([1], 101)


class SummaryTest(unittest.TestCase):
    def test_percentiles_need_enough_samples(self):
        s9 = S.summarize([1.0] * 9)
        self.assertIsNone(s9.p90_ms)
        self.assertIsNone(s9.p99_ms)
        s10 = S.summarize([float(i) for i in range(1, 11)])
        self.assertAlmostEqual(s10.p90_ms, 9.1)
        self.assertIsNone(s10.p99_ms)
        s99 = S.summarize([1.0] * 99)
        self.assertIsNone(s99.p99_ms)
        s100 = S.summarize([float(i) for i in range(1, 101)])
        self.assertAlmostEqual(s100.p99_ms, 99.01)
        self.assertAlmostEqual(s100.mean_ms, 50.5)
        self.assertAlmostEqual(s100.median_ms, 50.5)
        self.assertEqual((s100.min_ms, s100.max_ms, s100.n), (1.0, 100.0, 100))

    def test_slow_calls_move_p99_not_the_median(self):
        xs = [20.0] + [2.0] * 198 + [20.0]
        s = S.summarize(xs)
        self.assertEqual(s.median_ms, 2.0)
        self.assertAlmostEqual(s.p99_ms, 2.0 + 0.01 * 18.0)  # h = 199·0.99 = 197.01, between 2 and 20
        self.assertAlmostEqual(s.mean_ms, 2.18)

    def test_rejects_non_positive_or_non_finite(self):
        for bad in ([], [0.0], [-1.0], [math.nan], [math.inf]):
            with self.assertRaises(ValueError):
                S.summarize(bad)


class ThroughputAndPowerTest(unittest.TestCase):
    def test_throughput(self):
        self.assertAlmostEqual(S.throughput_img_s(64, 100, 2.0), 3200.0)
        with self.assertRaises(ValueError):
            S.throughput_img_s(64, 100, 0.0)

    def test_power_from_energy_counter(self):
        # 350 J over 1.0 s → 350 W.
        p = S.power_from_energy(1_000_000, 1_350_000, 10.0, 11.0)
        self.assertAlmostEqual(p.watts, 350.0)
        self.assertAlmostEqual(p.energy_j, 350.0)
        self.assertIsNone(p.reason)
        self.assertAlmostEqual(S.efficiency_img_s_per_w(7000.0, p.watts), 20.0)

    def test_no_power_when_it_cannot_be_known(self):
        self.assertIn("no energy counter", S.power_from_energy(None, None, 0.0, 1.0).reason)
        self.assertIsNone(S.power_from_energy(5, 5, 0.0, 1.0).watts)
        self.assertIsNone(S.power_from_energy(5, 4, 0.0, 1.0).watts)
        self.assertIsNone(S.power_from_energy(0, 100, 1.0, 1.0).watts)
        short = S.power_from_energy(0, 100_000, 0.0, 0.2)
        self.assertIsNone(short.watts)
        self.assertAlmostEqual(short.energy_j, 100.0)
        self.assertIn("shorter than 0.5 s", short.reason)
        self.assertIsNone(S.efficiency_img_s_per_w(100.0, None))


if __name__ == "__main__":
    unittest.main()
