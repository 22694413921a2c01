import csv
import io
import json
import os
import re
import tempfile
import unittest

from atlas_measure import plan as P
from atlas_measure import study as ST

from .fixtures import fake_outcomes, fake_run

# Canonical fields and units of docs/data-format.md (src/pipeline/schema.ts FIELD_UNITS).
FIELD_UNITS = {
    "batch_size": ["images"], "latency_ms": ["ms", "s", "us", "ns"], "latency_p50_ms": ["ms", "s", "us", "ns"],
    "latency_p90_ms": ["ms", "s", "us", "ns"], "latency_p95_ms": ["ms", "s", "us", "ns"], "latency_p99_ms": ["ms", "s", "us", "ns"],
    "throughput_img_s": ["img/s", "samples/s"], "run_time_s": ["s", "ms"], "power_w": ["W"], "img_s_per_w": ["img/s/W"],
    "utilization_pct": ["%"], "memory_used_mb": ["MB", "MiB", "GB"], "memory_total_mb": ["MB", "MiB", "GB"],
    "price_usd_per_hour": ["USD/h"], "cost_usd_total": ["USD"], "cost_usd_per_1000_img": ["USD/1000 img"],
    "label": ["text"], "text": ["text"],
}
STUDY_KEYS = ["id", "title", "authors", "year", "url", "citation", "cite", "license", "summary", "method", "caveats",
              "references_studies", "tables", "claims", "notes"]
TABLE_KEYS = ["file", "title", "source", "source_url", "series", "accelerator", "devices", "model", "input", "precision",
              "framework", "execution", "images_per_run", "images_per_run_source", "price_usd_per_hour", "price_source",
              "columns", "corrections", "notes"]
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def parse_subset(text):
    """An independent reader of the block YAML subset study.write emits (strings in JSON quotes)."""
    lines = [(len(l) - len(l.lstrip(" ")), l.strip()) for l in text.split("\n") if l.strip() and not l.lstrip().startswith("#")]
    pos = 0

    def scalar(s):
        return json.loads(s) if s not in ("[]", "{}") else ([] if s == "[]" else {})

    def block(indent):
        nonlocal pos
        if lines[pos][1].startswith("- "):
            out = []
            while pos < len(lines) and lines[pos][0] == indent and lines[pos][1].startswith("- "):
                rest = lines[pos][1][2:]
                if re.match(r'^[a-z_]+:', rest):
                    lines[pos] = (indent + 2, rest)
                    out.append(block(indent + 2))
                else:
                    out.append(scalar(rest))
                    pos += 1
            return out
        out = {}
        while pos < len(lines) and lines[pos][0] == indent and not lines[pos][1].startswith("- "):
            key, _, rest = lines[pos][1].partition(":")
            rest = rest.strip()
            pos += 1
            out[key] = scalar(rest) if rest else block(lines[pos][0])
        return out

    return block(0)


class YamlTest(unittest.TestCase):
    def test_scalars(self):
        self.assertEqual(ST.yaml_scalar(None), "null")
        self.assertEqual(ST.yaml_scalar(True), "true")
        self.assertEqual(ST.yaml_scalar(3), "3")
        self.assertEqual(ST.yaml_scalar(0.6), "0.6")
        self.assertEqual(ST.yaml_scalar("a: b # c"), '"a: b # c"')
        self.assertEqual(ST.yaml_scalar('say "hi"\\'), '"say \\"hi\\"\\\\"')
        self.assertEqual(ST.yaml_scalar("224×224 …"), '"224×224 …"')
        self.assertEqual(ST.yaml_scalar("tab\tnew\nline"), '"tab\\tnew\\nline"')
        self.assertEqual(ST.yaml_scalar("nel\u0085del\u007fls\u2028"), '"nel\\u0085del\\u007fls\\u2028"')
        with self.assertRaises(ValueError):
            ST.yaml_scalar(float("nan"))
        with self.assertRaises(TypeError):
            ST.yaml_scalar(object())

    def test_document_shape(self):
        doc = {"id": "x", "n": 2, "empty": [], "map": {"a": True, "b": None}, "list": ["s", 1],
               "tables": [{"file": "t.csv", "columns": [{"name": "A", "field": "batch_size"}], "input": {"width": 1}}]}
        text = ST.to_yaml(doc, comment="hello\nworld")
        self.assertEqual(text, "\n".join([
            "# hello", "# world",
            'id: "x"', "n: 2", "empty: []", "map:", "  a: true", "  b: null", "list:", '  - "s"', "  - 1",
            "tables:", '  - file: "t.csv"', "    columns:", '      - name: "A"', '        field: "batch_size"',
            "    input:", "      width: 1", ""]))
        self.assertEqual(parse_subset(text), doc)

    def test_keys_that_are_not_plain_are_quoted(self):
        self.assertEqual(ST.to_yaml({"Odd key": 1}), '"Odd key": 1\n')


