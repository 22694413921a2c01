import unittest
from dataclasses import replace

from atlas_measure import cli
from atlas_measure import graph as G
from atlas_measure import plan as P

GiB = 2**30


def facts(params=25_000_000, act=1_000_000, macs=4_000_000_000, layers=100):
    return lambda s: P.ModelFacts(params=params, activation_elements=act, macs=macs, layers=layers)


class FakeDevice:
    """attempt(): each point takes `cost(point)` seconds on a virtual clock and has latency
    `latency(point)`; points in `oom` run out of memory."""

    def __init__(self, clock, latency=lambda p: 0.001 * p.batch, cost=lambda p, limit: 1.0, oom=(), overrun=False):
        self.clock, self.latency, self.cost, self.oom, self.overrun = clock, latency, cost, set(oom), overrun
        self.tried = []

    def attempt(self, pt, limit):
        self.tried.append((pt, limit))
        cost = self.cost(pt, limit)
        self.clock.advance(cost if self.overrun else min(cost, limit))
        if pt.batch in self.oom:
            return P.Skipped(pt, "oom", "CUDA out of memory")
        return P.Measured(pt, {}, self.latency(pt))


def kinds(sched, series=None):
    return [(o.point.batch, "ok" if isinstance(o, P.Measured) else o.kind)
            for o in sched.outcomes if series is None or o.point.series == series]


class GridTest(unittest.TestCase):
    def test_sizes(self):
        self.assertEqual(P.parse_size("224"), (224, 224))
        self.assertEqual(P.parse_size("2048x1024"), (2048, 1024))
        self.assertEqual(P.parse_size("1440×1440"), (1440, 1440))
        for bad in ("", "x224", "224x", "8", "224x224x3", "-1"):
            with self.assertRaises(ValueError, msg=bad):
                P.parse_size(bad)

    def test_batches(self):
        self.assertEqual(P.batches_up_to(256), [1, 2, 4, 8, 16, 32, 64, 128, 256])
        self.assertEqual(P.batches_up_to(100), [1, 2, 4, 8, 16, 32, 64])
        self.assertEqual(P.batches_up_to(1), [1])

    def test_series_order_and_validation(self):
        s = P.make_series(["resnet50_v1.5", "yolov3"], [(2048, 1024), (224, 224)], ["fp16", "fp32"], ["eager", "cuda-graph"])
        self.assertEqual(len(s), 2 * 2 * 2 * 2)
        # model, then precision, then execution, then size from small to large
        self.assertEqual(s[0], P.Series("resnet50_v1.5", 224, 224, "fp16", "eager"))
        self.assertEqual(s[1], P.Series("resnet50_v1.5", 2048, 1024, "fp16", "eager"))
        self.assertEqual(s[2], P.Series("resnet50_v1.5", 224, 224, "fp16", "cuda-graph"))
        self.assertEqual(s[4].precision, "fp32")
        self.assertEqual(s[8].model, "yolov3")
        with self.assertRaises(ValueError):
            P.make_series(["resnet50_v1.5"], [(224, 224)], ["int8"])
        with self.assertRaises(ValueError):
            P.make_series(["resnet50_v1.5"], [(224, 224)], ["fp16"], ["compile"])

    def test_default_grid_is_the_issues(self):
        self.assertEqual(P.DEFAULT_SIZES, ((224, 224), (608, 608), (1024, 1024), (1440, 1440), (2048, 1024)))
        self.assertEqual(P.PRECISIONS, ("fp32", "tf32", "fp16", "bf16"))
        self.assertEqual(len(P.make_series(P.DEFAULT_MODELS, P.DEFAULT_SIZES, P.PRECISIONS)), 120)
        self.assertLess(P.Settings().budget_s, 600)


class IterationsTest(unittest.TestCase):
    def test_timed_iterations(self):
        s = P.Settings(window_s=0.6, min_iters=100, floor_iters=20, max_iters=2000)
        self.assertEqual(P.timed_iterations(0.001, 20.0, s), 600)  # the window decides
        self.assertEqual(P.timed_iterations(0.0001, 20.0, s), 2000)  # capped
        self.assertEqual(P.timed_iterations(0.05, 20.0, s), 100)  # at least min_iters
        self.assertEqual(P.timed_iterations(0.5, 20.0, s), 40)  # the point budget allows only 40
        self.assertIsNone(P.timed_iterations(1.5, 20.0, s))  # not even floor_iters fit
        self.assertIsNone(P.timed_iterations(0.001, -1.0, s))

    def test_warmup_iterations(self):
        s = P.Settings(warmup_s=0.2, min_warmup_iters=5, max_warmup_iters=200)
        self.assertEqual(P.warmup_iterations(0.01, s), 20)
        self.assertEqual(P.warmup_iterations(0.5, s), 5)
        self.assertEqual(P.warmup_iterations(0.00001, s), 200)

    def test_memory_lower_bound(self):
        # 25 M fp16 weights + 8 × 10 M activations × 2 bytes
        self.assertEqual(P.memory_lower_bound_bytes(25_000_000, 10_000_000, 8, "fp16"), 2 * (25_000_000 + 80_000_000))
        self.assertEqual(P.memory_lower_bound_bytes(1, 1, 1, "tf32"), 8)


