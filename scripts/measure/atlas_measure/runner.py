"""Measuring points on the device. torch and NVML are imported by the caller and passed in; nothing
here runs without them. ``--device cpu`` runs the same code with wall-clock timing and no power or
memory readings: a smoke test of the harness, not data for the atlas.
"""
from __future__ import annotations

import gc
import time
from typing import Any, Dict, List, Optional, Tuple

from . import graph as G
from . import plan as P
from . import stats as S
from . import torchnet

DTYPES = {"fp32": "float32", "tf32": "float32", "fp16": "float16", "bf16": "bfloat16"}
GRAPH_WARMUP_CALLS = 3  # on a side stream before capture, as in PyTorch's CUDA graphs documentation


class Aborted(RuntimeError):
    """The device is in a state where no further point can be measured (e.g. a sticky CUDA error)."""


def is_oom(exc: BaseException, torch: Any) -> bool:
    """An out-of-memory error, also when another error was raised while handling it (a failed CUDA
    graph capture ends with a capture error whose context is the out-of-memory error)."""
    oom_type = getattr(getattr(torch, "cuda", None), "OutOfMemoryError", None)
    seen = 0
    e: Optional[BaseException] = exc
    while e is not None and seen < 10:
        if oom_type is not None and isinstance(e, oom_type):
            return True
        text = str(e)
        if "out of memory" in text or "ALLOC_FAILED" in text:
            return True
        e = e.__cause__ or e.__context__
        seen += 1
    return False


# Errors PyTorch raises for a point the device or its libraries cannot run, whatever the harness does:
# a kernel missing for the dtype on the device ('"slow_conv2d_cpu" not implemented for 'Half'' on a
# CPU build), an operator without a kernel for the backend ("Could not run 'aten::...' with arguments
# from the 'CPU' backend"), cuDNN refusing the configuration, and tensors beyond 32-bit indexing.
UNSUPPORTED_MARKERS = ("not implemented for '", "Could not run 'aten::", "CUDNN_STATUS_NOT_SUPPORTED",
                       "canUse32BitIndexMath")


def skip_kind(exc: BaseException, torch: Any) -> Optional[str]:
    """"oom" or "unsupported" for an error that says the point cannot run on this device (a genuine
    skip, recorded with its reason); None for anything else: a bug in the harness, which must stop the
    run rather than pass as a skipped point."""
    if is_oom(exc, torch):
        return "oom"
    if isinstance(exc, (RuntimeError, NotImplementedError)) and any(m in str(exc) for m in UNSUPPORTED_MARKERS):
        return "unsupported"
    return None


def nvml_handle(torch: Any, nvml: Any, index: int) -> Tuple[Any, Optional[str]]:
    """The NVML handle of CUDA device `index`, found by UUID (CUDA_VISIBLE_DEVICES renumbers CUDA
    devices but not NVML's), else by index. Returns (handle or None, note)."""
    if nvml is None:
        return None, "NVML (nvidia-ml-py) is not installed: no power, clocks or power limit"
    try:
        nvml.nvmlInit()
    except Exception as e:
        return None, "NVML could not start (%s): no power, clocks or power limit" % e
    uuid = getattr(torch.cuda.get_device_properties(index), "uuid", None)
    if uuid is not None:
        for text in ("GPU-%s" % uuid, str(uuid)):
            try:
                return nvml.nvmlDeviceGetHandleByUUID(text), None
            except Exception:
                pass
    try:
        return nvml.nvmlDeviceGetHandleByIndex(index), "NVML device chosen by index %d (UUID not available)" % index
    except Exception as e:
        return None, "no NVML handle for the device (%s)" % e


def first_line(e: BaseException) -> str:
    text = str(e)
    return text.splitlines()[0] if text else type(e).__name__