class NumbersAndCsvTest(unittest.TestCase):
    def test_format_number(self):
        self.assertEqual(ST.format_number(1234.5678, 2), "1234.57")
        self.assertEqual(ST.format_number(2.5, 4), "2.5000")
        self.assertEqual(ST.format_number(0.033333, 4), "0.03333")  # four significant digits kept
        self.assertEqual(ST.format_number(0.0000123456, 4), "0.00001235")
        self.assertEqual(ST.format_number(None, 2), "")
        self.assertEqual(ST.format_number(-0.0, 1), "0.0")
        with self.assertRaises(ValueError):
            ST.format_number(float("inf"), 1)

    def test_csv_text(self):
        text = ST.csv_text(["Batch size", "Note"], [["1", "a, b"], ["2", ""]])
        self.assertEqual(text, 'Batch size,Note\n1,"a, b"\n2,\n')
        with self.assertRaises(ValueError):
            ST.csv_text(["a"], [["1", "2"]])


class IdsTest(unittest.TestCase):
    def test_series_ids_are_ids_and_unique(self):
        a = P.Series("resnext101_32x4d", 2048, 1024, "fp32", "cuda-graph")
        self.assertEqual(ST.series_id("h100-sxm-pytorch-2025-06", a), "h100-sxm-pytorch-2025-06-rnx101-2048x1024-fp32-cudagraph")
        self.assertEqual(ST.table_file(a), "rnx101-2048x1024-fp32-cudagraph.csv")
        long_id = "a-very-long-study-identifier-that-a-contributor-chose-2025"
        sid = ST.series_id(long_id, a)
        self.assertLessEqual(len("sim-" + sid), 64)  # the simulator's twin series stays an id
        self.assertTrue(ID.match(sid))
        self.assertNotEqual(sid, ST.series_id(long_id + "x", a))
        ids = {ST.series_id("s", P.Series(m, w, h, p, e)) for m in ST.MODEL_SHORT for (w, h) in P.DEFAULT_SIZES
               for p in P.PRECISIONS for e in P.EXECUTIONS}
        self.assertEqual(len(ids), 120)

    def test_is_id(self):
        self.assertTrue(ST.is_id("h100-sxm-pytorch-2025-06-01"))
        for bad in ("Atlas", "-x", "a_b", "a" * 65, ""):
            self.assertFalse(ST.is_id(bad), bad)

    def test_reserved_study_ids(self):
        for reserved in ("atlas", "atlas-h100-sxm-2025-06"):
            self.assertTrue(ST.is_reserved_study_id(reserved), reserved)
        for free in ("atlases-of-gpus", "h100-atlas-2025", "h200-pytorch-2026-12-224"):
            self.assertFalse(ST.is_reserved_study_id(free), free)