class ScheduleTest(unittest.TestCase):
    def series(self, n=1, **kw):
        sizes = [(224, 224), (608, 608), (1024, 1024), (1440, 1440), (2048, 1024)][:n]
        return P.make_series(["resnet50_v1.5"], sizes, kw.get("precisions", ["fp16"]), kw.get("executions", ["eager"]))

    def test_everything_fits(self):
        clock = P.VirtualClock()
        dev = FakeDevice(clock)
        sched = P.run_schedule(self.series(), facts(), P.Settings(max_batch=16), dev.attempt, clock)
        self.assertEqual(kinds(sched), [(1, "ok"), (2, "ok"), (4, "ok"), (8, "ok"), (16, "ok")])
        self.assertEqual(clock(), 5.0)

    def test_out_of_memory_ends_the_series_and_is_recorded(self):
        clock = P.VirtualClock()
        dev = FakeDevice(clock, oom={32})
        sched = P.run_schedule(self.series(), facts(), P.Settings(max_batch=128), dev.attempt, clock)
        self.assertEqual(kinds(sched)[4:], [(16, "ok"), (32, "oom"), (64, "after-stop"), (128, "after-stop")])
        self.assertEqual(len(sched.measured), 5)
        self.assertNotIn(64, [p.batch for p, _ in dev.tried])
        self.assertIn("batch 32: oom", sched.skipped[-1].reason)

    def test_memory_estimate_skips_without_trying(self):
        clock = P.VirtualClock()
        dev = FakeDevice(clock)
        # fp16: 2 B × (25 M + batch × 100 M) > 2 GiB from batch 11 on.
        s = P.Settings(max_batch=64, memory_bytes=2 * GiB)
        sched = P.run_schedule(self.series(), facts(act=100_000_000), s, dev.attempt, clock)
        self.assertEqual(kinds(sched), [(1, "ok"), (2, "ok"), (4, "ok"), (8, "ok"), (16, "memory-estimate"), (32, "after-stop"), (64, "after-stop")])
        self.assertEqual([p.batch for p, _ in dev.tried], [1, 2, 4, 8])
        self.assertIn("GiB", sched.skipped[0].reason)

    def test_per_point_budget_stops_a_series_by_forecast(self):
        clock = P.VirtualClock()
        # 0.2 s per image: batch 4 is forecast at 0.8 s per call, and 0.5 s setup + (1 priming + 3
        # estimate + 5 warm-up + 20 timed) × 0.8 s = 23.7 s > 20 s; batch 2: 12.1 s.
        dev = FakeDevice(clock, latency=lambda p: 0.2 * p.batch)
        s = P.Settings(max_batch=32, point_budget_s=20.0, budget_s=1000.0)
        sched = P.run_schedule(self.series(), facts(), s, dev.attempt, clock)
        self.assertEqual(kinds(sched), [(1, "ok"), (2, "ok"), (4, "point-budget"), (8, "after-stop"), (16, "after-stop"), (32, "after-stop")])
        self.assertIn("forecast 23.7 s > 20.0 s", sched.skipped[0].reason)
        for _, limit in dev.tried:
            self.assertLessEqual(limit, 20.0)

    def test_time_limit_from_the_device_is_named_after_the_binding_budget(self):
        clock = P.VirtualClock()

        def attempt(pt, limit):
            return P.Skipped(pt, "time-limit", "too slow")

        s = P.Settings(max_batch=1, point_budget_s=5.0, budget_s=100.0)
        sched = P.run_schedule(self.series(), facts(), s, attempt, clock)
        self.assertEqual(sched.skipped[0].kind, "point-budget")
        s = P.Settings(max_batch=1, point_budget_s=50.0, budget_s=10.0)
        sched = P.run_schedule(self.series(), facts(), s, attempt, P.VirtualClock())
        self.assertEqual(sched.skipped[0].kind, "series-share")

    def test_equal_shares_and_rollover(self):
        clock = P.VirtualClock()
        sers = self.series(n=3)
        limits = {}

        def cost(pt, limit):
            limits.setdefault(pt.series, limit)
            # The first series is quick (1 s in total); the others use all they are given.
            return 0.2 if pt.series == sers[0] else limit

        dev = FakeDevice(clock, latency=lambda p: 0.0001, cost=cost)
        s = P.Settings(max_batch=16, budget_s=90.0, point_budget_s=100.0)
        sched = P.run_schedule(sers, facts(), s, dev.attempt, clock)
        self.assertAlmostEqual(limits[sers[0]], 30.0)  # 90 s / 3 series
        # The first used 1 s, so the second gets (90 − 1) / 2 = 44.5 s, all of it at batch 1.
        self.assertAlmostEqual(limits[sers[1]], 44.5)
        self.assertAlmostEqual(limits[sers[2]], 44.5)
        self.assertLessEqual(clock(), 90.0 + 1e-9)
        self.assertEqual(kinds(sched, sers[1])[1], (2, "series-share"))

    def test_global_budget_records_the_rest(self):
        clock = P.VirtualClock()
        # The first point overruns its 5 s share (a slow priming call cannot be interrupted).
        dev = FakeDevice(clock, latency=lambda p: 0.0001, cost=lambda p, limit: 10.0, overrun=True)
        sers = self.series(n=2)
        s = P.Settings(max_batch=4, budget_s=10.0, point_budget_s=100.0)
        sched = P.run_schedule(sers, facts(), s, dev.attempt, clock)
        self.assertEqual(kinds(sched, sers[0]), [(1, "ok"), (2, "global-budget"), (4, "global-budget")])
        self.assertEqual(kinds(sched, sers[1]), [(1, "global-budget"), (2, "global-budget"), (4, "global-budget")])

    def test_unsupported_series_take_no_share(self):
        clock = P.VirtualClock()
        sers = self.series(n=1, executions=["eager", "cuda-graph"])
        limits = []
        dev = FakeDevice(clock, cost=lambda p, limit: limits.append(limit) or 0.0)
        s = P.Settings(max_batch=2, budget_s=60.0, point_budget_s=100.0)
        sched = P.run_schedule(sers, facts(), s, dev.attempt, clock,
                               unsupported=lambda ser: "CUDA graphs need a CUDA device" if ser.execution == "cuda-graph" else None)
        self.assertAlmostEqual(limits[0], 60.0)
        self.assertEqual(kinds(sched, sers[1]), [(1, "unsupported"), (2, "unsupported")])
        self.assertIn("CUDA graphs need a CUDA device", sched.skipped[0].reason)

    def test_precheck_skips_and_stops(self):
        clock = P.VirtualClock()
        dev = FakeDevice(clock)
        pre = lambda pt: P.Skipped(pt, "memory-estimate", "eager ran out of memory at batch 4") if pt.batch >= 4 else None
        sched = P.run_schedule(self.series(), facts(), P.Settings(max_batch=16), dev.attempt, clock, precheck=pre)
        self.assertEqual(kinds(sched), [(1, "ok"), (2, "ok"), (4, "memory-estimate"), (8, "after-stop"), (16, "after-stop")])

    def test_outcomes_are_reported_as_they_happen(self):
        clock = P.VirtualClock()
        seen = []
        P.run_schedule(self.series(), facts(), P.Settings(max_batch=4), FakeDevice(clock).attempt, clock, on_outcome=seen.append)
        self.assertEqual([o.point.batch for o in seen], [1, 2, 4])


