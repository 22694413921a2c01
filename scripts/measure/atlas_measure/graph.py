"""The simulator's layer graph (scripts/measure/graphs/<model>.json, written by
scripts/export-graphs.ts from src/pipeline/simulate/graph-json.ts), read and re-derived for any input
size without PyTorch.

The JSON holds one graph at a reference size. The harness keeps only the layer attributes from it and
recomputes every output shape, MAC count and parameter count with the simulator's rules
(src/pipeline/simulate/graph.ts); ``check_reference`` then requires the recomputed numbers to equal the
ones in the file, so the network PyTorch runs is the network the simulator simulates.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

FORMAT = "atlas-layer-graph"
VERSION = 1

GRAPHS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "graphs")

MODEL_IDS = ("resnet50_v1.5", "resnext101_32x4d", "yolov3")
# The simulator CLI's aliases (src/pipeline/simulate/models/index.ts, MODEL_ALIASES).
MODEL_ALIASES = {"resnet50": "resnet50_v1.5", "resnet50-v1.5": "resnet50_v1.5", "resnext101": "resnext101_32x4d"}
# YOLOv3 needs both sides to be multiples of 32 (the concat after each upsample must line up); the
# simulator letterboxes (pads) other sizes up, and so does the harness.
YOLO_STRIDE = 32

Shape = Tuple[int, int, int]  # per image: channels, height, width

# Attributes each op must carry, with their types; the JSON may carry more (they are ignored).
_INT = int
_REQUIRED: Dict[str, Dict[str, type]] = {
    "input": {},
    "conv2d": {
        "out_channels": _INT,
        "kernel_size": _INT,
        "stride": _INT,
        "padding": _INT,
        "dilation": _INT,
        "groups": _INT,
        "bias": bool,
        "batch_norm": bool,
        "activation": str,
    },
    "relu": {},
    "maxpool": {"kernel_size": _INT, "stride": _INT, "padding": _INT},
    "avgpool": {"kernel_size": _INT, "stride": _INT, "padding": _INT},
    "globalavgpool": {},
    "add": {"activation": str},
    "concat": {"dim": _INT},
    "upsample": {"scale_factor": _INT, "mode": str},
    "linear": {"out_features": _INT, "bias": bool},
    "identity": {},
}
OPS = tuple(_REQUIRED)
ACTIVATIONS = ("linear", "relu", "leaky")


class GraphError(ValueError):
    """The graph file breaks the format, or a shape rule fails at the size asked for."""


@dataclass(frozen=True)
class Node:
    id: int
    name: str
    op: str
    attrs: Dict[str, object]
    inputs: Tuple[int, ...]
    # Reference values from the file (at the graph's own input size).
    output: Shape
    macs: int
    params: int


@dataclass(frozen=True)
class Graph:
    name: str
    input: Shape
    nodes: Tuple[Node, ...]
    outputs: Tuple[int, ...]
    notes: Tuple[str, ...] = field(default=())

    @property
    def reference_size(self) -> Tuple[int, int]:
        """(width, height) the file was exported at."""
        return (self.input[2], self.input[1])


def resolve_model_id(name: str) -> Optional[str]:
    if name in MODEL_IDS:
        return name
    return MODEL_ALIASES.get(name)


def graph_path(model: str, graphs_dir: str = GRAPHS_DIR) -> str:
    return os.path.join(graphs_dir, model + ".json")


def load_graph(model: str, graphs_dir: str = GRAPHS_DIR) -> Graph:
    path = graph_path(model, graphs_dir)
    with open(path, "r", encoding="utf-8") as f:
        try:
            obj = json.load(f)
        except json.JSONDecodeError as e:
            raise GraphError("%s: not valid JSON (%s)" % (path, e)) from None
    g = parse_graph(obj, path)
    if g.name != model:
        raise GraphError("%s: graph name %r does not match the file name (%r)" % (path, g.name, model))
    return g


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _shape(v: object, where: str) -> Shape:
    if not (isinstance(v, list) and len(v) == 3 and all(_is_int(x) and x >= 1 for x in v)):
        raise GraphError("%s: expected [C, H, W] of positive integers, found %r" % (where, v))
    return (v[0], v[1], v[2])


def parse_graph(obj: object, where: str = "graph") -> Graph:
    """Validates the JSON structure (format, ids, references, attributes) and returns a Graph."""
    if not isinstance(obj, dict):
        raise GraphError("%s: expected a JSON object" % where)
    if obj.get("format") != FORMAT:
        raise GraphError("%s: format is %r, expected %r" % (where, obj.get("format"), FORMAT))
    if obj.get("version") != VERSION:
        raise GraphError("%s: version %r is not supported (this harness reads version %d)" % (where, obj.get("version"), VERSION))
    name = obj.get("name")
    if not isinstance(name, str) or not name:
        raise GraphError("%s: missing graph name" % where)
    input_shape = _shape(obj.get("input"), where + ": input")
    raw_nodes = obj.get("nodes")
    if not isinstance(raw_nodes, list) or not raw_nodes:
        raise GraphError("%s: nodes must be a non-empty list" % where)
    nodes: List[Node] = []
    names = set()
    for i, raw in enumerate(raw_nodes):
        at = "%s: node %d" % (where, i)
        if not isinstance(raw, dict):
            raise GraphError(at + ": expected an object")
        if raw.get("id") != i:
            raise GraphError(at + ": id %r does not equal its position" % (raw.get("id"),))
        nname = raw.get("name")
        if not isinstance(nname, str) or not nname or nname in names:
            raise GraphError(at + ": name %r is missing or repeated" % (nname,))
        names.add(nname)
        at = "%s: node %d (%s)" % (where, i, nname)
        op = raw.get("op")
        if op not in _REQUIRED:
            raise GraphError(at + ": unknown op %r (known: %s)" % (op, ", ".join(OPS)))
        attrs = raw.get("attrs")
        if not isinstance(attrs, dict):
            raise GraphError(at + ": attrs must be an object")
        for key, typ in _REQUIRED[op].items():
            v = attrs.get(key)
            ok = _is_int(v) if typ is int else isinstance(v, typ)
            if not ok:
                raise GraphError(at + ": attribute %s must be %s, found %r" % (key, typ.__name__, v))
        if op == "conv2d":
            for key in ("out_channels", "kernel_size", "stride", "dilation", "groups"):
                if attrs[key] < 1:
                    raise GraphError(at + ": %s must be at least 1" % key)
            if attrs["padding"] < 0:
                raise GraphError(at + ": padding must not be negative")
        if op in ("conv2d", "add") and attrs["activation"] not in ACTIVATIONS:
            raise GraphError(at + ": activation %r is not one of %s" % (attrs["activation"], ", ".join(ACTIVATIONS)))
        if op == "upsample" and (attrs["mode"] != "nearest" or attrs["scale_factor"] < 1):
            raise GraphError(at + ": only nearest upsampling by a whole factor is supported")
        if op == "concat" and attrs["dim"] != 1:
            raise GraphError(at + ": only channel concatenation (dim 1) is supported")
        inputs = raw.get("inputs")
        if not isinstance(inputs, list) or not all(_is_int(x) and 0 <= x < i for x in inputs):
            raise GraphError(at + ": inputs must name earlier nodes, found %r" % (inputs,))
        expected_inputs = {"input": (0, 0), "add": (2, None), "concat": (1, None)}.get(op, (1, 1))
        lo, hi = expected_inputs
        if len(inputs) < lo or (hi is not None and len(inputs) > hi):
            raise GraphError(at + ": %s takes %s inputs, found %d" % (op, lo if lo == hi else "%d or more" % lo, len(inputs)))
        if (op == "input") != (i == 0):
            raise GraphError(at + ": the input node must be node 0, and only node 0")
        macs, params = raw.get("macs"), raw.get("params")
        if not (_is_int(macs) and _is_int(params) and macs >= 0 and params >= 0):
            raise GraphError(at + ": macs and params must be non-negative integers")
        nodes.append(Node(i, nname, op, dict(attrs), tuple(inputs), _shape(raw.get("output"), at + ": output"), macs, params))
    if nodes[0].output != input_shape:
        raise GraphError("%s: input node shape %r differs from the graph input %r" % (where, nodes[0].output, input_shape))
    outputs = obj.get("outputs")
    if not isinstance(outputs, list) or not outputs or not all(_is_int(o) and 0 < o < len(nodes) for o in outputs):
        raise GraphError("%s: outputs must name nodes, found %r" % (where, outputs))
    notes = obj.get("notes") or []
    return Graph(name, input_shape, tuple(nodes), tuple(outputs), tuple(str(n) for n in notes))


def window_out(size: int, k: int, stride: int, pad: int, dilation: int = 1) -> int:
    """PyTorch's output size for convolutions and pools (ceil_mode off), as in the simulator."""
    return (size + 2 * pad - dilation * (k - 1) - 1) // stride + 1


