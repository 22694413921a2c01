"""Command line of the harness (scripts/measure/measure.py); see docs/measure.md."""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, replace
from typing import Any, Callable, Dict, List, Optional, Sequence, TextIO, Tuple

from . import envinfo
from . import graph as G
from . import plan as P
from . import study as ST

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # scripts/measure
REPO = os.path.dirname(os.path.dirname(HERE))

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="measure.py",
        description="Measure ResNet-50 v1.5, ResNeXt101-32x4d and YOLOv3 inference on one GPU and write an atlas study folder.",
        epilog="Example: python3 scripts/measure/measure.py --out data/studies/h100-sxm-pytorch-2025-06-01. See docs/measure.md.",
    )
    p.add_argument("--out", help="study folder to write (its name is the study id; it must not exist or be empty)")
    p.add_argument("--quick", action="store_true", help="a short smoke run: 224x224, fp32 and fp16, batch up to 16, about two minutes")
    p.add_argument("--models", nargs="+", metavar="MODEL", help="resnet50_v1.5 resnext101_32x4d yolov3 (default: all three)")
    p.add_argument("--sizes", nargs="+", metavar="SIZE", help="N or WIDTHxHEIGHT (default: 224 608 1024 1440 2048x1024)")
    p.add_argument("--precisions", nargs="+", metavar="P", help="fp32 tf32 fp16 bf16 (default: all four)")
    p.add_argument("--executions", nargs="+", metavar="E", help="eager cuda-graph (default: both)")
    p.add_argument("--max-batch", type=int, help="largest batch (default 256; batches are 1, 2, 4, ...)")
    p.add_argument("--budget-s", type=float, help="time budget of the measurements in seconds (default 540)")
    p.add_argument("--point-budget-s", type=float, help="time budget of one point in seconds (default 20)")
    p.add_argument("--window-s", type=float, help="timed window per point in seconds (default 0.6)")
    p.add_argument("--accelerator", help="accelerator id for data/accelerators/ (default: derived from the GPU's name)")
    p.add_argument("--author", action="append", help="author of the study (repeatable; default: Inference Scaling Atlas contributors)")
    p.add_argument("--device", default="cuda:0", help="torch device (default cuda:0; 'cpu' is a smoke test, not atlas data)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random weights and inputs (default 0)")
    p.add_argument("--contiguous", action="store_true", help="NCHW tensors instead of channels_last")
    p.add_argument("--record", help="also write a JSON record of the run (environment, settings, every point with its raw latencies) here; keep it outside data/")
    p.add_argument("--dry-run", action="store_true", help="print the planned grid with forecast times and exit; needs no GPU or PyTorch")
    p.add_argument("--memory-gib", type=float, default=80.0, help="device memory assumed by --dry-run (default 80)")
    p.add_argument("--describe", nargs="+", metavar="MODEL SIZE", help="MODEL SIZE [SIZE ...]: print the network's shapes, MACs and parameters at each size, one JSON object per line, and exit")
    return p


def resolve_models(names: Optional[Sequence[str]]) -> List[str]:
    out = []
    for n in names or P.DEFAULT_MODELS:
        m = G.resolve_model_id(n)
        if m is None:
            raise UsageError("unknown model %r (known: %s)" % (n, ", ".join(G.MODEL_IDS)))
        out.append(m)
    return list(dict.fromkeys(out))


def config_from_args(a: argparse.Namespace) -> Tuple[List[str], List[Tuple[int, int]], List[str], List[str], P.Settings]:
    """Models, sizes, precisions, executions and settings: defaults, then --quick, then explicit flags."""
    settings = P.quick_settings(P.Settings()) if a.quick else P.Settings()
    overrides: Dict[str, Any] = {}
    if a.max_batch is not None:
        overrides["max_batch"] = a.max_batch
    if a.budget_s is not None:
        overrides["budget_s"] = a.budget_s
    if a.point_budget_s is not None:
        overrides["point_budget_s"] = a.point_budget_s
    if a.window_s is not None:
        overrides["window_s"] = a.window_s
    settings = replace(settings, **overrides)
    try:
        settings.validate()
        models = resolve_models(a.models)
        sizes = [P.parse_size(s) for s in a.sizes] if a.sizes else list(P.QUICK_SIZES if a.quick else P.DEFAULT_SIZES)
        precisions = list(a.precisions or (P.QUICK_PRECISIONS if a.quick else P.PRECISIONS))
        executions = list(a.executions or P.EXECUTIONS)
        P.make_series(models, sizes, precisions, executions)  # validates the names
    except ValueError as e:
        raise UsageError(str(e)) from None
    return models, sizes, precisions, executions, settings