class BuildStudyTest(unittest.TestCase):
    def setUp(self):
        self.run = fake_run()
        self.study, self.files = ST.build_study(self.run, fake_outcomes())

    def test_top_level_follows_the_contract(self):
        s = self.study
        self.assertTrue(set(s) <= set(STUDY_KEYS), set(s) - set(STUDY_KEYS))
        self.assertEqual([k for k in STUDY_KEYS if k in s], list(s))  # the contract's order
        self.assertEqual(s["id"], "test-h100-sxm")
        self.assertEqual(s["year"], 2025)
        self.assertEqual(s["license"]["redistribution"], "allowed")
        self.assertLessEqual(len(s["method"]), 4000)
        self.assertLessEqual(len(s["summary"]), 2000)
        # The batch range is the one measured, not the one planned.
        largest = max(o.point.batch for o in fake_outcomes() if isinstance(o, P.Measured))
        self.assertIn("batch 1 to %d," % largest, s["summary"])
        # Cited as a data set the atlas publishes, dated by the run (not as an unpublished manuscript).
        self.assertEqual(s["cite"], {"type": "dataset", "date": self.run.started_utc[:10], "publisher": "Inference Scaling Atlas",
                                     "genre": "Measurements made with the atlas harness"})
        self.assertLessEqual(len(s["notes"]), 50)
        for text in s["notes"] + s["caveats"]:
            self.assertTrue(0 < len(text) <= 2000)

    def test_method_says_what_was_measured_and_how(self):
        m = self.study["method"]
        for phrase in ("torch.cuda.Event(enable_timing=True)", "warm-up", "at least 100", "nvmlDeviceGetTotalEnergyConsumption",
                       "torch.backends.cuda.matmul.allow_tf32 = False", "torch.backends.cudnn.allow_tf32 = False",
                       "torch.backends.cudnn.benchmark = True", "torch.cuda.graph", "CUDAGraph", "replay()",
                       "torch.cuda.max_memory_allocated()", "25,557,032", "61,949,149", "torch.manual_seed(0)",
                       "Time budget 540 s", "commit 0123456789ab"):
            self.assertIn(phrase, m)

    def test_method_fits_with_long_inputs(self):
        run = fake_run(models=["resnet50_v1.5", "resnext101_32x4d", "yolov3"],
                       params={"resnet50_v1.5": 25557032, "resnext101_32x4d": 44177704, "yolov3": 61949149},
                       harness_commit="0123456789ab+modified", env=dict(fake_run().env, gpu_name="X" * 200))
        self.assertLessEqual(len(ST.method_text(run)), 4000)
        cpu = ST.method_text(fake_run(device="cpu"))
        self.assertTrue(cpu.startswith("CPU SMOKE TEST"))

    def test_environment_is_in_the_notes(self):
        notes = " ".join(self.study["notes"])
        for phrase in ("NVIDIA H100 80GB HBM3", "driver 550.54.15", "PyTorch 2.4.0+cu124", "CUDA runtime 12.4", "cuDNN 9.1.0",
                       "700 W", "sm 1980 MHz", "memory 2619 MHz"):
            self.assertIn(phrase, notes)

    def test_one_table_per_series_with_a_measured_point(self):
        tables = self.study["tables"]
        self.assertEqual([t["file"] for t in tables], ["rn50-224x224-fp16-eager.csv", "rn50-224x224-fp16-cudagraph.csv"])
        self.assertEqual(sorted(self.files), sorted(t["file"] for t in tables))
        # The YOLOv3 series has no measured point: listed in the study notes, no table.
        self.assertTrue(any("yolov3 2048x1024 fp32 eager (batch 1: would exceed the per-point time budget" in n for n in self.study["notes"]))

    def test_tables_follow_the_contract(self):
        for t in self.study["tables"]:
            self.assertEqual([k for k in TABLE_KEYS if k in t], list(t))
            self.assertTrue(ID.match(t["series"]) and len(t["series"]) <= 60)
            self.assertEqual(t["accelerator"], "h100-sxm")
            self.assertIn(t["precision"], ("fp32", "tf32", "fp16", "mixed-fp16", "bf16", "int8", "unknown"))
            self.assertEqual(t["input"], {"width": 224, "height": 224, "stated": True})
            self.assertEqual(t["framework"], "PyTorch 2.4.0+cu124 (CUDA 12.4, cuDNN 9.1.0)")
            self.assertLessEqual(len(t["framework"]), 200)
            self.assertLessEqual(len(t["execution"]), 200)
            fields = [c["field"] for c in t["columns"] if c["field"] != "text"]
            self.assertEqual(len(fields), len(set(fields)))
            for c in t["columns"]:
                self.assertIn(c["unit"], FIELD_UNITS[c["field"]])
                self.assertTrue(set(c) <= {"name", "field", "unit", "suffix", "allow_note"})

    def test_csv_matches_the_columns_and_the_cell_rules(self):
        t = self.study["tables"][0]
        rows = list(csv.reader(io.StringIO(self.files[t["file"]])))
        self.assertEqual(rows[0], [c["name"] for c in t["columns"]])
        self.assertEqual([r[0] for r in rows[1:]], ["1", "2", "4", "8"])
        self.assertTrue(self.files[t["file"]].endswith("\n") and "\r" not in self.files[t["file"]])
        for r in rows[1:]:
            self.assertEqual(len(r), len(rows[0]))
            for cell, col in zip(r, t["columns"]):
                if col["field"] != "text" and cell:
                    self.assertTrue(NUMBER.match(cell), (col["name"], cell))
                    if col["field"] != "memory_used_mb":
                        self.assertGreater(float(cell), 0)
        row = dict(zip(rows[0], rows[2]))  # batch 2 at 2.6 ms
        self.assertEqual(row["Throughput"], "769.23")
        self.assertEqual(row["Mean latency"], "2.6000")
        self.assertEqual(row["Average board power"], "400.0")
        self.assertEqual(row["Energy efficiency"], "1.9231")
        self.assertEqual(row["Timed iterations"], "200")

    def test_missing_values_are_empty_cells_with_a_note(self):
        t = self.study["tables"][1]
        rows = list(csv.reader(io.StringIO(self.files[t["file"]])))
        first = dict(zip(rows[0], rows[1]))  # 60 iterations, no power
        self.assertEqual(first["p99 latency"], "")
        self.assertEqual(first["Average board power"], "")
        self.assertEqual(first["Energy efficiency"], "")
        notes = " ".join(t["notes"])
        self.assertIn("p99 left empty", notes)
        self.assertIn("Power left empty where the window (0.300 s) is shorter than 0.5 s", notes)
        self.assertIn("Not measured: batch 4 (the run's time budget was used up).", t["notes"])

    def test_skipped_points_are_notes_not_rows(self):
        t = self.study["tables"][0]
        self.assertIn("Not measured: batch 16 (ran out of device memory when tried: CUDA out of memory. Tried to allocate 2.00 GiB).", t["notes"])
        self.assertIn("Not measured: batch 32 (not tried: a smaller batch of this series stopped the series: batch 16: oom).", t["notes"])

    def test_letterboxed_input_is_recorded(self):
        ser = P.Series("yolov3", 1920, 1080, "fp16", "eager")
        data = dict(fake_outcomes()[0].data, input_width=1920, input_height=1088)
        study, _ = ST.build_study(fake_run(), [P.Measured(P.Point(ser, 1), data, 0.01)])
        t = study["tables"][0]
        self.assertEqual(t["input"], {"width": 1920, "height": 1088, "stated": True})
        self.assertIn("letterboxed", t["notes"][0])

    def test_bad_ids_are_refused(self):
        with self.assertRaises(ValueError):
            ST.build_study(fake_run(study_id="Bad Id"), [])
        with self.assertRaises(ValueError):
            ST.build_study(fake_run(accelerator="H100"), [])

    def test_an_interrupted_run_says_so(self):
        study, files = ST.build_study(fake_run(interrupted="interrupted by the user"), fake_outcomes())
        self.assertTrue(any("cut short: interrupted by the user" in n for n in study["notes"]))

    def test_many_empty_series_are_chunked(self):
        outs = [P.Skipped(P.Point(P.Series("yolov3", 2048, 1024, "fp32", "eager"), b), "global-budget") for b in (1, 2)]
        outs += [P.Skipped(P.Point(P.Series("resnet50_v1.5", w, w, p, e), 1), "global-budget")
                 for w in range(100, 400) for p in ("fp32", "fp16") for e in P.EXECUTIONS]
        study, files = ST.build_study(fake_run(), outs)
        self.assertEqual(files, {})
        self.assertEqual(study["tables"], [])
        self.assertLessEqual(len(study["notes"]), 50)
        self.assertTrue(all(len(n) <= 2000 for n in study["notes"]))


class WriteStudyTest(unittest.TestCase):
    def test_writes_yaml_and_csv_and_refuses_to_overwrite(self):
        study, files = ST.build_study(fake_run(), fake_outcomes())
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "test-h100-sxm")
            written = ST.write_study(out, study, files, comment="test")
            self.assertEqual(sorted(os.listdir(out)), sorted(list(files) + ["study.yaml"]))
            self.assertEqual(len(written), 3)
            with open(os.path.join(out, "study.yaml"), encoding="utf-8") as f:
                text = f.read()
            self.assertTrue(text.startswith("# test\nid: "))
            self.assertEqual(parse_subset(text), study)
            with open(os.path.join(out, files and sorted(files)[0]), "rb") as f:
                self.assertNotIn(b"\r", f.read())
            with self.assertRaises(FileExistsError):
                ST.write_study(out, study, files)


if __name__ == "__main__":
    unittest.main()
