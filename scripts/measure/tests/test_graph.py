import copy
import json
import unittest

from atlas_measure import graph as G

# The simulator's counts (test/pipeline/simulate/models.test.ts), which equal torchvision's and Darknet's.
PARAMS = {"resnet50_v1.5": 25_557_032, "resnext101_32x4d": 44_177_704, "yolov3": 61_949_149}
MACS_AT_REFERENCE = {"resnet50_v1.5": 4_089_184_256, "resnext101_32x4d": 7_969_996_800}


def load_raw(model):
    with open(G.graph_path(model), encoding="utf-8") as f:
        return json.load(f)


def shapes_by_name(graph, w, h):
    return {n.name: s for n, s in zip(graph.nodes, G.infer_shapes(graph, w, h))}


class GraphFilesTest(unittest.TestCase):
    def test_parameter_counts_from_attributes_equal_the_simulators(self):
        for model, expected in PARAMS.items():
            with self.subTest(model=model):
                g = G.load_graph(model)
                self.assertEqual(G.count_params(g), expected)
                # The counts do not depend on the input size (adaptive pooling, fully convolutional YOLO).
                self.assertEqual(sum(p for _, p in G.node_costs(g, G.infer_shapes(g, 1024, 1024))), expected)

    def test_recomputed_shapes_macs_and_params_equal_the_file(self):
        for model in G.MODEL_IDS:
            with self.subTest(model=model):
                self.assertEqual(G.check_reference(G.load_graph(model)), [])

    def test_macs_at_reference_sizes(self):
        for model, macs in MACS_AT_REFERENCE.items():
            g = G.load_graph(model)
            self.assertEqual(G.count_macs(g, 224, 224), macs)
        yolo = G.load_graph("yolov3")
        # Darknet's published BFLOPs (2·MACs) at 320, 416, 608.
        for size, bflops in ((320, 38.973), (416, 65.864), (608, 140.692)):
            self.assertAlmostEqual(2 * G.count_macs(yolo, size, size) / 1e9, bflops, places=3)

    def test_reference_sizes(self):
        self.assertEqual(G.load_graph("resnet50_v1.5").reference_size, (224, 224))
        self.assertEqual(G.load_graph("yolov3").reference_size, (416, 416))

    def test_convs_and_pools_carry_every_attribute_the_builder_needs(self):
        for model in G.MODEL_IDS:
            for node in load_raw(model)["nodes"]:
                if node["op"] == "conv2d":
                    for k in ("out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias", "batch_norm", "activation"):
                        self.assertIn(k, node["attrs"], (model, node["name"]))
                if node["op"] in ("maxpool", "avgpool"):
                    self.assertEqual(set(node["attrs"]), {"kernel_size", "stride", "padding"})


