"""Statistics of one measured point: latency percentiles, throughput, power from an energy counter."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence

# A percentile is reported only when it rests on enough samples: with fewer than 1/(1 − p) samples the
# p-th percentile is little more than the largest value, so p90 needs 10 samples and p99 needs 100.
MIN_SAMPLES = {50: 1, 90: 10, 99: 100}

# NVML's energy counter (mJ) is updated by the driver a few times per second at most on some boards;
# an average over a shorter window is mostly quantisation, so no power is reported for it.
MIN_POWER_WINDOW_S = 0.5


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0 ≤ q ≤ 100) by linear interpolation between closest ranks (Hyndman and
    Fan type 7, numpy's default): rank h = (n − 1)·q/100, value x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("percentile must be between 0 and 100, got %r" % q)
    xs = sorted(values)
    h = (len(xs) - 1) * q / 100.0
    lo = int(math.floor(h))
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (h - lo) * (xs[hi] - xs[lo])


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


@dataclass(frozen=True)
class LatencySummary:
    n: int
    mean_ms: float
    median_ms: float
    p90_ms: Optional[float]
    p99_ms: Optional[float]
    min_ms: float
    max_ms: float


def summarize(latencies_ms: Sequence[float]) -> LatencySummary:
    """Mean, median, p90 and p99 of per-batch latencies; p90/p99 are None below 10/100 samples."""
    if not latencies_ms:
        raise ValueError("no latencies to summarise")
    for x in latencies_ms:
        if not (isinstance(x, (int, float)) and math.isfinite(x) and x > 0):
            raise ValueError("latency %r is not a positive finite number" % (x,))
    n = len(latencies_ms)
    return LatencySummary(
        n=n,
        mean_ms=math.fsum(latencies_ms) / n,
        median_ms=percentile(latencies_ms, 50),
        p90_ms=percentile(latencies_ms, 90) if n >= MIN_SAMPLES[90] else None,
        p99_ms=percentile(latencies_ms, 99) if n >= MIN_SAMPLES[99] else None,
        min_ms=min(latencies_ms),
        max_ms=max(latencies_ms),
    )


def throughput_img_s(batch: int, iterations: int, window_s: float) -> float:
    """Images per second over the timed window (first batch start to last batch end)."""
    if batch < 1 or iterations < 1 or not window_s > 0:
        raise ValueError("throughput needs a batch, iterations and a positive window")
    return batch * iterations / window_s


@dataclass(frozen=True)
class Power:
    watts: Optional[float]
    energy_j: Optional[float]
    window_s: float
    # Why no power is given (None when it is).
    reason: Optional[str] = None


def power_from_energy(energy_start_mj: Optional[int], energy_end_mj: Optional[int], t_start_s: float, t_end_s: float,
                      min_window_s: float = MIN_POWER_WINDOW_S) -> Power:
    """Average board power over [t_start, t_end] from two readings of NVML's total-energy counter
    (nvmlDeviceGetTotalEnergyConsumption, millijoules since the driver was loaded): ΔE / Δt."""
    window = t_end_s - t_start_s
    if energy_start_mj is None or energy_end_mj is None:
        return Power(None, None, window, "the board has no energy counter (NVML_ERROR_NOT_SUPPORTED)")
    if not window > 0:
        return Power(None, None, window, "the timed window has no duration")
    delta = energy_end_mj - energy_start_mj
    if delta <= 0:
        return Power(None, None, window, "the energy counter did not advance during the window")
    if window < min_window_s:
        return Power(None, delta / 1000.0, window, "the window (%.3f s) is shorter than %.1f s" % (window, min_window_s))
    return Power(delta / 1000.0 / window, delta / 1000.0, window)


def efficiency_img_s_per_w(throughput: float, power_w: Optional[float]) -> Optional[float]:
    if power_w is None or not power_w > 0:
        return None
    return throughput / power_w
