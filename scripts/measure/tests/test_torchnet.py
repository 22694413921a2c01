"""The PyTorch networks against the simulator's graphs. Runs only where PyTorch is installed (the GPU
machine, or a machine with a CPU build); everywhere else it is skipped."""
import unittest

from atlas_measure import graph as G

try:
    import torch
except ImportError:  # the tests above cover everything that does not need torch
    torch = None

PARAMS = {"resnet50_v1.5": 25_557_032, "resnext101_32x4d": 44_177_704, "yolov3": 61_949_149}


@unittest.skipIf(torch is None, "PyTorch is not installed")
class TorchNetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        from atlas_measure import torchnet

        cls.T = torchnet
        cls.nets = {}
        for m in G.MODEL_IDS:
            torch.manual_seed(0)
            cls.nets[m] = (G.load_graph(m), torchnet.build(G.load_graph(m)).eval())

    def test_parameter_counts_equal_the_simulators(self):
        for m, (g, net) in self.nets.items():
            self.assertEqual(self.T.param_count(net), PARAMS[m], m)

    def test_every_node_shape_at_the_reference_and_another_size(self):
        for m, (g, net) in self.nets.items():
            w, h = g.reference_size
            self.assertEqual(self.T.check_module(g, net, torch.randn(1, 3, h, w)), [], m)
            self.assertEqual(self.T.check_module(g, net, torch.randn(1, 3, 64, 96)), [], m)

    def test_forward_with_inplace_adds_and_released_tensors_equals_a_plain_forward(self):
        for m in ("resnet50_v1.5", "yolov3"):
            g, net = self.nets[m]
            x = torch.randn(2, 3, 64, 96)
            with torch.inference_mode():
                outs = net(x)
                outs = outs if isinstance(outs, tuple) else (outs,)
                vals = [x]
                for nid, op, key, ins, act, _, _ in net.plan[1:]:
                    if key:
                        y = net.layers[key](vals[ins[0]])
                    elif op == "add":
                        y = sum(vals[i] for i in ins)
                        y = torch.relu(y) if act == "relu" else torch.nn.functional.leaky_relu(y, 0.1) if act == "leaky" else y
                    elif op == "concat":
                        y = torch.cat([vals[i] for i in ins], 1)
                    else:
                        y = vals[ins[0]]
                    vals.append(y)
            for a, o in zip(outs, g.outputs):
                self.assertTrue(torch.equal(a, vals[o]), m)
            shapes = G.infer_shapes(g, 96, 64)
            # The classifier's output is N × classes; YOLO's heads are N × C × H × W.
            expected = [(2, shapes[o][0]) if g.nodes[o].op == "linear" else (2,) + shapes[o] for o in g.outputs]
            self.assertEqual([tuple(a.shape) for a in outs], expected)

    def test_runner_measures_a_point_on_the_cpu(self):
        from atlas_measure import plan as P
        from atlas_measure import runner as R

        settings = P.Settings(window_s=0.05, warmup_s=0.01, min_warmup_iters=1, estimate_iters=1, min_iters=3, floor_iters=2, max_iters=5)
        graphs = {"resnet50_v1.5": self.nets["resnet50_v1.5"][0]}
        runner = R.Runner(torch, None, None, "cpu", graphs, settings)
        self.assertEqual(runner.verify([(64, 48)]), [])
        pt = P.Point(P.Series("resnet50_v1.5", 64, 48, "fp32", "eager"), 2)
        m = runner.attempt(pt, 30.0)
        self.assertIsInstance(m, P.Measured, getattr(m, "reason", ""))
        self.assertEqual((m.data["input_width"], m.data["input_height"]), (64, 48))
        self.assertTrue(2 <= m.data["iterations"] <= 5)
        self.assertEqual(len(m.data["latencies_ms"]), m.data["iterations"])
        self.assertIsNone(m.data["power_w"])
        self.assertGreater(m.data["throughput_img_s"], 0)
        self.assertAlmostEqual(m.latency_s, m.data["mean_ms"] / 1000)
        # Not even two calls fit in a millisecond: the point is refused, not measured.
        short = runner.attempt(pt, 0.001)
        self.assertIsInstance(short, P.Skipped)
        self.assertEqual(short.kind, "time-limit")

    def test_command_line_writes_a_study_from_a_cpu_smoke_run(self):
        import io
        import os
        import tempfile

        from atlas_measure import cli

        with tempfile.TemporaryDirectory() as d:
            out_dir = os.path.join(d, "cpu-smoke")
            record = os.path.join(d, "run.json")
            out, err = io.StringIO(), io.StringIO()
            code = cli.main(["--out", out_dir, "--device", "cpu", "--quick", "--contiguous", "--models", "resnet50", "--sizes", "32", "--precisions", "fp32",
                             "--executions", "eager", "cuda-graph", "--max-batch", "2", "--budget-s", "60", "--window-s", "0.05",
                             # A point budget that a loaded machine's forecast for batch 2 cannot exceed.
                             "--point-budget-s", "30", "--record", record], out=out, err=err)
            self.assertEqual(code, 0, err.getvalue())
            self.assertEqual(sorted(os.listdir(out_dir)), ["rn50-32x32-fp32-eager.csv", "study.yaml"])
            with open(os.path.join(out_dir, "study.yaml"), encoding="utf-8") as f:
                text = f.read()
            self.assertIn('accelerator: "cpu"', text)
            self.assertIn("CPU SMOKE TEST", text)
            self.assertIn("CUDA graphs need a CUDA device", text)
            with open(os.path.join(out_dir, "rn50-32x32-fp32-eager.csv"), encoding="utf-8") as f:
                self.assertEqual([line.split(",")[0] for line in f.read().splitlines()], ["Batch size", "1", "2"], out.getvalue())
            self.assertTrue(os.path.exists(record))
            self.assertIn("PyTorch networks match the simulator's graphs", out.getvalue())

    def test_a_harness_bug_stops_the_run_instead_of_passing_as_a_skipped_point(self):
        import io
        import os
        import tempfile
        from unittest import mock

        from atlas_measure import cli
        from atlas_measure import runner as R

        with tempfile.TemporaryDirectory() as d, mock.patch.object(R.Runner, "time_calls", side_effect=TypeError("a bug")):
            out_dir = os.path.join(d, "cpu-bug")
            out, err = io.StringIO(), io.StringIO()
            with self.assertRaisesRegex(TypeError, "a bug"):
                cli.main(["--out", out_dir, "--device", "cpu", "--quick", "--models", "resnet50", "--sizes", "32", "--precisions", "fp32",
                          "--executions", "eager", "--max-batch", "1"], out=out, err=err)
            self.assertIn("error in the harness", err.getvalue())
            self.assertNotIn("skipped", out.getvalue())
            self.assertFalse(os.path.exists(out_dir) and os.listdir(out_dir))

    def test_module_names_follow_the_graph(self):
        g, net = self.nets["resnet50_v1.5"]
        self.assertIn("layer1_0_downsample_0", net.layers)
        self.assertIsInstance(net.layers["layer1_0_conv1"][1], torch.nn.BatchNorm2d)
        g, net = self.nets["yolov3"]
        self.assertIsInstance(net.layers["L0"][2], torch.nn.LeakyReLU)
        self.assertEqual(net.layers["L0"][2].negative_slope, 0.1)
        self.assertTrue(net.layers["L81"][0].bias is not None)


if __name__ == "__main__":
    unittest.main()
