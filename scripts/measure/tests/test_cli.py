import io
import json
import os
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

from atlas_measure import cli
from atlas_measure import plan as P

from .fixtures import fake_outcomes, fake_run

MEASURE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "measure.py")


def run_main(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


class DryRunTest(unittest.TestCase):
    def test_quick_dry_run_prints_the_grid(self):
        code, out, err = run_main("--dry-run", "--quick")
        self.assertEqual(code, 0, err)
        self.assertIn("resnet50_v1.5: 25,557,032 parameters (checked against the simulator's graph)", out)
        self.assertIn("resnext101_32x4d: 44,177,704 parameters", out)
        self.assertIn("yolov3: 61,949,149 parameters", out)
        self.assertIn("Planned grid: 12 series, batches 1, 2, 4, 8, 16", out)
        self.assertIn("yolov3 224x224 fp16 cuda-graph", out)
        self.assertIn("60 of 60 points planned", out)
        self.assertIn("not measurements", out)

    def test_default_dry_run_stays_in_budget(self):
        code, out, _ = run_main("--dry-run")
        self.assertEqual(code, 0)
        self.assertIn("Planned grid: 120 series, batches 1, 2, 4, 8, 16, 32, 64, 128, 256, budget 540 s", out)
        forecast = float(out.strip().splitlines()[-1].split("forecast ")[1].split(" s")[0])
        self.assertLessEqual(forecast, 540)

    def test_flags_override_quick(self):
        code, out, _ = run_main("--dry-run", "--quick", "--models", "resnet50", "--sizes", "2048x1024", "--precisions", "bf16",
                                "--executions", "eager", "--max-batch", "4", "--budget-s", "60")
        self.assertEqual(code, 0)
        self.assertIn("Planned grid: 1 series, batches 1, 2, 4, budget 60 s", out)
        self.assertIn("resnet50_v1.5 2048x1024 bf16 eager", out)

    def test_usage_errors(self):
        for argv, msg in ((["--dry-run", "--models", "vgg16"], "unknown model"),
                          (["--dry-run", "--sizes", "abc"], "not N or WIDTHxHEIGHT"),
                          (["--dry-run", "--precisions", "int8"], "unknown precision"),
                          (["--dry-run", "--max-batch", "0"], "max-batch"),
                          ([], "--out is required"),
                          (["--out", "/tmp/Not An Id"], "not a study id"),
                          (["--out", "/tmp/atlas-h100-sxm-2025-06"], "reserved for the atlas's own citation keys")):
            code, _, err = run_main(*argv)
            self.assertEqual(code, 2, argv)
            self.assertIn(msg, err)

    def test_out_must_be_empty(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "h100-x")
            os.makedirs(out)
            open(os.path.join(out, "keep"), "w").close()
            code, _, err = run_main("--out", out)
            self.assertEqual(code, 2)
            self.assertIn("not empty", err)

    def test_describe_prints_json_lines(self):
        code, out, _ = run_main("--describe", "yolov3", "1920x1080", "416")
        self.assertEqual(code, 0)
        first, second = [json.loads(line) for line in out.strip().split("\n")]
        self.assertEqual(first["input"], [3, 1088, 1920])  # letterboxed like the simulator
        self.assertEqual(first["params"], 61_949_149)
        self.assertEqual(second["macs"], 32_932_037_632)
        self.assertEqual(run_main("--describe", "yolov3")[0], 2)


class NoTorchTest(unittest.TestCase):
    def test_dry_run_and_tests_do_not_import_torch(self):
        code = ("import sys; sys.dont_write_bytecode = True; sys.path.insert(0, %r); "
                "from atlas_measure import cli, graph, plan, stats, study, envinfo, torchnet, runner; "
                "import io; cli.main(['--dry-run', '--quick'], out=io.StringIO()); print('torch' in sys.modules)") % os.path.dirname(MEASURE)
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "False")

    def test_entry_point_runs(self):
        r = subprocess.run([sys.executable, MEASURE, "--dry-run", "--quick", "--models", "resnet50"], capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Planned grid: 4 series", r.stdout)

    def test_measuring_without_torch_says_what_to_do(self):
        # torch hidden (None in sys.modules makes `import torch` fail) where it is installed.
        with tempfile.TemporaryDirectory() as d, mock.patch.dict(sys.modules, {"torch": None}):
            code, _, err = run_main("--out", os.path.join(d, "h100-x"), "--quick")
            self.assertEqual(code, 1)
            self.assertIn("PyTorch is not installed", err)
            self.assertFalse(os.path.exists(os.path.join(d, "h100-x")))


class RecordTest(unittest.TestCase):
    def test_record_lists_every_point(self):
        rec = cli.record_json(fake_run(), fake_outcomes())
        self.assertEqual(rec["format"], "atlas-measure-record")
        self.assertEqual(len(rec["points"]), len(fake_outcomes()))
        self.assertEqual(rec["points"][0]["status"], "measured")
        self.assertEqual(rec["points"][4]["kind"], "oom")
        self.assertEqual(rec["settings"]["budget_s"], P.Settings().budget_s)
        json.dumps(rec)  # serialisable

    def test_outcome_lines(self):
        m, s = fake_outcomes()[0], fake_outcomes()[4]
        self.assertIn("median 2.475 ms, 400.0 img/s 400.0 W", cli.outcome_line(m, 1.0))
        self.assertIn("skipped: ran out of device memory", cli.outcome_line(s, 1.0))


if __name__ == "__main__":
    unittest.main()