class ForecastTest(unittest.TestCase):
    """The dry run: the default grid is planned inside the budget, without PyTorch."""

    def plan(self, settings, sizes=P.DEFAULT_SIZES, precisions=P.PRECISIONS, memory_gib=80):
        graphs = cli.load_checked_graphs(P.DEFAULT_MODELS, sizes)
        series = P.make_series(P.DEFAULT_MODELS, sizes, precisions)
        settings = replace(settings, memory_bytes=int(memory_gib * GiB))
        clock = P.VirtualClock()
        f = cli.facts_for(graphs)
        return series, P.run_schedule(series, f, settings, P.forecast_attempt(f, settings, clock), clock)

    def test_default_run_fits_its_budget_and_reaches_every_series(self):
        series, sched = self.plan(P.Settings())
        self.assertLessEqual(sched.finished_s - sched.started_s, P.Settings().budget_s)
        for ser in series:
            self.assertIn((1, "ok"), kinds(sched, ser), ser.key)
        self.assertEqual(len(sched.outcomes), 120 * 9)

    def test_quick_run_plans_every_point(self):
        s = P.quick_settings(P.Settings())
        series, sched = self.plan(s, sizes=P.QUICK_SIZES, precisions=P.QUICK_PRECISIONS)
        self.assertEqual(len(sched.skipped), 0)
        self.assertLess(sched.finished_s, s.budget_s)

    def test_small_memory_skips_large_batches_of_large_inputs(self):
        _, sched = self.plan(P.Settings(budget_s=100000), sizes=((2048, 1024),), precisions=("fp32",), memory_gib=16)
        mem = [o for o in sched.skipped if o.kind == "memory-estimate"]
        self.assertTrue(mem)
        self.assertTrue(all(o.point.series.width == 2048 for o in mem))

    def test_forecast_latency(self):
        lat = P.forecast_latency_s(4_000_000_000, 8, 100, "fp16", "eager")
        self.assertAlmostEqual(lat, 2 * 4e9 * 8 / 250e12 + 100 * 15e-6)


class SettingsTest(unittest.TestCase):
    def test_validate(self):
        P.Settings().validate()
        for bad in (dict(budget_s=0), dict(max_batch=0), dict(floor_iters=0), dict(min_iters=10, floor_iters=20)):
            with self.assertRaises(ValueError, msg=bad):
                replace(P.Settings(), **bad).validate()

    def test_quick(self):
        q = P.quick_settings(P.Settings())
        self.assertEqual(q.max_batch, 16)
        self.assertLess(q.budget_s, P.Settings().budget_s)
        q.validate()


if __name__ == "__main__":
    unittest.main()
