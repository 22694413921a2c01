"""Synthetic inputs for the tests: a fake environment and fake outcomes (no number here is a
measurement). ``python3 scripts/measure/tests/fixtures.py DIR`` writes a synthetic study folder into
DIR, which test/measure/measure.test.ts then reads with the atlas' own ingest."""
from __future__ import annotations

import os
import sys
from typing import Any, Dict, List

sys.dont_write_bytecode = True
if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from atlas_measure import plan as P  # noqa: E402
from atlas_measure import study as ST  # noqa: E402


def fake_env() -> Dict[str, Any]:
    return {
        "gpu_name": "NVIDIA H100 80GB HBM3",
        "gpu_memory_total_bytes": 85520809984,
        "gpu_compute_capability": "9.0",
        "gpu_multiprocessors": 132,
        "driver_version": "550.54.15",
        "nvml_cuda_driver_version": "12.4",
        "cuda_runtime_version": "12.4",
        "cudnn_version": "9.1.0",
        "torch_version": "2.4.0+cu124",
        "python_version": "3.11.9",
        "os": "Linux-5.15-x86_64",
        "power_limit_w": 700.0,
        "enforced_power_limit_w": 700.0,
        "default_power_limit_w": 700.0,
        "clocks_mhz": {"sm": 1980, "memory": 2619, "graphics": 1980},
        "max_clocks_mhz": {"sm": 1980, "memory": 2619, "graphics": 1980},
        "application_clocks_mhz": {"sm": 1980, "memory": 2619},
        "persistence_mode": True,
        "energy_counter": True,
        "unavailable": [],
    }


def fake_data(batch: int, latency_ms: float, power_w: Any = 400.0, iterations: int = 200) -> Dict[str, Any]:
    thr = batch * 1000.0 / latency_ms
    return {
        "input_width": 224,
        "input_height": 224,
        "mean_ms": latency_ms,
        "median_ms": latency_ms * 0.99,
        "p90_ms": latency_ms * 1.02,
        "p99_ms": latency_ms * 1.08 if iterations >= 100 else None,
        "iterations": iterations,
        "warmup_iterations": 20,
        "window_s": iterations * latency_ms / 1000.0,
        "throughput_img_s": thr,
        "power_w": power_w,
        "power_note": None if power_w else "the window (0.300 s) is shorter than 0.5 s",
        "img_s_per_w": thr / power_w if power_w else None,
        "peak_allocated_mib": 300.0 + 20.0 * batch,
        "peak_reserved_mib": 400.0 + 24.0 * batch,
        "sm_clock_mhz": 1980,
    }


def fake_outcomes() -> List[object]:
    rn50 = P.Series("resnet50_v1.5", 224, 224, "fp16", "eager")
    graph = P.Series("resnet50_v1.5", 224, 224, "fp16", "cuda-graph")
    yolo = P.Series("yolov3", 2048, 1024, "fp32", "eager")
    out: List[object] = []
    for b, lat in ((1, 2.5), (2, 2.6), (4, 2.9), (8, 3.4)):
        out.append(P.Measured(P.Point(rn50, b), fake_data(b, lat), lat / 1000))
    out.append(P.Skipped(P.Point(rn50, 16), "oom", "CUDA out of memory. Tried to allocate 2.00 GiB"))
    out.append(P.Skipped(P.Point(rn50, 32), "after-stop", "batch 16: oom"))
    out.append(P.Measured(P.Point(graph, 1), fake_data(1, 0.9, power_w=None, iterations=60), 0.0009))
    out.append(P.Measured(P.Point(graph, 2), fake_data(2, 1.0), 0.001))
    out.append(P.Skipped(P.Point(graph, 4), "global-budget"))
    out.append(P.Skipped(P.Point(yolo, 1), "point-budget", "forecast 31.0 s > 20.0 s"))
    return out


def fake_run(study_id: str = "test-h100-sxm", **kw: Any) -> ST.RunInfo:
    args: Dict[str, Any] = dict(
        study_id=study_id,
        accelerator="h100-sxm",
        started_utc="2025-06-01T12:00:00Z",
        finished_utc="2025-06-01T12:09:00Z",
        authors=["A. Contributor"],
        seed=0,
        settings=P.Settings(max_batch=32),
        env=fake_env(),
        models=["resnet50_v1.5", "yolov3"],
        sizes=[(224, 224), (2048, 1024)],
        precisions=["fp32", "fp16"],
        executions=["eager", "cuda-graph"],
        params={"resnet50_v1.5": 25557032, "yolov3": 61949149},
        harness_commit="0123456789ab",
    )
    args.update(kw)
    return ST.RunInfo(**args)


def write_fixture_study(parent: str, study_id: str = "test-h100-sxm") -> str:
    study, files = ST.build_study(fake_run(study_id), fake_outcomes())
    out = os.path.join(parent, study_id)
    ST.write_study(out, study, files, comment="Synthetic study written by scripts/measure/tests/fixtures.py (not measurements).")
    return out


if __name__ == "__main__":
    print(write_fixture_study(sys.argv[1]))