def load_checked_graphs(models: Sequence[str], sizes: Sequence[Tuple[int, int]]) -> Dict[str, G.Graph]:
    """Loads each network's graph and checks the recomputed shapes, MACs and parameters against the
    simulator's numbers in the file, and that its layers fit every requested size."""
    graphs = {}
    for m in models:
        g = G.load_graph(m)
        problems = G.check_reference(g)
        if problems:
            raise G.GraphError("%s: the harness' reading of the graph differs from the simulator's:\n  %s" % (m, "\n  ".join(problems[:20])))
        for (w, h) in sizes:
            uw, uh, _ = G.model_input(m, w, h)
            G.check_size_independent(g, uw, uh)
        graphs[m] = g
    return graphs


def facts_for(graphs: Dict[str, G.Graph]) -> Callable[[P.Series], P.ModelFacts]:
    cache: Dict[Tuple[str, int, int], P.ModelFacts] = {}

    def facts(s: P.Series) -> P.ModelFacts:
        uw, uh, _ = G.model_input(s.model, s.width, s.height)
        key = (s.model, uw, uh)
        if key not in cache:
            g = graphs[s.model]
            cache[key] = P.ModelFacts(
                params=G.count_params(g),
                activation_elements=G.activation_lower_bound(g, uw, uh),
                macs=G.count_macs(g, uw, uh),
                layers=sum(1 for n in g.nodes if n.op not in ("input", "identity")),
            )
        return cache[key]

    return facts


def utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def harness_commit() -> Optional[str]:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=HERE, capture_output=True, text=True, timeout=10)
        if rev.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--", HERE], cwd=HERE, capture_output=True, text=True, timeout=10)
        return rev.stdout.strip() + ("+modified" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def outcome_line(o: object, t: float) -> str:
    pt = o.point  # type: ignore[attr-defined]
    head = "[%6.1fs] %-44s b=%-4d" % (t, pt.series.key, pt.batch)
    if isinstance(o, P.Measured):
        d = o.data
        if "forecast_latency_s" in d:
            return "%s forecast %.3f ms per batch, %d iterations" % (head, d["forecast_latency_s"] * 1000, d["iterations"])
        power = " %.1f W" % d["power_w"] if d.get("power_w") else ""
        return "%s median %.3f ms, %.1f img/s%s" % (head, d["median_ms"], d["throughput_img_s"], power)
    return "%s skipped: %s" % (head, o.reason)  # type: ignore[attr-defined]


def dry_run(models: List[str], sizes: List[Tuple[int, int]], precisions: List[str], executions: List[str],
            settings: P.Settings, memory_gib: float, out: TextIO) -> int:
    graphs = load_checked_graphs(models, sizes)
    for m, g in graphs.items():
        out.write("%s: %s parameters (checked against the simulator's graph), %d nodes\n" % (m, "{:,}".format(G.count_params(g)), len(g.nodes)))
    series = P.make_series(models, sizes, precisions, executions)
    settings = replace(settings, memory_bytes=int(memory_gib * 2**30))
    clock = P.VirtualClock()
    facts = facts_for(graphs)
    sched = P.run_schedule(series, facts, settings, P.forecast_attempt(facts, settings, clock), clock)
    out.write("\nPlanned grid: %d series, batches %s, budget %.0f s (%.0f s per point), %.1f GiB assumed.\n"
              % (len(series), ", ".join(map(str, P.batches_up_to(settings.max_batch))), settings.budget_s, settings.point_budget_s, memory_gib))
    out.write("Times are forecasts from assumed rates (plan.FORECAST_*), not measurements.\n\n")
    for ser in series:
        outs = [o for o in sched.outcomes if o.point.series == ser]  # type: ignore[attr-defined]
        ok = [o.point.batch for o in outs if isinstance(o, P.Measured)]
        skipped = [o for o in outs if isinstance(o, P.Skipped)]
        first_skip = (" | not planned: %s" % skipped[0].reason + (" (and %d more)" % (len(skipped) - 1) if len(skipped) > 1 else "")) if skipped else ""
        out.write("%-44s batches %s%s\n" % (ser.key, ",".join(map(str, ok)) or "-", first_skip))
    n_ok = len(sched.measured)
    out.write("\n%d of %d points planned; forecast %.0f s of measurement.\n" % (n_ok, len(sched.outcomes), sched.finished_s - sched.started_s))
    return EXIT_OK


def record_json(run: ST.RunInfo, outcomes: Sequence[object]) -> Dict[str, Any]:
    rows = []
    for o in outcomes:
        pt = o.point  # type: ignore[attr-defined]
        row: Dict[str, Any] = {"model": pt.series.model, "width": pt.series.width, "height": pt.series.height,
                               "precision": pt.series.precision, "execution": pt.series.execution, "batch": pt.batch}
        if isinstance(o, P.Measured):
            row.update(status="measured", **{k: v for k, v in o.data.items()})
        else:
            row.update(status="skipped", kind=o.kind, reason=o.reason)  # type: ignore[attr-defined]
        rows.append(row)
    return {
        "format": "atlas-measure-record",
        "version": 1,
        "study_id": run.study_id,
        "accelerator": run.accelerator,
        "started_utc": run.started_utc,
        "finished_utc": run.finished_utc,
        "interrupted": run.interrupted,
        "harness_commit": run.harness_commit,
        "seed": run.seed,
        "settings": asdict(run.settings),
        "environment": run.env,
        "params": run.params,
        "points": rows,
    }


def measure(a: argparse.Namespace, models: List[str], sizes: List[Tuple[int, int]], precisions: List[str],
            executions: List[str], settings: P.Settings, out: TextIO, err: TextIO) -> int:
    if not a.out:
        raise UsageError("--out is required (the study folder to write), unless --dry-run")
    study_dir = os.path.abspath(a.out)
    study_id = os.path.basename(study_dir.rstrip(os.sep))
    if not ST.is_id(study_id):
        raise UsageError("the folder name %r is not a study id: use lower-case letters, digits and dashes, e.g. h100-sxm-pytorch-%s" % (study_id, utc_now()[:10]))
    if ST.is_reserved_study_id(study_id):
        raise UsageError("the folder name %r starts with 'atlas', which is reserved for the atlas's own citation keys: name the study after the card and the date, e.g. h100-sxm-pytorch-%s" % (study_id, utc_now()[:10]))
    if os.path.exists(study_dir) and os.listdir(study_dir):
        raise UsageError("%s exists and is not empty" % a.out)
    if a.accelerator is not None and not ST.is_id(a.accelerator):
        raise UsageError("--accelerator %r is not an id" % a.accelerator)
    graphs = load_checked_graphs(models, sizes)
    try:
        import torch  # noqa: F401 - the harness' only hard dependency for measuring
    except ImportError:
        err.write("PyTorch is not installed for %s. Install it (with CUDA) to measure, or run `npm run measure`, which takes "
                  "$ATLAS_PYTHON or a Python that has it (Debian's python3-torch: /usr/bin/python3); --dry-run works without it.\n" % sys.executable)
        return EXIT_FAIL
    from . import runner as R
    try:
        import pynvml as nvml  # nvidia-ml-py
    except ImportError:
        nvml = None
    device = a.device
    is_cuda = device.startswith("cuda")
    if is_cuda and not torch.cuda.is_available():
        err.write("CUDA is not available to PyTorch (torch %s). Use --device cpu for a smoke test.\n" % torch.__version__)
        return EXIT_FAIL
    index = (torch.device(device).index or 0) if is_cuda else 0
    handle, nvml_note = R.nvml_handle(torch, nvml, index) if is_cuda else (None, "CPU smoke test: no NVML readings")
    env = envinfo.collect(torch, nvml if handle is not None else None, index, handle)
    if not is_cuda:
        env["gpu_name"] = None
    accelerator = a.accelerator or (envinfo.accelerator_id(env.get("gpu_name")) if is_cuda else "cpu")
    if is_cuda:
        settings = replace(settings, memory_bytes=env.get("gpu_memory_total_bytes"))
    started = utc_now()
    out.write("Measuring on %s (%s) as accelerator %s; study %s\n" % (env.get("gpu_name") or device, device, accelerator, study_id))
    if nvml_note:
        out.write("Note: %s\n" % nvml_note)
    runner = R.Runner(torch, nvml, handle, device, graphs, settings, seed=a.seed, channels_last=not a.contiguous)
    problems = runner.verify(sizes)
    if problems:
        err.write("The PyTorch networks differ from the simulator's graphs:\n  %s\n" % "\n  ".join(problems[:20]))
        return EXIT_FAIL
    out.write("PyTorch networks match the simulator's graphs (parameters and every layer's shape at every size).\n")
    series = P.make_series(models, sizes, precisions, executions)
    outcomes: List[object] = []
    t0 = time.perf_counter()

    def on_outcome(o: object) -> None:
        outcomes.append(o)
        out.write(outcome_line(o, time.perf_counter() - t0) + "\n")
        out.flush()

    interrupted = None
    try:
        P.run_schedule(series, facts_for(graphs), settings, runner.attempt, time.perf_counter,
                       unsupported=runner.unsupported, on_outcome=on_outcome, precheck=runner.precheck)
    except KeyboardInterrupt:
        interrupted = "interrupted by the user"
    except R.Aborted as e:
        interrupted = str(e)
    except Exception:
        # Not a point the device could not run (those are recorded as skipped): a bug in the harness.
        err.write("measure.py: the run stopped on an error in the harness, a bug to fix (traceback below); nothing was written.\n")
        raise
    finally:
        runner.release()
    run = ST.RunInfo(
        study_id=study_id,
        accelerator=accelerator,
        started_utc=started,
        finished_utc=utc_now(),
        authors=a.author or [],
        seed=a.seed,
        settings=settings,
        env=env,
        models=models,
        sizes=sizes,
        precisions=precisions,
        executions=executions,
        params={m: G.count_params(g) for m, g in graphs.items()},
        memory_format="contiguous (NCHW)" if a.contiguous else "channels_last",
        device=device,
        harness_commit=harness_commit(),
        interrupted=interrupted,
        extra_notes=([nvml_note] if nvml_note else []) + ([] if is_cuda else ["CPU smoke test of the harness: wall-clock timing, no power or memory; not data for the atlas."]),
    )
    if a.record:
        with open(a.record, "w", encoding="utf-8") as f:
            json.dump(record_json(run, outcomes), f, indent=1)
            f.write("\n")
        out.write("Wrote the run record %s\n" % a.record)
    n_ok = sum(1 for o in outcomes if isinstance(o, P.Measured))
    if n_ok == 0:
        err.write("No point was measured%s; no study folder written.\n" % (" (%s)" % interrupted if interrupted else ""))
        return EXIT_FAIL
    study, files = ST.build_study(run, outcomes)
    ST.write_study(study_dir, study, files, comment="Written by scripts/measure/measure.py (docs/measure.md) on %s." % run.finished_utc)
    out.write("\nWrote %s: %d tables, %d measured points, %d not measured%s.\n" % (a.out, len(files), n_ok, len(outcomes) - n_ok, " (%s)" % interrupted if interrupted else ""))
    acc_file = os.path.join(REPO, "data", "accelerators", accelerator + ".yaml")
    if os.path.isdir(os.path.dirname(acc_file)) and not os.path.exists(acc_file):
        out.write("No data/accelerators/%s.yaml yet: add one (docs/data-format.md) or pass --accelerator with an existing id, or the build will refuse the study.\n" % accelerator)
    return EXIT_OK if not interrupted else EXIT_FAIL


def main(argv: Optional[Sequence[str]] = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    a = parser().parse_args(argv)
    try:
        if a.describe:
            model = G.resolve_model_id(a.describe[0])
            if model is None or len(a.describe) < 2:
                raise UsageError("--describe needs a model (%s) and at least one size" % ", ".join(G.MODEL_IDS))
            g = G.load_graph(model)
            for size in a.describe[1:]:
                w, h = P.parse_size(size)
                uw, uh, _ = G.model_input(model, w, h)
                out.write(json.dumps(G.describe(g, uw, uh)) + "\n")
            return EXIT_OK
        models, sizes, precisions, executions, settings = config_from_args(a)
        if a.dry_run:
            return dry_run(models, sizes, precisions, executions, settings, a.memory_gib, out)
        return measure(a, models, sizes, precisions, executions, settings, out, err)
    except UsageError as e:
        err.write("measure.py: %s\n" % e)
        return EXIT_USAGE
    except (G.GraphError, ValueError) as e:
        err.write("measure.py: %s\n" % e)
        return EXIT_FAIL