class Runner:
    def __init__(self, torch: Any, nvml: Any, handle: Any, device: str, graphs: Dict[str, G.Graph], settings: P.Settings,
                 seed: int = 0, channels_last: bool = True) -> None:
        self.torch = torch
        self.nvml = nvml
        self.handle = handle
        self.device = torch.device(device)
        self.cuda = self.device.type == "cuda"
        self.graphs = graphs
        self.settings = settings
        self.seed = seed
        self.channels_last = channels_last
        self.current: Optional[Tuple[str, str]] = None
        self.net: Any = None
        self.energy_ok = handle is not None
        # (model, width, height, precision) → smallest batch that ran out of memory in eager mode.
        self.eager_oom: Dict[Tuple[str, int, int, str], int] = {}
        if self.cuda:
            # Events, streams and graph capture use the current device.
            torch.cuda.set_device(self.device)
            torch.backends.cudnn.benchmark = True

    # --- setup ----------------------------------------------------------------------------------

    def unsupported(self, ser: P.Series) -> Optional[str]:
        if ser.execution == "cuda-graph" and not self.cuda:
            return "CUDA graphs need a CUDA device"
        if ser.precision == "bf16" and self.cuda and not self.torch.cuda.is_bf16_supported():
            return "the GPU has no bfloat16 support"
        if ser.precision == "tf32" and self.cuda and self.torch.cuda.get_device_capability(self.device)[0] < 8:
            return "TF32 needs compute capability 8.0 or later"
        return None

    def apply_precision(self, precision: str) -> Any:
        """Sets the TF32 flags for the precision and returns the dtype of weights and inputs."""
        torch = self.torch
        tf32 = precision == "tf32"
        torch.backends.cuda.matmul.allow_tf32 = tf32
        torch.backends.cudnn.allow_tf32 = tf32
        return getattr(torch, DTYPES[precision])

    def build(self, model: str, dtype: Any) -> Any:
        torch = self.torch
        torch.manual_seed(self.seed)
        net = torchnet.build(self.graphs[model], device=self.device, dtype=torch.float32).eval()
        if dtype != torch.float32:
            net = net.to(dtype)
        if self.channels_last:
            net = net.to(memory_format=torch.channels_last)
        return net

    def model_for(self, model: str, precision: str, dtype: Any) -> Any:
        key = (model, DTYPES[precision])
        if self.current != key:
            self.release()
            self.net = self.build(model, dtype)
            self.current = key
        return self.net

    def release(self) -> None:
        self.net = None
        self.current = None
        gc.collect()
        if self.cuda:
            self.torch.cuda.empty_cache()

    def verify(self, sizes: List[Tuple[int, int]]) -> List[str]:
        """Builds every network on the device and checks its parameters and every node's output shape
        at every size against the simulator's graph (batch 1, FP32). Returns the differences."""
        torch = self.torch
        problems: List[str] = []
        self.apply_precision("fp32")
        # No cuDNN autotuning for these one-off shapes; it is switched back on for the measurements.
        benchmark, torch.backends.cudnn.benchmark = torch.backends.cudnn.benchmark, False
        try:
            for model, graph in self.graphs.items():
                net = self.build(model, torch.float32)
                for (w, h) in sizes:
                    uw, uh, _ = G.model_input(model, w, h)
                    x = torch.randn(1, 3, uh, uw, device=self.device)
                    problems.extend(torchnet.check_module(graph, net, x))
                    del x
                del net
                self.release()
        finally:
            torch.backends.cudnn.benchmark = benchmark
        return problems

    # --- one point ------------------------------------------------------------------------------

    def sync(self) -> None:
        if self.cuda:
            self.torch.cuda.synchronize(self.device)

    def energy_mj(self) -> Optional[int]:
        if not self.energy_ok:
            return None
        try:
            return int(self.nvml.nvmlDeviceGetTotalEnergyConsumption(self.handle))
        except Exception:
            self.energy_ok = False
            return None

    def sm_clock_mhz(self) -> Optional[int]:
        if self.handle is None:
            return None
        try:
            return int(self.nvml.nvmlDeviceGetClockInfo(self.handle, self.nvml.NVML_CLOCK_SM))
        except Exception:
            return None

    def capture(self, net: Any, x: Any) -> Tuple[Any, Any]:
        """Warm-up on a side stream, then capture one forward pass (PyTorch's documented recipe)."""
        torch = self.torch
        side = torch.cuda.Stream(device=self.device)
        side.wait_stream(torch.cuda.current_stream(self.device))
        with torch.cuda.stream(side):
            for _ in range(GRAPH_WARMUP_CALLS):
                net(x)
        torch.cuda.current_stream(self.device).wait_stream(side)
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            out = net(x)
        return g, out

    def time_calls(self, call: Any, n: int) -> Tuple[List[float], float, Optional[int], Optional[int], float, float]:
        """n calls back to back; per-call latency (ms) from CUDA events (wall clock on CPU), the window
        from the first start to the last end (s), and energy/host-time readings around the calls."""
        torch = self.torch
        if self.cuda:
            starts = [torch.cuda.Event(enable_timing=True) for _ in range(n)]
            ends = [torch.cuda.Event(enable_timing=True) for _ in range(n)]
            self.sync()
            e0, t0 = self.energy_mj(), time.perf_counter()
            for i in range(n):
                starts[i].record()
                call()
                ends[i].record()
            self.sync()
            t1 = time.perf_counter()
            e1 = self.energy_mj()
            lat = [s.elapsed_time(e) for s, e in zip(starts, ends)]
            window = starts[0].elapsed_time(ends[-1]) / 1000.0
            return lat, window, e0, e1, t0, t1
        lat = []
        t0 = time.perf_counter()
        for _ in range(n):
            a = time.perf_counter()
            call()
            lat.append((time.perf_counter() - a) * 1000.0)
        t1 = time.perf_counter()
        return lat, t1 - t0, None, None, t0, t1

    def precheck(self, pt: P.Point) -> Optional[P.Skipped]:
        """A CUDA-graph point whose eager twin (same model, size, precision) ran out of memory at this
        batch or a smaller one is not tried: capture needs at least the eager pass' memory."""
        ser = pt.series
        if ser.execution != "cuda-graph":
            return None
        b = self.eager_oom.get((ser.model, ser.width, ser.height, ser.precision))
        if b is not None and b <= pt.batch:
            return P.Skipped(pt, "memory-estimate", "eager ran out of memory at batch %d" % b)
        return None

    def attempt(self, pt: P.Point, limit_s: float) -> object:
        torch = self.torch
        ser = pt.series
        s = self.settings
        t_start = time.perf_counter()
        uw, uh, _ = G.model_input(ser.model, ser.width, ser.height)
        net = x = graph_obj = out = call = None
        try:
            dtype = self.apply_precision(ser.precision)
            net = self.model_for(ser.model, ser.precision, dtype)
            gen = torch.Generator(device=self.device)
            gen.manual_seed(self.seed * 1000003 + pt.batch)
            with torch.inference_mode():
                x = torch.randn(pt.batch, 3, uh, uw, device=self.device, dtype=torch.float32, generator=gen).to(dtype)
                if self.channels_last:
                    x = x.contiguous(memory_format=torch.channels_last)
                # Peak memory counts from here: weights, this input, and everything the point allocates.
                self.sync()
                if self.cuda:
                    torch.cuda.reset_peak_memory_stats(self.device)
                if ser.execution == "cuda-graph":
                    graph_obj, out = self.capture(net, x)
                    call = graph_obj.replay
                else:
                    def call() -> None:
                        net(x)
                call()  # priming: cuDNN autotuning on a new shape, first replay
                self.sync()
                est, _, _, _, _, _ = self.time_calls(call, s.estimate_iters)
                lat_s = S.median(est) / 1000.0
                warm = P.warmup_iterations(lat_s, s)
                left = limit_s - (time.perf_counter() - t_start) - warm * lat_s
                iters = P.timed_iterations(lat_s, left, s)
                if iters is None:
                    return P.Skipped(pt, "time-limit", "%.4f s per batch, %.1f s left for the point" % (lat_s, max(0.0, limit_s - (time.perf_counter() - t_start))))
                for _ in range(warm):
                    call()
                lat_ms, window_s, e0, e1, t0, t1 = self.time_calls(call, iters)
                clock = self.sm_clock_mhz()
            summary = S.summarize(lat_ms)
            thr = S.throughput_img_s(pt.batch, iters, window_s)
            power = S.power_from_energy(e0, e1, t0, t1)
            data: Dict[str, Any] = {
                "input_width": uw,
                "input_height": uh,
                "mean_ms": summary.mean_ms,
                "median_ms": summary.median_ms,
                "p90_ms": summary.p90_ms,
                "p99_ms": summary.p99_ms,
                "min_ms": summary.min_ms,
                "max_ms": summary.max_ms,
                "iterations": iters,
                "warmup_iterations": warm,
                "window_s": window_s,
                "host_window_s": t1 - t0,
                "throughput_img_s": thr,
                "power_w": power.watts,
                "energy_j": power.energy_j,
                "power_note": power.reason if power.reason else None,
                "img_s_per_w": S.efficiency_img_s_per_w(thr, power.watts),
                "peak_allocated_mib": torch.cuda.max_memory_allocated(self.device) / 2**20 if self.cuda else None,
                "peak_reserved_mib": torch.cuda.max_memory_reserved(self.device) / 2**20 if self.cuda else None,
                "sm_clock_mhz": clock,
                "point_wall_s": time.perf_counter() - t_start,
                "latencies_ms": lat_ms,
            }
            return P.Measured(pt, data, summary.mean_ms / 1000.0)
        except Exception as e:  # noqa: BLE001 - sorted below: genuine skips are recorded, the rest raised
            net = x = graph_obj = out = call = None
            kind = skip_kind(e, torch)
            if kind is None:
                raise  # a harness bug (or a device failure, which `finally` turns into Aborted): stop
            if kind == "oom" and ser.execution == "eager":
                key = (ser.model, ser.width, ser.height, ser.precision)
                self.eager_oom[key] = min(pt.batch, self.eager_oom.get(key, pt.batch))
            self.healthy_or_abort(e)
            return P.Skipped(pt, kind, first_line(e)[:160])
        finally:
            net = x = graph_obj = out = call = None
            try:
                self.sync()
            except Exception as e:
                raise Aborted("the device failed: %s" % first_line(e)) from e

    def healthy_or_abort(self, cause: BaseException) -> None:
        """After an unexpected error: if the device no longer synchronises, stop the run."""
        try:
            self.sync()
            self.release()
        except Exception as e:
            raise Aborted("the device failed after %s: %s" % (type(cause).__name__, e)) from cause