def model_input(model: str, width: int, height: int) -> Tuple[int, int, bool]:
    """(used width, used height, letterboxed): YOLOv3 is padded up to multiples of 32, like the simulator."""
    multiple = YOLO_STRIDE if model == "yolov3" else 1

    def pad_up(n: int) -> int:
        return -(-n // multiple) * multiple

    w, h = pad_up(width), pad_up(height)
    return w, h, (w, h) != (width, height)


def is_alias(node: Node) -> bool:
    """Nodes whose output is an existing tensor: identity, and concat of one input (Darknet route)."""
    return node.op == "identity" or (node.op == "concat" and len(node.inputs) == 1)


def infer_shapes(graph: Graph, width: int, height: int) -> List[Shape]:
    """Output shape of every node for an input of width × height, by the simulator's rules."""
    shapes: List[Shape] = []
    for n in graph.nodes:
        a = n.attrs

        def fail(msg: str) -> GraphError:
            return GraphError("%s/%s at %dx%d: %s" % (graph.name, n.name, width, height, msg))

        ins = [shapes[i] for i in n.inputs]
        if n.op == "input":
            out = (graph.input[0], height, width)
        elif n.op == "conv2d":
            c, h, w = ins[0]
            if c % a["groups"] or a["out_channels"] % a["groups"]:
                raise fail("channels %d->%d are not divisible by groups=%d" % (c, a["out_channels"], a["groups"]))
            out = (
                a["out_channels"],
                window_out(h, a["kernel_size"], a["stride"], a["padding"], a["dilation"]),
                window_out(w, a["kernel_size"], a["stride"], a["padding"], a["dilation"]),
            )
        elif n.op in ("maxpool", "avgpool"):
            c, h, w = ins[0]
            out = (c, window_out(h, a["kernel_size"], a["stride"], a["padding"]), window_out(w, a["kernel_size"], a["stride"], a["padding"]))
        elif n.op == "globalavgpool":
            out = (ins[0][0], 1, 1)
        elif n.op == "add":
            if any(s != ins[0] for s in ins):
                raise fail("add inputs differ: %s" % " vs ".join("%dx%dx%d" % s for s in ins))
            out = ins[0]
        elif n.op == "concat":
            if any(s[1:] != ins[0][1:] for s in ins):
                raise fail("concat inputs differ in height x width: %s" % " vs ".join("%dx%d" % s[1:] for s in ins))
            out = (sum(s[0] for s in ins), ins[0][1], ins[0][2])
        elif n.op == "upsample":
            c, h, w = ins[0]
            out = (c, h * a["scale_factor"], w * a["scale_factor"])
        elif n.op == "linear":
            out = (a["out_features"], 1, 1)
        else:  # relu, identity
            out = ins[0]
        if min(out) < 1:
            raise fail("output shape %dx%dx%d is empty; the input is too small for this layer" % out)
        shapes.append(out)
    return shapes


def _elements(s: Shape) -> int:
    return s[0] * s[1] * s[2]


def node_costs(graph: Graph, shapes: Sequence[Shape]) -> List[Tuple[int, int]]:
    """(MACs per image, torch parameters) of every node, from its attributes and input shapes."""
    out: List[Tuple[int, int]] = []
    for n in graph.nodes:
        a = n.attrs
        if n.op == "conv2d":
            cin = shapes[n.inputs[0]][0]
            weights = a["out_channels"] * (cin // a["groups"]) * a["kernel_size"] ** 2
            params = weights + (a["out_channels"] if a["bias"] else 0) + (2 * a["out_channels"] if a["batch_norm"] else 0)
            ho, wo = shapes[n.id][1], shapes[n.id][2]
            out.append((ho * wo * weights, params))
        elif n.op == "linear":
            fin = _elements(shapes[n.inputs[0]])
            out.append((fin * a["out_features"], fin * a["out_features"] + (a["out_features"] if a["bias"] else 0)))
        else:
            out.append((0, 0))
    return out


def linear_in_features(graph: Graph, shapes: Sequence[Shape]) -> Dict[int, int]:
    return {n.id: _elements(shapes[n.inputs[0]]) for n in graph.nodes if n.op == "linear"}


def count_params(graph: Graph) -> int:
    """Torch parameters of the network (batch norm: 2 per channel), from the attributes alone."""
    w, h = graph.reference_size
    return sum(p for _, p in node_costs(graph, infer_shapes(graph, w, h)))


def count_macs(graph: Graph, width: int, height: int) -> int:
    """Multiply-accumulates per image at width × height."""
    return sum(m for m, _ in node_costs(graph, infer_shapes(graph, width, height)))


def check_reference(graph: Graph) -> List[str]:
    """Differences between the recomputed and the exported shapes, MACs and parameters (empty: none)."""
    w, h = graph.reference_size
    shapes = infer_shapes(graph, w, h)
    costs = node_costs(graph, shapes)
    problems = []
    for n, s, (macs, params) in zip(graph.nodes, shapes, costs):
        if s != n.output:
            problems.append("%s: shape %r, file says %r" % (n.name, s, n.output))
        if macs != n.macs:
            problems.append("%s: %d MACs, file says %d" % (n.name, macs, n.macs))
        if params != n.params:
            problems.append("%s: %d params, file says %d" % (n.name, params, n.params))
    return problems


def check_size_independent(graph: Graph, width: int, height: int) -> None:
    """The harness builds one module per network; its layers must not depend on the input size."""
    ref = linear_in_features(graph, infer_shapes(graph, *graph.reference_size))
    now = linear_in_features(graph, infer_shapes(graph, width, height))
    for nid, fin in ref.items():
        if now[nid] != fin:
            raise GraphError(
                "%s/%s: the linear layer's input has %d features at %dx%d but %d at the reference size"
                % (graph.name, graph.nodes[nid].name, now[nid], width, height, fin)
            )


def alias_roots(graph: Graph) -> List[int]:
    """For each node, the node whose tensor it is (itself, unless it is an alias)."""
    roots: List[int] = []
    for n in graph.nodes:
        roots.append(roots[n.inputs[0]] if is_alias(n) else n.id)
    return roots


def last_uses(graph: Graph) -> List[int]:
    """Index of the last node that reads each node's output (outputs: past the end; unused: itself)."""
    last = [n.id for n in graph.nodes]
    for n in graph.nodes:
        for i in n.inputs:
            last[i] = max(last[i], n.id)
    for o in graph.outputs:
        last[o] = len(graph.nodes)
    return last


def inplace_adds(graph: Graph) -> List[bool]:
    """Adds that may write into their first input (as torchvision's ``out += identity``): the tensor
    is not the network input, not an output, and nothing reads it (under any alias) afterwards."""
    roots, last = alias_roots(graph), last_uses(graph)
    ok = [False] * len(graph.nodes)
    for n in graph.nodes:
        if n.op != "add":
            continue
        root = roots[n.inputs[0]]
        if root == 0 or any(roots[i] == root for i in n.inputs[1:]):
            continue
        sharing = [m.id for m in graph.nodes if roots[m.id] == root]
        ok[n.id] = all(last[m] <= n.id for m in sharing)
    return ok


def activation_lower_bound(graph: Graph, width: int, height: int) -> int:
    """Elements per image that must be live at once at some node: its distinct inputs plus its output
    (an in-place add writes no new tensor). A lower bound on activation memory, used to skip batches
    that cannot fit without trying them."""
    shapes = infer_shapes(graph, width, height)
    roots, inplace = alias_roots(graph), inplace_adds(graph)
    best = _elements(shapes[0])
    for n in graph.nodes:
        if n.op == "input" or is_alias(n):
            continue
        distinct = {roots[i] for i in n.inputs}
        live = sum(_elements(shapes[r]) for r in distinct)
        if not inplace[n.id]:
            live += _elements(shapes[n.id])
        best = max(best, live)
    return best


def describe(graph: Graph, width: int, height: int) -> Dict[str, object]:
    """Shapes and counts at one size, as plain data (printed by ``measure.py --describe``)."""
    shapes = infer_shapes(graph, width, height)
    costs = node_costs(graph, shapes)
    return {
        "name": graph.name,
        "input": [graph.input[0], height, width],
        "nodes": [
            {"name": n.name, "op": n.op, "output": list(s), "macs": m, "params": p}
            for n, s, (m, p) in zip(graph.nodes, shapes, costs)
        ],
        "params": sum(p for _, p in costs),
        "macs": sum(m for m, _ in costs),
        "activation_lower_bound_elements": activation_lower_bound(graph, width, height),
    }
