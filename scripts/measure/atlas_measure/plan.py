"""The measurement grid and how a run stays inside its time and memory budgets.

A run is a list of series (model × input size × precision × execution); each series measures batch
1, 2, 4, … up to ``max_batch`` and stops at the first batch that runs out of memory or out of time.
The scheduler is the same for a real run and for ``--dry-run``: it is given an ``attempt`` function
(measure the point on the GPU, or forecast its cost) and a clock (real, or advanced by forecasts).

Time budget (``Settings.budget_s``, under ten minutes by default):
* every series gets an equal share of the time still left when it starts (series the device cannot
  run take none); what it does not use passes to the series after it, so small inputs leave time
  for large ones;
* one point gets at most ``point_budget_s``, and never more than its series' share left; the timed
  calls are as many as fit (``timed_iterations``), at least ``floor_iters``;
* a batch whose shortest possible cost (the previous batch's latency scaled by the batch ratio,
  times the priming, estimate, warm-up and ``floor_iters`` calls) exceeds the point budget or the
  series' share left is not started, and neither are larger batches of the series.

The whole grid (3 models × 5 sizes × 4 precisions × 2 executions × 9 batches) takes about an hour;
a run with the default ten-minute budget measures the smaller batches of every series, and runs on
subsets (``--models``, ``--precisions``, …) or a larger ``--budget-s`` go further (docs/measure.md).

Memory: a batch whose weights plus the largest single layer's input and output cannot fit in device
memory is skipped without trying; a batch that runs out of memory when tried is recorded as such and
ends its series. Skipped points are recorded with their reason, never as data.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Dict, List, Optional, Sequence, Tuple

DEFAULT_MODELS = ("resnet50_v1.5", "resnext101_32x4d", "yolov3")
DEFAULT_SIZES: Tuple[Tuple[int, int], ...] = ((224, 224), (608, 608), (1024, 1024), (1440, 1440), (2048, 1024))
PRECISIONS = ("fp32", "tf32", "fp16", "bf16")
EXECUTIONS = ("eager", "cuda-graph")
BYTES_PER_ELEMENT = {"fp32": 4, "tf32": 4, "fp16": 2, "bf16": 2}

# Forecast-only assumptions (dry run, and the first batch's cost estimate): effective dense FLOP/s of
# a convnet on an H100-class GPU, and host overhead per layer. They decide nothing that is reported.
FORECAST_FLOPS = {"fp32": 25e12, "tf32": 120e12, "fp16": 250e12, "bf16": 250e12}
FORECAST_LAYER_S = {"eager": 15e-6, "cuda-graph": 3e-6}
FORECAST_SETUP_S = {"eager": 0.5, "cuda-graph": 1.0}  # cuDNN autotuning, graph capture, allocation


@dataclass(frozen=True)
class Series:
    model: str
    width: int
    height: int
    precision: str
    execution: str

    @property
    def key(self) -> str:
        return "%s %dx%d %s %s" % (self.model, self.width, self.height, self.precision, self.execution)


@dataclass(frozen=True)
class Point:
    series: Series
    batch: int


@dataclass(frozen=True)
class Settings:
    budget_s: float = 540.0
    point_budget_s: float = 20.0
    max_batch: int = 256
    # Timed window per point: long enough for the energy counter (stats.MIN_POWER_WINDOW_S).
    window_s: float = 0.6
    warmup_s: float = 0.2
    min_warmup_iters: int = 5
    max_warmup_iters: int = 200
    # Calls timed once after the first (priming) call to estimate the latency.
    estimate_iters: int = 3
    # Timed iterations: at least min_iters (p99 needs 100 samples) unless the point budget allows
    # fewer, never fewer than floor_iters, at most max_iters.
    min_iters: int = 100
    floor_iters: int = 20
    max_iters: int = 2000
    # Device memory for the memory pre-check (bytes); None: no pre-check.
    memory_bytes: Optional[int] = None

    def validate(self) -> None:
        if not self.budget_s > 0 or not self.point_budget_s > 0 or not self.window_s > 0:
            raise ValueError("budgets and the timed window must be positive")
        if self.max_batch < 1:
            raise ValueError("--max-batch must be at least 1")
        if not 1 <= self.floor_iters <= self.min_iters <= self.max_iters:
            raise ValueError("iteration limits must satisfy 1 <= floor <= min <= max")


QUICK = dict(budget_s=150.0, point_budget_s=8.0, max_batch=16, window_s=0.3, warmup_s=0.1, min_iters=30, floor_iters=10)
QUICK_SIZES: Tuple[Tuple[int, int], ...] = ((224, 224),)
QUICK_PRECISIONS = ("fp32", "fp16")


def quick_settings(base: Settings) -> Settings:
    return replace(base, **QUICK)


_SIZE = re.compile(r"^(\d{1,5})(?:[x×](\d{1,5}))?$")


def parse_size(text: str) -> Tuple[int, int]:
    """'224' → (224, 224); '2048x1024' → (2048, 1024): width × height (the tensor is N×3×H×W)."""
    m = _SIZE.match(text.strip().lower())
    if not m:
        raise ValueError("size %r is not N or WIDTHxHEIGHT" % text)
    w = int(m.group(1))
    h = int(m.group(2)) if m.group(2) else w
    if not (16 <= w <= 16384 and 16 <= h <= 16384):
        raise ValueError("size %r is outside 16..16384" % text)
    return w, h


def batches_up_to(max_batch: int) -> List[int]:
    """1, 2, 4, … up to max_batch (powers of two)."""
    out, b = [], 1
    while b <= max_batch:
        out.append(b)
        b *= 2
    return out


def make_series(models: Sequence[str], sizes: Sequence[Tuple[int, int]], precisions: Sequence[str],
                executions: Sequence[str] = EXECUTIONS) -> List[Series]:
    """Series in run order: model, then precision, then execution, then size (small sizes first, so
    their unused time passes to the large ones; one model and precision stays on the device)."""
    for p in precisions:
        if p not in PRECISIONS:
            raise ValueError("unknown precision %r (known: %s)" % (p, ", ".join(PRECISIONS)))
    for e in executions:
        if e not in EXECUTIONS:
            raise ValueError("unknown execution %r (known: %s)" % (e, ", ".join(EXECUTIONS)))
    ordered_sizes = sorted(dict.fromkeys(sizes), key=lambda s: (s[0] * s[1], s))
    return [
        Series(m, w, h, p, e)
        for m in dict.fromkeys(models)
        for p in dict.fromkeys(precisions)
        for e in dict.fromkeys(executions)
        for (w, h) in ordered_sizes
    ]


def warmup_iterations(latency_s: float, s: Settings) -> int:
    n = math.ceil(s.warmup_s / latency_s) if latency_s > 0 else s.max_warmup_iters
    return max(s.min_warmup_iters, min(s.max_warmup_iters, n))


def timed_iterations(latency_s: float, time_left_s: float, s: Settings) -> Optional[int]:
    """Iterations for the timed window: enough to last window_s and at least min_iters, at most
    max_iters, cut to the time left; None when not even floor_iters fit."""
    if not latency_s > 0:
        raise ValueError("latency must be positive")
    n = max(s.min_iters, math.ceil(s.window_s / latency_s))
    n = min(n, s.max_iters)
    fit = int(time_left_s // latency_s) if time_left_s > 0 else 0
    n = min(n, fit)
    return n if n >= s.floor_iters else None


def point_min_cost_s(latency_s: float, execution: str, s: Settings) -> float:
    """Forecast of the shortest a point can take: setup, the priming and estimate calls, warm-up and
    floor_iters timed calls. A point is started only when this fits; it then times as many calls as
    the time left allows (timed_iterations)."""
    calls = 1 + s.estimate_iters + warmup_iterations(latency_s, s) + s.floor_iters
    return FORECAST_SETUP_S[execution] + calls * latency_s


def forecast_latency_s(macs_per_image: int, batch: int, layers: int, precision: str, execution: str) -> float:
    return 2.0 * macs_per_image * batch / FORECAST_FLOPS[precision] + layers * FORECAST_LAYER_S[execution]


def memory_lower_bound_bytes(weight_params: int, activation_elements_per_image: int, batch: int, precision: str) -> int:
    """Weights plus the largest layer's input and output for the whole batch: memory any run needs."""
    return BYTES_PER_ELEMENT[precision] * (weight_params + batch * activation_elements_per_image)


