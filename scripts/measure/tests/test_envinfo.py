import unittest
from types import SimpleNamespace

from atlas_measure import envinfo as E


class NvmlError(Exception):
    pass


def fake_torch():
    props = SimpleNamespace(name="NVIDIA H100 80GB HBM3", total_memory=85520809984, major=9, minor=0, multi_processor_count=132, L2_cache_size=52428800)
    return SimpleNamespace(
        __version__="2.4.0+cu124",
        version=SimpleNamespace(cuda="12.4"),
        backends=SimpleNamespace(cudnn=SimpleNamespace(version=lambda: 90100)),
        cuda=SimpleNamespace(is_available=lambda: True, get_device_properties=lambda i: props),
    )


class FakeNvml:
    NVML_CLOCK_SM, NVML_CLOCK_MEM, NVML_CLOCK_GRAPHICS = 1, 2, 0

    def __init__(self, energy=True, app_clocks=True):
        self.energy, self.app_clocks = energy, app_clocks
        self.calls = []

    def nvmlInit(self):
        self.calls.append("init")

    def nvmlDeviceGetHandleByIndex(self, i):
        return "handle-%d" % i

    def nvmlSystemGetDriverVersion(self):
        return b"550.54.15"  # older nvidia-ml-py returns bytes

    def nvmlSystemGetCudaDriverVersion(self):
        return 12040

    def nvmlDeviceGetName(self, h):
        return "NVIDIA H100 80GB HBM3"

    def nvmlDeviceGetMemoryInfo(self, h):
        return SimpleNamespace(total=85520809984)

    def nvmlDeviceGetPowerManagementLimit(self, h):
        return 700000  # mW

    def nvmlDeviceGetEnforcedPowerLimit(self, h):
        return 650000

    def nvmlDeviceGetPowerManagementDefaultLimit(self, h):
        return 700000

    def nvmlDeviceGetClockInfo(self, h, which):
        return {1: 1755, 2: 2619, 0: 1755}[which]

    def nvmlDeviceGetMaxClockInfo(self, h, which):
        return {1: 1980, 2: 2619, 0: 1980}[which]

    def nvmlDeviceGetApplicationsClock(self, h, which):
        if not self.app_clocks:
            raise NvmlError("Not Supported")
        return {1: 1980, 2: 2619, 0: 1980}[which]

    def nvmlDeviceGetPersistenceMode(self, h):
        return 1

    def nvmlDeviceGetTotalEnergyConsumption(self, h):
        if not self.energy:
            raise NvmlError("Not Supported")
        return 123456789


