"""The environment of a run: GPU, driver, CUDA, cuDNN, PyTorch, power limit and clocks as read.

``collect`` takes the torch module and the NVML module (nvidia-ml-py's ``pynvml``) as arguments, so
tests pass fakes; every reading that fails is recorded as None with the error, never guessed.
"""
from __future__ import annotations

import platform
from typing import Any, Callable, Dict, List, Optional, Tuple

ENV_KEYS = (
    "gpu_name",
    "gpu_memory_total_bytes",
    "gpu_compute_capability",
    "gpu_multiprocessors",
    "gpu_l2_cache_bytes",
    "cpu_model",
    "driver_version",
    "nvml_cuda_driver_version",
    "cuda_runtime_version",
    "cudnn_version",
    "torch_version",
    "python_version",
    "os",
    "power_limit_w",
    "enforced_power_limit_w",
    "default_power_limit_w",
    "clocks_mhz",
    "max_clocks_mhz",
    "application_clocks_mhz",
    "persistence_mode",
    "energy_counter",
    "unavailable",
)


def _text(v: Any) -> Any:
    return v.decode("utf-8", "replace") if isinstance(v, bytes) else v


def _cuda_version_text(v: Optional[int]) -> Optional[str]:
    """NVML gives the driver's CUDA version as 1000·major + 10·minor (12040 → '12.4')."""
    if v is None:
        return None
    return "%d.%d" % (v // 1000, (v % 1000) // 10)


def cudnn_version_text(v: Optional[int]) -> Optional[str]:
    """torch.backends.cudnn.version(): 8907 → '8.9.7' (cuDNN 8), 90100 → '9.1.0' (cuDNN 9 and later)."""
    if v is None:
        return None
    if v >= 90000:
        return "%d.%d.%d" % (v // 10000, (v % 10000) // 100, v % 100)
    return "%d.%d.%d" % (v // 1000, (v % 1000) // 100, v % 100)


def collect(torch: Any, nvml: Any, device_index: int = 0, handle: Any = None) -> Dict[str, Any]:
    """Reads the environment. ``torch`` may be None (dry run), ``nvml`` may be None (no NVML);
    ``handle`` is the NVML handle of the measured GPU (default: NVML's device ``device_index``)."""
    env: Dict[str, Any] = {k: None for k in ENV_KEYS}
    unavailable: List[str] = []

    def read(key: str, f: Callable[[], Any]) -> Any:
        try:
            return f()
        except Exception as e:  # a reading the driver or board does not support
            unavailable.append("%s: %s" % (key, type(e).__name__ if not str(e) else str(e)))
            return None

    env["python_version"] = platform.python_version()
    # Eager execution at small batches waits on the host: its processor is part of the result.
    env["cpu_model"] = read("cpu_model", cpu_model)
    env["os"] = platform.platform()
    if torch is not None:
        env["torch_version"] = read("torch_version", lambda: str(torch.__version__))
        env["cuda_runtime_version"] = read("cuda_runtime_version", lambda: torch.version.cuda)
        env["cudnn_version"] = read("cudnn_version", lambda: cudnn_version_text(torch.backends.cudnn.version()))
        if read("cuda_available", lambda: bool(torch.cuda.is_available())):
            props = read("gpu_properties", lambda: torch.cuda.get_device_properties(device_index))
            if props is not None:
                env["gpu_name"] = props.name
                env["gpu_memory_total_bytes"] = int(props.total_memory)
                env["gpu_compute_capability"] = "%d.%d" % (props.major, props.minor)
                env["gpu_multiprocessors"] = int(props.multi_processor_count)
                l2 = getattr(props, "L2_cache_size", None)  # PyTorch 2.1 and later
                env["gpu_l2_cache_bytes"] = int(l2) if l2 else None
    if nvml is not None:
        h = handle
        if h is None:
            ok = read("nvml_init", lambda: (nvml.nvmlInit(), True)[1])
            h = read("nvml_handle", lambda: nvml.nvmlDeviceGetHandleByIndex(device_index)) if ok else None
        if h is not None:
            env["driver_version"] = read("driver_version", lambda: _text(nvml.nvmlSystemGetDriverVersion()))
            env["nvml_cuda_driver_version"] = read("nvml_cuda_driver_version", lambda: _cuda_version_text(nvml.nvmlSystemGetCudaDriverVersion()))
            name = read("nvml_name", lambda: _text(nvml.nvmlDeviceGetName(h)))
            if env["gpu_name"] is None:
                env["gpu_name"] = name
            if env["gpu_memory_total_bytes"] is None:
                env["gpu_memory_total_bytes"] = read("memory", lambda: int(nvml.nvmlDeviceGetMemoryInfo(h).total))
            env["power_limit_w"] = read("power_limit_w", lambda: nvml.nvmlDeviceGetPowerManagementLimit(h) / 1000.0)
            env["enforced_power_limit_w"] = read("enforced_power_limit_w", lambda: nvml.nvmlDeviceGetEnforcedPowerLimit(h) / 1000.0)
            env["default_power_limit_w"] = read("default_power_limit_w", lambda: nvml.nvmlDeviceGetPowerManagementDefaultLimit(h) / 1000.0)
            env["clocks_mhz"] = read_clocks(nvml, h, "nvmlDeviceGetClockInfo", read, "clocks")
            env["max_clocks_mhz"] = read_clocks(nvml, h, "nvmlDeviceGetMaxClockInfo", read, "max_clocks")
            env["application_clocks_mhz"] = read_clocks(nvml, h, "nvmlDeviceGetApplicationsClock", read, "application_clocks")
            env["persistence_mode"] = read("persistence_mode", lambda: bool(nvml.nvmlDeviceGetPersistenceMode(h)))
            env["energy_counter"] = read("energy_counter", lambda: nvml.nvmlDeviceGetTotalEnergyConsumption(h)) is not None
    env["unavailable"] = unavailable
    return env


def cpu_model(cpuinfo: str = "/proc/cpuinfo") -> Optional[str]:
    """The host processor's name from Linux's /proc/cpuinfo ("model name"), else platform's."""
    try:
        with open(cpuinfo, encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and value.strip():
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or None


def read_clocks(nvml: Any, handle: Any, fn: str, read: Callable[[str, Callable[[], Any]], Any], key: str) -> Optional[Dict[str, int]]:
    f = getattr(nvml, fn, None)
    if f is None:
        return None
    out = {}
    for name, const in (("sm", "NVML_CLOCK_SM"), ("memory", "NVML_CLOCK_MEM"), ("graphics", "NVML_CLOCK_GRAPHICS")):
        v = read("%s.%s" % (key, name), lambda: int(f(handle, getattr(nvml, const))))
        if v is not None:
            out[name] = v
    return out or None


def describe(env: Dict[str, Any]) -> List[str]:
    """The environment as sentences for study.yaml notes (each well under 2,000 characters); values
    that could not be read say so."""

    def v(key: str, fmt: str = "%s") -> str:
        x = env.get(key)
        return "not read" if x is None else fmt % x

    def clocks(key: str) -> str:
        c = env.get(key)
        if not c:
            return "not read"
        return ", ".join("%s %d MHz" % (k, c[k]) for k in ("sm", "memory", "graphics") if k in c)

    mem = env.get("gpu_memory_total_bytes")
    l2 = env.get("gpu_l2_cache_bytes")
    lines = [
        "GPU: %s; memory %s; compute capability %s; multiprocessors %s; L2 cache %s." % (
            v("gpu_name"), "%.1f GiB" % (mem / 2**30) if mem else "not read", v("gpu_compute_capability"), v("gpu_multiprocessors"),
            "%d bytes" % l2 if l2 else "not read"),
        "Host processor: %s." % v("cpu_model"),
        "Software: NVIDIA driver %s (CUDA driver API %s); PyTorch %s; CUDA runtime %s; cuDNN %s; Python %s; %s." % (
            v("driver_version"), v("nvml_cuda_driver_version"), v("torch_version"), v("cuda_runtime_version"), v("cudnn_version"), v("python_version"), v("os")),
        "Power limit as read through NVML: %s (enforced %s, default %s); persistence mode %s." % (
            v("power_limit_w", "%.0f W"), v("enforced_power_limit_w", "%.0f W"), v("default_power_limit_w", "%.0f W"),
            {True: "on", False: "off"}.get(env.get("persistence_mode"), "not read")),
        "Clocks as read through NVML before the first point (the harness does not lock them): current %s; maximum %s; application clocks %s." % (
            clocks("clocks_mhz"), clocks("max_clocks_mhz"), clocks("application_clocks_mhz")),
    ]
    if env.get("unavailable"):
        text = "; ".join(env["unavailable"])
        lines.append("Readings not available on this system: %s." % (text[:1500] + ("…" if len(text) > 1500 else "")))
    return lines


# NVML names of boards → accelerator ids of data/accelerators/ (more specific patterns first).
ACCELERATOR_PATTERNS: Tuple[Tuple[Tuple[str, ...], str], ...] = (
    (("h100", "pcie"), "h100-pcie"),
    (("h100", "nvl"), "h100-nvl"),
    (("h100",), "h100-sxm"),  # "NVIDIA H100 80GB HBM3" is the SXM5 board
    (("h200", "nvl"), "h200-nvl"),
    (("h200",), "h200-sxm"),  # "NVIDIA H200" is the SXM board
    (("a100", "pcie", "80gb"), "a100-pcie-80gb"),
    (("a100", "80gb", "pcie"), "a100-pcie-80gb"),
    (("a100", "pcie"), "a100-pcie-40gb"),
    (("a100", "sxm4", "80gb"), "a100-sxm4-80gb"),
    (("a100", "sxm4", "40gb"), "a100-sxm4-40gb"),
    (("v100", "sxm2", "32gb"), "v100-sxm2-32gb"),
    (("v100", "sxm2", "16gb"), "v100-sxm2-16gb"),
    (("p100", "pcie", "12gb"), "p100-pcie-12gb"),
    (("t4",), "t4"),
)


def accelerator_id(gpu_name: Optional[str]) -> str:
    """An accelerator id for data/accelerators/ from the board's name; unknown boards get a slug of
    the name (a file data/accelerators/<id>.yaml may need adding, see docs/measure.md)."""
    if not gpu_name:
        return "unknown-gpu"
    tokens = [t for t in "".join(c if c.isalnum() else " " for c in gpu_name.lower()).split() if t]
    for needles, ident in ACCELERATOR_PATTERNS:
        if all(n in tokens for n in needles):
            return ident
    slug = "-".join(t for t in tokens if t not in ("nvidia", "tesla", "geforce"))
    return (slug or "unknown-gpu")[:64].strip("-")