# --- outcomes ---------------------------------------------------------------------------------

SKIP_KINDS = {
    "memory-estimate": "needs more memory than the device has (weights plus the largest layer's input and output)",
    "oom": "ran out of device memory when tried",
    "after-stop": "not tried: a smaller batch of this series stopped the series",
    "point-budget": "would exceed the per-point time budget",
    "series-share": "would exceed this series' share of the time budget",
    "global-budget": "the run's time budget was used up",
    "unsupported": "not supported on this device",
    "time-limit": "not even the minimum number of timed calls fits the time left for the point",
}


@dataclass
class Measured:
    point: Point
    data: Dict[str, object]
    # Mean latency of one batch (s), used to predict the next batch's cost.
    latency_s: float


@dataclass
class Skipped:
    point: Point
    kind: str
    detail: str = ""

    @property
    def reason(self) -> str:
        base = SKIP_KINDS.get(self.kind, self.kind)
        return base + (": %s" % self.detail if self.detail else "")


Outcome = object  # Measured | Skipped
# attempt(point, time_limit_s) -> Measured | Skipped
Attempt = Callable[[Point, float], Outcome]


@dataclass
class ModelFacts:
    """What the scheduler needs to know about a network at one size (from graph.py)."""
    params: int
    activation_elements: int
    macs: int
    layers: int