class CollectTest(unittest.TestCase):
    def test_every_key_with_converted_values(self):
        env = E.collect(fake_torch(), FakeNvml())
        self.assertEqual(set(env), set(E.ENV_KEYS))
        self.assertEqual(env["gpu_name"], "NVIDIA H100 80GB HBM3")
        self.assertEqual(env["gpu_compute_capability"], "9.0")
        self.assertEqual(env["gpu_multiprocessors"], 132)
        self.assertEqual(env["driver_version"], "550.54.15")
        self.assertEqual(env["nvml_cuda_driver_version"], "12.4")
        self.assertEqual(env["cuda_runtime_version"], "12.4")
        self.assertEqual(env["cudnn_version"], "9.1.0")
        self.assertEqual(env["torch_version"], "2.4.0+cu124")
        self.assertEqual(env["power_limit_w"], 700.0)
        self.assertEqual(env["enforced_power_limit_w"], 650.0)
        self.assertEqual(env["clocks_mhz"], {"sm": 1755, "memory": 2619, "graphics": 1755})
        self.assertEqual(env["max_clocks_mhz"]["sm"], 1980)
        self.assertTrue(env["persistence_mode"])
        self.assertTrue(env["energy_counter"])
        self.assertEqual(env["unavailable"], [])

    def test_failed_readings_are_none_and_listed(self):
        env = E.collect(fake_torch(), FakeNvml(energy=False, app_clocks=False))
        self.assertIsNone(env["application_clocks_mhz"])
        self.assertIs(env["energy_counter"], False)
        self.assertTrue(any(u.startswith("energy_counter: Not Supported") for u in env["unavailable"]))
        self.assertTrue(any(u.startswith("application_clocks.sm") for u in env["unavailable"]))

    def test_without_torch_or_nvml(self):
        env = E.collect(None, None)
        self.assertEqual(set(env), set(E.ENV_KEYS))
        self.assertIsNone(env["gpu_name"])
        self.assertIsNotNone(env["python_version"])
        # NVML alone still names the board.
        env = E.collect(None, FakeNvml())
        self.assertEqual(env["gpu_name"], "NVIDIA H100 80GB HBM3")
        self.assertEqual(env["gpu_memory_total_bytes"], 85520809984)

    def test_a_given_handle_is_used_without_init(self):
        nvml = FakeNvml()
        env = E.collect(fake_torch(), nvml, 0, handle="by-uuid")
        self.assertNotIn("init", nvml.calls)
        self.assertEqual(env["power_limit_w"], 700.0)

    def test_versions(self):
        self.assertEqual(E.cudnn_version_text(8907), "8.9.7")
        self.assertEqual(E.cudnn_version_text(90100), "9.1.0")
        self.assertEqual(E.cudnn_version_text(91002), "9.10.2")
        self.assertIsNone(E.cudnn_version_text(None))

    def test_describe(self):
        lines = E.describe(E.collect(fake_torch(), FakeNvml(app_clocks=False)))
        text = "\n".join(lines)
        self.assertIn("GPU: NVIDIA H100 80GB HBM3; memory 79.6 GiB; compute capability 9.0; multiprocessors 132; L2 cache 52428800 bytes.", text)
        self.assertIn("Power limit as read through NVML: 700 W (enforced 650 W, default 700 W); persistence mode on.", text)
        self.assertIn("current sm 1755 MHz, memory 2619 MHz, graphics 1755 MHz", text)
        self.assertIn("application clocks not read", text)
        self.assertIn("Host processor: ", text)
        self.assertIn("Readings not available", lines[-1])
        self.assertIn("not read", "\n".join(E.describe(E.collect(None, None))))

    def test_cpu_model_from_cpuinfo(self):
        import tempfile, os
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "cpuinfo")
            with open(p, "w") as f:
                f.write("processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8480C\n")
            self.assertEqual(E.cpu_model(p), "Intel(R) Xeon(R) Platinum 8480C")


class AcceleratorIdTest(unittest.TestCase):
    def test_known_boards(self):
        cases = {
            "NVIDIA H100 80GB HBM3": "h100-sxm",
            "NVIDIA H100 PCIe": "h100-pcie",
            "NVIDIA H100 NVL": "h100-nvl",
            "NVIDIA H200": "h200-sxm",
            "NVIDIA H200 NVL": "h200-nvl",
            "NVIDIA A100-SXM4-40GB": "a100-sxm4-40gb",
            "NVIDIA A100-SXM4-80GB": "a100-sxm4-80gb",
            "NVIDIA A100 80GB PCIe": "a100-pcie-80gb",
            "NVIDIA A100-PCIE-40GB": "a100-pcie-40gb",
            "Tesla V100-SXM2-16GB": "v100-sxm2-16gb",
            "Tesla V100-SXM2-32GB": "v100-sxm2-32gb",
            "Tesla P100-PCIE-12GB": "p100-pcie-12gb",
            "Tesla T4": "t4",
        }
        for name, ident in cases.items():
            self.assertEqual(E.accelerator_id(name), ident, name)

    def test_unknown_boards_get_a_slug(self):
        self.assertEqual(E.accelerator_id("NVIDIA GeForce RTX 4090"), "rtx-4090")
        self.assertEqual(E.accelerator_id("NVIDIA L40S"), "l40s")
        self.assertEqual(E.accelerator_id(None), "unknown-gpu")
        self.assertEqual(E.accelerator_id("???"), "unknown-gpu")


if __name__ == "__main__":
    unittest.main()
