"""A run's results as a study folder in the atlas' data contract (docs/data-format.md): study.yaml plus
one CSV per series (model × input size × precision × execution), so the normal build ingests it.

study.yaml is written by a small emitter: block-style YAML whose strings are all double-quoted with
JSON escapes (valid YAML 1.2), so no YAML library is needed on the GPU machine.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from . import envinfo
from .plan import Measured, Series, Settings, Skipped

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_ID = 64
# The simulator names each measured series' twin `sim-<series>`; keeping ours to 60 keeps that an id too.
MAX_SERIES_ID = MAX_ID - len("sim-")

MODEL_TITLES = {"resnet50_v1.5": "ResNet-50 v1.5", "resnext101_32x4d": "ResNeXt101-32x4d", "yolov3": "YOLOv3"}
MODEL_SHORT = {"resnet50_v1.5": "rn50", "resnext101_32x4d": "rnx101", "yolov3": "yolov3"}
PRECISION_TITLES = {"fp32": "FP32 (TF32 off)", "tf32": "TF32", "fp16": "FP16", "bf16": "BF16"}
# Short, as series labels show them; the method says how graphs are captured and replayed.
EXECUTION_TEXT = {"eager": "PyTorch eager", "cuda-graph": "PyTorch CUDA graphs"}
EXECUTION_SHORT = {"eager": "eager", "cuda-graph": "cudagraph"}


def is_id(s: str) -> bool:
    return bool(ID_PATTERN.match(s)) and len(s) <= MAX_ID


# The atlas's own citation keys start with "atlas" (RESERVED_STUDY_ID in src/pipeline/schema.ts); a study may not.
RESERVED_STUDY_ID = re.compile(r"^atlas($|-)")


def is_reserved_study_id(s: str) -> bool:
    return bool(RESERVED_STUDY_ID.match(s))


# --- YAML ---------------------------------------------------------------------------------------

# Characters YAML does not allow unescaped in a double-quoted scalar, or that some readers take for
# line breaks; JSON leaves them as they are when ensure_ascii is off.
_YAML_ESCAPE = re.compile("[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_PLAIN_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")


def yaml_scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError("YAML value %r is not finite" % v)
        return repr(v)
    if isinstance(v, str):
        return _YAML_ESCAPE.sub(lambda m: "\\u%04x" % ord(m.group(0)), json.dumps(v, ensure_ascii=False))
    raise TypeError("no YAML form for %r" % type(v).__name__)


def _key(k: str) -> str:
    if not isinstance(k, str):
        raise TypeError("YAML keys must be strings")
    return k if _PLAIN_KEY.match(k) else yaml_scalar(k)


def _is_scalar(v: Any) -> bool:
    return not isinstance(v, (dict, list, tuple)) or len(v) == 0


def _inline(v: Any) -> str:
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, (list, tuple)):
        return "[]"
    return yaml_scalar(v)


def _dump(v: Any, indent: int) -> List[str]:
    pad = " " * indent
    lines: List[str] = []
    if isinstance(v, dict):
        for k, x in v.items():
            if _is_scalar(x):
                lines.append("%s%s: %s" % (pad, _key(k), _inline(x)))
            else:
                lines.append("%s%s:" % (pad, _key(k)))
                lines.extend(_dump(x, indent + 2))
    elif isinstance(v, (list, tuple)):
        for x in v:
            if _is_scalar(x):
                lines.append("%s- %s" % (pad, _inline(x)))
            else:
                sub = _dump(x, indent + 2)
                sub[0] = pad + "- " + sub[0][indent + 2:]
                lines.extend(sub)
    else:
        lines.append(pad + yaml_scalar(v))
    return lines


def to_yaml(obj: Dict[str, Any], comment: Optional[str] = None) -> str:
    """Block-style YAML for dicts, lists, strings, numbers, booleans and None."""
    if not isinstance(obj, dict):
        raise TypeError("the document must be a mapping")
    head = ["# " + line for line in comment.splitlines()] if comment else []
    return "\n".join(head + _dump(obj, 0)) + "\n"


# --- CSV ----------------------------------------------------------------------------------------

def format_number(x: Optional[float], decimals: int, significant: int = 4) -> str:
    """Fixed decimals, with more where needed to keep `significant` digits (0.0333 → '0.03333');
    None → '' (an empty cell)."""
    if x is None:
        return ""
    if not math.isfinite(x):
        raise ValueError("cannot write %r into a table" % x)
    if x != 0:
        decimals = max(decimals, significant - 1 - int(math.floor(math.log10(abs(x)))))
    decimals = min(decimals, 12)
    s = "%.*f" % (decimals, x)
    return "0" + s[2:] if s.startswith("-0") and float(s) == 0 else s


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        if len(r) != len(header):
            raise ValueError("row has %d cells, header %d" % (len(r), len(header)))
        w.writerow(r)
    return buf.getvalue()


@dataclass(frozen=True)
class Column:
    name: str
    field: str
    unit: str
    key: str  # key in Measured.data
    decimals: int = 0


COLUMNS: Tuple[Column, ...] = (
    Column("Batch size", "batch_size", "images", "batch"),
    Column("Throughput", "throughput_img_s", "img/s", "throughput_img_s", 2),
    Column("Mean latency", "latency_ms", "ms", "mean_ms", 4),
    Column("Median latency", "latency_p50_ms", "ms", "median_ms", 4),
    Column("p90 latency", "latency_p90_ms", "ms", "p90_ms", 4),
    Column("p99 latency", "latency_p99_ms", "ms", "p99_ms", 4),
    Column("Average board power", "power_w", "W", "power_w", 1),
    Column("Energy efficiency", "img_s_per_w", "img/s/W", "img_s_per_w", 4),
    Column("Peak memory allocated", "memory_used_mb", "MiB", "peak_allocated_mib", 1),
    Column("Peak memory reserved (MiB)", "text", "text", "peak_reserved_mib", 1),
    Column("Timed iterations", "text", "text", "iterations"),
    Column("Warm-up iterations", "text", "text", "warmup_iterations"),
    Column("SM clock after window (MHz)", "text", "text", "sm_clock_mhz"),
)


def row_cells(m: Measured) -> List[str]:
    d = dict(m.data)
    d["batch"] = m.point.batch
    cells = []
    for c in COLUMNS:
        v = d.get(c.key)
        if v is None:
            cells.append("")
        elif isinstance(v, int) and not isinstance(v, bool) and c.decimals == 0:
            cells.append(str(v))
        else:
            cells.append(format_number(float(v), c.decimals))
    return cells


# --- ids and names ------------------------------------------------------------------------------

def series_suffix(s: Series) -> str:
    return "%s-%dx%d-%s-%s" % (MODEL_SHORT.get(s.model, re.sub(r"[^a-z0-9]+", "-", s.model.lower())), s.width, s.height, s.precision, EXECUTION_SHORT[s.execution])


def series_id(study_id: str, s: Series) -> str:
    """`<study id>-<model>-<W>x<H>-<precision>-<execution>`, unique across the atlas because the study
    id is; when that is longer than 60 characters the study id is shortened and a hash of it kept."""
    suffix = series_suffix(s)
    full = "%s-%s" % (study_id, suffix)
    if len(full) <= MAX_SERIES_ID:
        return full
    digest = hashlib.sha256(study_id.encode("utf-8")).hexdigest()[:6]
    room = MAX_SERIES_ID - len(suffix) - len(digest) - 2
    if room < 1:
        raise ValueError("series suffix %r leaves no room for the study id" % suffix)
    return "%s-%s-%s" % (study_id[:room].rstrip("-"), digest, suffix)


def table_file(s: Series) -> str:
    return series_suffix(s) + ".csv"


# --- the study ----------------------------------------------------------------------------------

@dataclass
class RunInfo:
    study_id: str
    accelerator: str
    started_utc: str  # ISO 8601, e.g. 2025-06-01T12:00:00Z
    finished_utc: str
    authors: List[str]
    seed: int
    settings: Settings
    env: Dict[str, Any]
    # Requested models / sizes / precisions / executions, in run order.
    models: List[str]
    sizes: List[Tuple[int, int]]
    precisions: List[str]
    executions: List[str]
    params: Dict[str, int]  # per model, checked against the simulator's graph
    memory_format: str = "channels_last"
    device: str = "cuda"
    url: Optional[str] = None
    harness_commit: Optional[str] = None
    interrupted: Optional[str] = None
    extra_notes: List[str] = field(default_factory=list)


def framework_text(env: Dict[str, Any]) -> str:
    return "PyTorch %s (CUDA %s, cuDNN %s)" % (env.get("torch_version") or "unknown", env.get("cuda_runtime_version") or "none", env.get("cudnn_version") or "none")


def _join_batches(bs: Sequence[int]) -> str:
    return ", ".join(str(b) for b in bs)


def _skip_groups(skips: Sequence[Skipped]) -> List[Tuple[str, str]]:
    groups: Dict[str, List[int]] = {}
    for s in skips:
        groups.setdefault(s.reason, []).append(s.point.batch)
    return [("batch %s" % _join_batches(bs), reason) for reason, bs in groups.items()]


def skipped_notes(skips: Sequence[Skipped]) -> List[str]:
    """One sentence per reason: 'Not measured: batch 128 (ran out of device memory when tried).'"""
    return ["Not measured: %s (%s)." % (bs, reason) for bs, reason in _skip_groups(skips)]


def and_list(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _chunks(items: Sequence[str], limit: int = 1900) -> List[str]:
    out: List[str] = []
    cur = ""
    for it in items:
        it = it if len(it) <= limit else it[: limit - 1] + "…"
        if cur and len(cur) + 2 + len(it) > limit:
            out.append(cur)
            cur = it
        else:
            cur = it if not cur else cur + "; " + it
    if cur:
        out.append(cur)
    return out


def method_text(run: RunInfo) -> str:
    s = run.settings
    params = "; ".join("%s %s" % (MODEL_TITLES.get(m, m), "{:,}".format(run.params[m])) for m in run.models if m in run.params)
    text = (
        "Measured with the atlas harness (scripts/measure/measure.py, docs/measure.md)%s on one GPU (%s). "
        "Networks: built in PyTorch from the simulator's layer graphs (scripts/measure/graphs/*.json, exported by "
        "scripts/export-graphs.ts); PyTorch's parameter counts were checked against the simulator's before measuring (%s). "
        "Random weights (torch.manual_seed(%d) and PyTorch's default initialisation; nothing downloaded), one random normal "
        "input of batch x 3 x height x width per point, created on the device; eval mode under torch.inference_mode(); "
        "BatchNorm2d kept (not folded); memory format %s. "
        "Precision: fp32 = float32 weights and inputs with TF32 off (torch.backends.cuda.matmul.allow_tf32 = False, "
        "torch.backends.cudnn.allow_tf32 = False); tf32 = float32 with both flags True; fp16 and bf16 = weights and inputs "
        "cast to torch.float16 or torch.bfloat16 (no autocast). torch.backends.cudnn.benchmark = True. "
        "Execution: eager = the module called once per batch; CUDA graphs = 3 warm-up calls on a side stream, one forward "
        "pass captured with torch.cuda.graph into a torch.cuda.CUDAGraph with a static input tensor, then one replay() per batch. "
        "Per point: one priming call (cuDNN autotuning, graph capture before it), %d calls to estimate the latency, warm-up calls "
        "lasting at least %.2f s (%d to %d calls), then N timed calls: enough to last %.2f s, at least %d and at most %d, fewer only "
        "when the per-point budget of %.0f s does not allow %d, never fewer than %d (N and the warm-up count are given per row). "
        "Latency per batch: CUDA events (torch.cuda.Event(enable_timing=True)) recorded on the current stream just before and "
        "after each call, calls issued back to back without synchronising in between; mean, median, p90 and p99 over the N "
        "calls (percentiles by linear interpolation between closest ranks; p90 left empty below 10 calls, p99 below 100). "
        "Throughput = batch x N / time from the first start event to the last end event. Average board power = increase of "
        "NVML's total energy counter (nvmlDeviceGetTotalEnergyConsumption, mJ) between readings taken after synchronising "
        "just before and just after the timed calls, divided by the host time (time.perf_counter) between the readings; left "
        "empty for windows under 0.5 s or boards without the counter. Energy efficiency = throughput / average power. "
        "Peak memory = torch.cuda.max_memory_allocated() over the point (statistics reset before it): weights, input, "
        "activations, cuDNN workspaces and the CUDA graph's pool as allocated by PyTorch, not the CUDA context. "
        "Batches 1, 2, 4, ... up to %d per series; a series stops at the first batch that runs out of device memory or of "
        "time (each table's notes list what was not measured and why). Time budget %.0f s for the run, %.0f s per point."
    ) % (
        " at commit %s" % run.harness_commit if run.harness_commit else "",
        run.env.get("gpu_name") or run.device,
        params,
        run.seed,
        run.memory_format,
        s.estimate_iters,
        s.warmup_s,
        s.min_warmup_iters,
        s.max_warmup_iters,
        s.window_s,
        s.min_iters,
        s.max_iters,
        s.point_budget_s,
        s.min_iters,
        s.floor_iters,
        s.max_batch,
        s.budget_s,
        s.point_budget_s,
    )
    if not run.device.startswith("cuda"):
        text = ("CPU SMOKE TEST of the harness, not data for the atlas: each call is timed with time.perf_counter instead "
                "of CUDA events, and there are no power, clock or memory readings. The GPU procedure follows. ") + text
    return text


CAVEATS = [
    "Random weights: the outputs mean nothing and no accuracy is implied. GPU kernel times of dense convolutions are not expected to depend on the values, but the harness does not check this.",
    "Clocks and the power limit were neither locked nor changed by the harness; they are recorded as read (notes). Each point runs for about a second after a short warm-up, so the board may not reach the thermal state of a long run.",
    "Board power is NVML's whole-board figure averaged over the timed window; it includes the board's idle share and any gaps between calls.",
    "Eager latencies include host-side launch overhead where the GPU waits for the host: idle time before a kernel starts falls inside the event interval.",
    "Peak memory is PyTorch's allocator peak; the CUDA context and memory allocated outside PyTorch are not included.",
    "The forward pass only: no pre-processing, no host-device copies of inputs or outputs, no softmax or YOLO box decoding and non-maximum suppression.",
    "One run per configuration: run-to-run variation is not measured.",
]


def build_study(run: RunInfo, outcomes: Sequence[object]) -> Tuple[Dict[str, Any], Dict[str, str]]:
    """The study.yaml content (as a dict, in the contract's key order) and CSV texts by file name."""
    if not is_id(run.study_id):
        raise ValueError("study id %r is not an id (lower-case letters, digits, dashes; at most 64)" % run.study_id)
    if not is_id(run.accelerator):
        raise ValueError("accelerator id %r is not an id" % run.accelerator)
    by_series: Dict[Series, List[object]] = {}
    for o in outcomes:
        by_series.setdefault(o.point.series, []).append(o)  # type: ignore[attr-defined]
    framework = framework_text(run.env)
    tables: List[Dict[str, Any]] = []
    files: Dict[str, str] = {}
    empty_series: List[str] = []
    for ser, outs in by_series.items():
        measured = sorted((o for o in outs if isinstance(o, Measured)), key=lambda m: m.point.batch)
        skips = [o for o in outs if isinstance(o, Skipped)]
        if not measured:
            reasons = "; ".join("%s: %s" % g for g in _skip_groups(skips)) or "no batch planned"
            empty_series.append("%s (%s)" % (ser.key, reasons))
            continue
        name = table_file(ser)
        files[name] = csv_text([c.name for c in COLUMNS], (row_cells(m) for m in measured))
        first = measured[0].data
        used_w = int(first.get("input_width", ser.width))
        used_h = int(first.get("input_height", ser.height))
        notes = []
        if (used_w, used_h) != (ser.width, ser.height):
            notes.append("Requested %dx%d; YOLOv3 needs multiples of 32, so the input was letterboxed (padded) to %dx%d, as in the simulator." % (ser.width, ser.height, used_w, used_h))
        notes.append("Input tensor: batch x 3 x %d x %d (N x C x H x W), width %d, height %d." % (used_h, used_w, used_w, used_h))
        no_power = sorted({str(m.data.get("power_note")) for m in measured if m.data.get("power_w") is None and m.data.get("power_note")})
        if no_power:
            notes.append("Power left empty where %s." % "; or where ".join(no_power))
        if any(m.data.get("p99_ms") is None for m in measured):
            notes.append("p99 left empty where fewer than 100 calls were timed (the per-point time budget allowed no more).")
        notes.extend(skipped_notes(skips))
        tables.append({
            "file": name,
            "title": "%s, %dx%d, %s, %s: latency, throughput, board power and peak memory per batch" % (
                MODEL_TITLES.get(ser.model, ser.model), used_w, used_h, PRECISION_TITLES[ser.precision], EXECUTION_TEXT[ser.execution]),
            "source": "Atlas measurement harness run %s" % run.started_utc,
            "series": series_id(run.study_id, ser),
            "accelerator": run.accelerator,
            "devices": 1,
            "model": ser.model,
            "input": {"width": used_w, "height": used_h, "stated": True},
            "precision": ser.precision,
            "framework": framework,
            "execution": EXECUTION_TEXT[ser.execution],
            "columns": [
                dict([("name", c.name), ("field", c.field), ("unit", c.unit)] + ([("allow_note", False)] if c.field == "batch_size" else []))
                for c in COLUMNS
            ],
            "notes": [n[:2000] for n in notes][:100],
        })
    gpu = run.env.get("gpu_name") or run.device
    year = int(run.started_utc[:4])
    title = "PyTorch inference of %s on one %s (atlas harness, %s)" % (
        and_list([MODEL_TITLES.get(m, m) for m in run.models]), gpu, run.started_utc[:10])
    sizes = and_list(["%dx%d" % s for s in run.sizes])
    # The largest batch any series reached, not the one planned (series stop at memory or time limits).
    largest = max((o.point.batch for o in outcomes if isinstance(o, Measured)), default=run.settings.max_batch)
    summary = (
        "Per-batch latency (mean, median, p90, p99), throughput, average board power, energy efficiency and peak device "
        "memory of %s with random weights on one %s, at %s, batch 1 to %d, in %s, %s."
        % (and_list([MODEL_TITLES.get(m, m) for m in run.models]), gpu, sizes, largest,
           and_list([PRECISION_TITLES[p] for p in run.precisions]),
           " and ".join({"eager": "eager", "cuda-graph": "with CUDA graphs"}[e] for e in run.executions))
    )
    notes = envinfo.describe(run.env)
    notes.append("Run from %s to %s (UTC)%s." % (run.started_utc, run.finished_utc, "; it was cut short: %s" % run.interrupted if run.interrupted else ""))
    notes.extend(run.extra_notes)
    if empty_series:
        notes.extend("Series without a measured point (no table): " + c for c in _chunks(empty_series, 1850))
    if len(notes) > 50:
        notes = notes[:49] + ["%d further notes left out." % (len(notes) - 49)]
    authors = run.authors or ["Inference Scaling Atlas contributors"]
    study: Dict[str, Any] = {
        "id": run.study_id,
        "title": title[:500],
        "authors": authors,
        "year": year,
    }
    if run.url:
        study["url"] = run.url
    study.update({
        "citation": ("%s (%d). %s. Inference Scaling Atlas, data/studies/%s." % (", ".join(authors), year, title, run.study_id))[:1000],
        # A data set the atlas measured and publishes itself, not a manuscript (docs/data-format.md, "cite").
        "cite": {
            "type": "dataset",
            "date": run.started_utc[:10],
            "publisher": "Inference Scaling Atlas",
            "genre": "Measurements made with the atlas harness",
        },
        "license": {
            "redistribution": "allowed",
            "note": "Measured for the Inference Scaling Atlas with its harness and contributed under the atlas' data licence (CC-BY-4.0, CITATION.cff).",
        },
        "summary": summary[:2000],
        "method": method_text(run)[:4000],
        "caveats": CAVEATS,
        "tables": tables,
        "notes": [n[:2000] for n in notes],
    })
    return study, files


def write_study(out_dir: str, study: Dict[str, Any], files: Dict[str, str], comment: Optional[str] = None) -> List[str]:
    """Writes study.yaml and the CSVs into out_dir (created; must be empty or absent). Returns paths."""
    if os.path.exists(out_dir) and os.listdir(out_dir):
        raise FileExistsError("%s exists and is not empty" % out_dir)
    os.makedirs(out_dir, exist_ok=True)
    written = []
    for name, text in sorted(files.items()):
        p = os.path.join(out_dir, name)
        with open(p, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        written.append(p)
    p = os.path.join(out_dir, "study.yaml")
    with open(p, "w", encoding="utf-8", newline="") as f:
        f.write(to_yaml(study, comment))
    written.append(p)
    return written