class ShapeInferenceTest(unittest.TestCase):
    def test_yolov3_darknet_shapes_at_608(self):
        s = shapes_by_name(G.load_graph("yolov3"), 608, 608)
        self.assertEqual(s["L0"], (32, 608, 608))
        self.assertEqual(s["L1"], (64, 304, 304))
        self.assertEqual(s["L36"], (256, 76, 76))
        self.assertEqual(s["L61"], (512, 38, 38))
        self.assertEqual(s["L83"], (512, 19, 19))  # route 79
        self.assertEqual(s["L85"], (256, 38, 38))  # upsample
        self.assertEqual(s["L86"], (768, 38, 38))  # route 85 61
        self.assertEqual(s["L98"], (384, 76, 76))  # route 97 36
        self.assertEqual(s["L105"], (255, 76, 76))

    def test_resnet50_at_a_non_square_size(self):
        s = shapes_by_name(G.load_graph("resnet50_v1.5"), 1920, 1080)
        self.assertEqual(s["conv1"], (64, 540, 960))
        self.assertEqual(s["layer2.0.conv2"], (128, 135, 240))
        self.assertEqual(s["layer4.2.add"], (2048, 34, 60))
        self.assertEqual(s["fc"], (1000, 1, 1))

    def test_width_and_height_are_not_swapped(self):
        s = shapes_by_name(G.load_graph("yolov3"), 2048, 1024)
        self.assertEqual(s["input"], (3, 1024, 2048))
        self.assertEqual(s["L105"], (255, 128, 256))

    def test_yolov3_cannot_be_built_at_1080_but_is_letterboxed(self):
        g = G.load_graph("yolov3")
        with self.assertRaises(G.GraphError) as cm:
            G.infer_shapes(g, 1920, 1080)
        self.assertIn("yolov3/L98", str(cm.exception))
        self.assertIn("136x240 vs 135x240", str(cm.exception))
        self.assertEqual(G.model_input("yolov3", 1920, 1080), (1920, 1088, True))
        self.assertEqual(G.model_input("yolov3", 608, 608), (608, 608, False))
        self.assertEqual(G.model_input("resnet50_v1.5", 1920, 1080), (1920, 1080, False))
        for w, h in ((224, 224), (608, 608), (1024, 1024), (1440, 1440), (2048, 1024)):
            self.assertFalse(G.model_input("yolov3", w, h)[2], (w, h))

    def test_too_small_input_is_refused(self):
        g = G.parse_graph(tiny([
            {"name": "input", "op": "input", "output": [3, 8, 8]},
            {"name": "pool", "op": "maxpool", "inputs": [0], "attrs": {"kernel_size": 3, "stride": 2, "padding": 0}},
        ], [1]))
        self.assertEqual(G.infer_shapes(g, 8, 8)[1], (3, 3, 3))
        with self.assertRaises(G.GraphError) as cm:
            G.infer_shapes(g, 2, 8)
        self.assertIn("too small", str(cm.exception))

    def test_window_out_follows_pytorch(self):
        self.assertEqual(G.window_out(224, 7, 2, 3), 112)
        self.assertEqual(G.window_out(112, 3, 2, 1), 56)
        self.assertEqual(G.window_out(57, 3, 2, 1), 29)
        self.assertEqual(G.window_out(10, 3, 1, 2, dilation=2), 10)

    def test_layers_are_size_independent_for_all_grid_sizes(self):
        for model in G.MODEL_IDS:
            g = G.load_graph(model)
            for w, h in ((224, 224), (608, 608), (1024, 1024), (1440, 1440), (2048, 1024)):
                G.check_size_independent(g, w, h)


def tiny(nodes, outputs, inp=(3, 8, 8)):
    return {"format": G.FORMAT, "version": 1, "name": "tiny", "input": list(inp),
            "nodes": [dict({"id": i, "inputs": [], "attrs": {}, "macs": 0, "params": 0, "output": [1, 1, 1]}, **n) for i, n in enumerate(nodes)],
            "outputs": outputs}


def conv(name, x, cout, k=3, stride=1, pad=1, groups=1, act="relu", bn=True, bias=False):
    return {"name": name, "op": "conv2d", "inputs": [x], "attrs": {
        "out_channels": cout, "kernel_size": k, "stride": stride, "padding": pad, "dilation": 1, "groups": groups,
        "bias": bias, "batch_norm": bn, "activation": act, "projection": False}}


