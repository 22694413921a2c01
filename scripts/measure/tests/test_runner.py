"""The device runner's logic that needs no device: out-of-memory and unsupported-point detection, the
NVML handle, and which points it refuses before trying. (test_torchnet measures a real point on the
CPU where PyTorch is installed.)"""
import unittest
from types import SimpleNamespace

from atlas_measure import plan as P
from atlas_measure import runner as R


class FakeOOM(RuntimeError):
    pass


FAKE_TORCH = SimpleNamespace(
    cuda=SimpleNamespace(OutOfMemoryError=FakeOOM, get_device_properties=lambda i: SimpleNamespace(uuid="1234-abcd")),
    device=lambda d: SimpleNamespace(type=d.split(":")[0], index=0),
)


class OomTest(unittest.TestCase):
    def test_out_of_memory_is_recognised(self):
        self.assertTrue(R.is_oom(FakeOOM("CUDA out of memory. Tried to allocate 2.00 GiB"), FAKE_TORCH))
        self.assertTrue(R.is_oom(RuntimeError("cuDNN error: CUDNN_STATUS_ALLOC_FAILED"), FAKE_TORCH))
        self.assertTrue(R.is_oom(RuntimeError("CUBLAS_STATUS_ALLOC_FAILED when calling cublasCreate"), FAKE_TORCH))
        self.assertFalse(R.is_oom(RuntimeError("CUDA error: an illegal memory access was encountered"), FAKE_TORCH))
        self.assertFalse(R.is_oom(ValueError("bad shape"), SimpleNamespace()))

    def test_an_error_raised_while_handling_an_oom_counts_as_oom(self):
        # A failed graph capture: capture_end raises while the out-of-memory error propagates.
        try:
            try:
                raise FakeOOM("CUDA out of memory")
            except FakeOOM:
                raise RuntimeError("CUDA error: operation failed due to a previous error during capture")
        except RuntimeError as e:
            self.assertTrue(R.is_oom(e, FAKE_TORCH))

    def test_only_points_the_device_cannot_run_are_skips(self):
        # Messages as PyTorch prints them (1.13 CPU build; CUDA builds).
        self.assertEqual(R.skip_kind(FakeOOM("CUDA out of memory. Tried to allocate 2.00 GiB"), FAKE_TORCH), "oom")
        unsupported = [
            RuntimeError('"slow_conv2d_cpu" not implemented for \'Half\''),
            NotImplementedError("Could not run 'aten::empty_strided' with arguments from the 'CUDA' backend."),
            RuntimeError("cuDNN error: CUDNN_STATUS_NOT_SUPPORTED. This error may appear if you passed in a non-contiguous input."),
            RuntimeError("Expected canUse32BitIndexMath(input) && canUse32BitIndexMath(output) to be true, but got false."),
        ]
        for e in unsupported:
            self.assertEqual(R.skip_kind(e, FAKE_TORCH), "unsupported", str(e))
        # Harness bugs and device failures are not skips.
        bugs = [
            TypeError("forward() missing 1 required positional argument: 'x'"),
            KeyError("resnet50_v1.5"),
            ValueError("not implemented for 'Half'"),  # the right words from the wrong kind of error
            RuntimeError("mat1 and mat2 shapes cannot be multiplied (2x1024 and 2048x1000)"),
            RuntimeError("CUDA error: an illegal memory access was encountered"),
        ]
        for e in bugs:
            self.assertIsNone(R.skip_kind(e, FAKE_TORCH), str(e))

    def test_first_line(self):
        self.assertEqual(R.first_line(RuntimeError("a\nb")), "a")
        self.assertEqual(R.first_line(RuntimeError()), "RuntimeError")


class NvmlHandleTest(unittest.TestCase):
    def test_by_uuid_then_by_index(self):
        class Nvml:
            def __init__(self, uuids):
                self.uuids = uuids

            def nvmlInit(self):
                pass

            def nvmlDeviceGetHandleByUUID(self, u):
                if u not in self.uuids:
                    raise KeyError(u)
                return "by-uuid:" + u

            def nvmlDeviceGetHandleByIndex(self, i):
                return "by-index:%d" % i

        self.assertEqual(R.nvml_handle(FAKE_TORCH, Nvml({"GPU-1234-abcd"}), 0), ("by-uuid:GPU-1234-abcd", None))
        handle, note = R.nvml_handle(FAKE_TORCH, Nvml(set()), 0)
        self.assertEqual(handle, "by-index:0")
        self.assertIn("by index", note)
        self.assertEqual(R.nvml_handle(FAKE_TORCH, None, 0)[0], None)

    def test_nvml_that_cannot_start(self):
        nvml = SimpleNamespace(nvmlInit=lambda: (_ for _ in ()).throw(RuntimeError("Driver Not Loaded")))
        handle, note = R.nvml_handle(FAKE_TORCH, nvml, 0)
        self.assertIsNone(handle)
        self.assertIn("Driver Not Loaded", note)


class RefusalsTest(unittest.TestCase):
    def setUp(self):
        self.runner = R.Runner(FAKE_TORCH, None, None, "cpu", {}, P.Settings())

    def test_cuda_graphs_need_cuda(self):
        ser = P.Series("yolov3", 224, 224, "fp16", "cuda-graph")
        self.assertIn("CUDA graphs", self.runner.unsupported(ser))
        self.assertIsNone(self.runner.unsupported(P.Series("yolov3", 224, 224, "fp16", "eager")))

    def test_graph_points_after_an_eager_oom_are_not_tried(self):
        self.runner.eager_oom[("yolov3", 1440, 1440, "fp32")] = 32
        graph = P.Series("yolov3", 1440, 1440, "fp32", "cuda-graph")
        self.assertIsNone(self.runner.precheck(P.Point(graph, 16)))
        skip = self.runner.precheck(P.Point(graph, 32))
        self.assertEqual(skip.kind, "memory-estimate")
        self.assertIn("eager ran out of memory at batch 32", skip.reason)
        self.assertIsNone(self.runner.precheck(P.Point(P.Series("yolov3", 1440, 1440, "fp16", "cuda-graph"), 64)))
        self.assertIsNone(self.runner.precheck(P.Point(P.Series("yolov3", 1440, 1440, "fp32", "eager"), 64)))


if __name__ == "__main__":
    unittest.main()