@dataclass
class Schedule:
    outcomes: List[Outcome] = field(default_factory=list)
    started_s: float = 0.0
    finished_s: float = 0.0

    @property
    def measured(self) -> List[Measured]:
        return [o for o in self.outcomes if isinstance(o, Measured)]

    @property
    def skipped(self) -> List[Skipped]:
        return [o for o in self.outcomes if isinstance(o, Skipped)]


def run_schedule(series: Sequence[Series], facts: Callable[[Series], ModelFacts], settings: Settings,
                 attempt: Attempt, clock: Callable[[], float],
                 unsupported: Callable[[Series], Optional[str]] = lambda s: None,
                 on_outcome: Callable[[Outcome], None] = lambda o: None,
                 precheck: Callable[[Point], Optional["Skipped"]] = lambda p: None) -> Schedule:
    """Runs (or forecasts) every point of every series inside the budgets; see the module docstring."""
    settings.validate()
    sched = Schedule(started_s=clock())
    deadline = sched.started_s + settings.budget_s
    batches = batches_up_to(settings.max_batch)

    def record(o: Outcome) -> None:
        sched.outcomes.append(o)
        on_outcome(o)

    why_not = [unsupported(ser) for ser in series]
    for i, ser in enumerate(series):
        if why_not[i]:
            for b in batches:
                record(Skipped(Point(ser, b), "unsupported", why_not[i] or ""))
            continue
        now = clock()
        # An equal share of the time left among the series still to run (unsupported ones take none).
        share_end = now + max(0.0, deadline - now) / sum(1 for w in why_not[i:] if not w)
        f = facts(ser)
        stop: Optional[Skipped] = None
        prev: Optional[Tuple[int, float]] = None
        for b in batches:
            pt = Point(ser, b)
            if stop is not None:
                record(Skipped(pt, "after-stop", "batch %d: %s" % (stop.point.batch, stop.kind)))
                continue
            if settings.memory_bytes is not None:
                need = memory_lower_bound_bytes(f.params, f.activation_elements, b, ser.precision)
                if need > settings.memory_bytes:
                    stop = Skipped(pt, "memory-estimate", "at least %.1f GiB of %.1f GiB" % (need / 2**30, settings.memory_bytes / 2**30))
                    record(stop)
                    continue
            now = clock()
            if now >= deadline:
                record(Skipped(pt, "global-budget"))
                continue
            limit = min(settings.point_budget_s, share_end - now, deadline - now)
            if prev is not None:
                # Latency grows at most in proportion to the batch once the GPU is busy.
                predicted = point_min_cost_s(prev[1] * b / prev[0], ser.execution, settings)
                if predicted > settings.point_budget_s:
                    stop = Skipped(pt, "point-budget", "forecast %.1f s > %.1f s" % (predicted, settings.point_budget_s))
                    record(stop)
                    continue
                if predicted > limit:
                    stop = Skipped(pt, "series-share", "forecast %.1f s, %.1f s left" % (predicted, max(0.0, limit)))
                    record(stop)
                    continue
            if limit <= 0:
                stop = Skipped(pt, "series-share", "no time left")
                record(stop)
                continue
            pre = precheck(pt)
            if pre is not None:
                stop = pre
                record(pre)
                continue
            o = attempt(pt, limit)
            if isinstance(o, Skipped) and o.kind == "time-limit":
                o.kind = "point-budget" if limit >= settings.point_budget_s else "series-share"
            record(o)
            if isinstance(o, Measured):
                prev = (b, o.latency_s)
            else:
                assert isinstance(o, Skipped)
                stop = o
    sched.finished_s = clock()
    return sched


class VirtualClock:
    """A clock that only moves when told to (dry runs and tests)."""

    def __init__(self, start: float = 0.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, dt: float) -> None:
        self.t += dt


def forecast_attempt(facts: Callable[[Series], ModelFacts], settings: Settings, clock: VirtualClock) -> Attempt:
    """An attempt for --dry-run: predicts the point's latency and cost from MACs and assumed rates
    (FORECAST_*), advances the virtual clock by the cost; nothing is measured."""

    def attempt(pt: Point, limit_s: float) -> Outcome:
        ser = pt.series
        f = facts(ser)
        lat = forecast_latency_s(f.macs, pt.batch, f.layers, ser.precision, ser.execution)
        setup = FORECAST_SETUP_S[ser.execution] + (1 + settings.estimate_iters) * lat
        warm = warmup_iterations(lat, settings)
        iters = timed_iterations(lat, limit_s - setup - warm * lat, settings)
        if iters is None:
            clock.advance(min(setup, max(0.0, limit_s)))
            return Skipped(pt, "time-limit", "forecast latency %.3f s per batch, %.1f s left" % (lat, max(0.0, limit_s)))
        clock.advance(setup + (warm + iters) * lat)
        return Measured(pt, {"forecast_latency_s": lat, "iterations": iters, "warmup_iterations": warm}, lat)

    return attempt