class ParseAndCountTest(unittest.TestCase):
    def setUp(self):
        self.raw = tiny([
            {"name": "input", "op": "input", "output": [3, 8, 8]},
            conv("c1", 0, 16),
            conv("c2", 1, 16, groups=4),
            {"name": "sum", "op": "add", "inputs": [2, 1], "attrs": {"activation": "relu"}},
            {"name": "route", "op": "concat", "inputs": [3], "attrs": {"dim": 1}},
            {"name": "up", "op": "upsample", "inputs": [4], "attrs": {"scale_factor": 2, "mode": "nearest"}},
            {"name": "cat", "op": "concat", "inputs": [5, 5], "attrs": {"dim": 1}},
            {"name": "pool", "op": "globalavgpool", "inputs": [6]},
            {"name": "fc", "op": "linear", "inputs": [7], "attrs": {"out_features": 10, "bias": True, "flatten": True}},
        ], [8])

    def test_counts_by_hand(self):
        g = G.parse_graph(self.raw)
        shapes = G.infer_shapes(g, 8, 8)
        self.assertEqual(shapes[1], (16, 8, 8))
        self.assertEqual(shapes[5], (16, 16, 16))
        self.assertEqual(shapes[6], (32, 16, 16))
        costs = G.node_costs(g, shapes)
        # c1: 16·3·9 = 432 weights + 32 BN params; 64 positions → 27,648 MACs.
        self.assertEqual(costs[1], (432 * 64, 432 + 32))
        # c2: groups 4 → 16·(16/4)·9 = 576 weights + 32 BN.
        self.assertEqual(costs[2], (576 * 64, 576 + 32))
        # fc: 32·10 weights + 10 biases.
        self.assertEqual(costs[8], (320, 330))
        self.assertEqual(G.count_params(g), 464 + 608 + 330)

    def test_aliases_liveness_and_inplace_adds(self):
        g = G.parse_graph(self.raw)
        self.assertEqual(G.alias_roots(g)[4], 3)  # one-input concat is an alias
        last = G.last_uses(g)
        self.assertEqual(last[1], 3)  # c1 is read last by the add
        self.assertEqual(last[8], len(g.nodes))  # outputs live to the end
        # The add may write into c2's output (read by nothing else) ...
        self.assertTrue(G.inplace_adds(g)[3])
        # ... but not into c1's if c1 were read again later.
        raw = copy.deepcopy(self.raw)
        raw["nodes"][3]["inputs"] = [1, 2]
        raw["nodes"][6]["inputs"] = [5, 1]  # cat reads c1 again (shapes differ, but liveness comes first)
        self.assertFalse(G.inplace_adds(G.parse_graph(raw))[3])

    def test_activation_lower_bound(self):
        g = G.parse_graph(self.raw)
        # Largest live set: 'cat' reads up (16·16·16 = 4096, once though listed twice) and writes 8192.
        self.assertEqual(G.activation_lower_bound(g, 8, 8), 4096 + 8192)

    def test_linear_without_global_pool_depends_on_size(self):
        raw = tiny([
            {"name": "input", "op": "input", "output": [3, 8, 8]},
            {"name": "fc", "op": "linear", "inputs": [0], "attrs": {"out_features": 2, "bias": True}},
        ], [1])
        g = G.parse_graph(raw)
        G.check_size_independent(g, 8, 8)
        with self.assertRaises(G.GraphError):
            G.check_size_independent(g, 16, 8)

    def test_validation_errors(self):
        def broken(change):
            raw = copy.deepcopy(self.raw)
            change(raw)
            with self.assertRaises(G.GraphError) as cm:
                G.parse_graph(raw, "tiny.json")
            return str(cm.exception)

        self.assertIn("format", broken(lambda r: r.update(format="other")))
        self.assertIn("version", broken(lambda r: r.update(version=2)))
        self.assertIn("unknown op", broken(lambda r: r["nodes"][1].update(op="conv3d")))
        self.assertIn("groups", broken(lambda r: r["nodes"][1]["attrs"].pop("groups")))
        self.assertIn("stride", broken(lambda r: r["nodes"][1]["attrs"].update(stride=True)))
        self.assertIn("earlier nodes", broken(lambda r: r["nodes"][1].update(inputs=[5])))
        self.assertIn("id", broken(lambda r: r["nodes"][2].update(id=7)))
        self.assertIn("repeated", broken(lambda r: r["nodes"][2].update(name="c1")))
        self.assertIn("activation", broken(lambda r: r["nodes"][1]["attrs"].update(activation="gelu")))
        self.assertIn("2 or more", broken(lambda r: r["nodes"][3].update(inputs=[2])))
        self.assertIn("outputs", broken(lambda r: r.update(outputs=[99])))
        self.assertIn("input node", broken(lambda r: r["nodes"][0].update(output=[3, 9, 9])))

    def test_shape_rules(self):
        raw = copy.deepcopy(self.raw)
        raw["nodes"][2]["attrs"]["groups"] = 3
        with self.assertRaises(G.GraphError) as cm:
            G.infer_shapes(G.parse_graph(raw), 8, 8)
        self.assertIn("groups=3", str(cm.exception))
        raw = copy.deepcopy(self.raw)
        raw["nodes"][2]["attrs"]["stride"] = 2
        with self.assertRaises(G.GraphError) as cm:
            G.infer_shapes(G.parse_graph(raw), 8, 8)
        self.assertIn("add inputs differ", str(cm.exception))

    def test_model_ids_and_describe(self):
        self.assertEqual(G.resolve_model_id("resnet50"), "resnet50_v1.5")
        self.assertEqual(G.resolve_model_id("resnext101"), "resnext101_32x4d")
        self.assertIsNone(G.resolve_model_id("vgg16"))
        d = G.describe(G.load_graph("resnet50_v1.5"), 320, 256)
        self.assertEqual(d["input"], [3, 256, 320])
        self.assertEqual(d["params"], PARAMS["resnet50_v1.5"])
        self.assertEqual(d["nodes"][-1]["output"], [1000, 1, 1])


if __name__ == "__main__":
    unittest.main()
