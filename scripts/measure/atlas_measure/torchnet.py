"""A PyTorch module built from a layer graph (graph.py), so the measured network is the simulated one.

torch is imported inside the functions: importing this module does not need PyTorch.
Each conv2d node becomes Conv2d (+ BatchNorm2d when the node says batch_norm) (+ ReLU or
LeakyReLU(0.1)); add sums its inputs (in place into the first where that is safe, like torchvision's
``out += identity``) and applies its activation; concat of one input and identity are aliases.
Intermediate tensors are released after their last reader, so peak memory is that of a normal
implementation rather than of a graph that keeps every activation.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import graph as G


def _activation(nn: Any, kind: str) -> Optional[Any]:
    if kind == "relu":
        return nn.ReLU(inplace=True)
    if kind == "leaky":
        return nn.LeakyReLU(0.1, inplace=True)
    return None


def module_key(name: str) -> str:
    """ModuleDict keys may not contain '.': layer1.0.conv1 → layer1_0_conv1."""
    return name.replace(".", "_")


def build(graph: G.Graph, device: Any = None, dtype: Any = None) -> Any:
    """The network as a torch.nn.Module (random weights from PyTorch's default initialisation; call
    torch.manual_seed first for repeatable ones). Layers do not depend on the input size."""
    import torch
    from torch import nn

    shapes = G.infer_shapes(graph, *graph.reference_size)
    factory = {"device": device, "dtype": dtype}
    last = G.last_uses(graph)
    inplace = G.inplace_adds(graph)

    class GraphNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.graph_name = graph.name
            self.layers = nn.ModuleDict()
            # (node id, op, module key or None, input ids, activation, in-place, ids to release after)
            self.plan: List[Tuple[int, str, Optional[str], Tuple[int, ...], str, bool, Tuple[int, ...]]] = []
            release: Dict[int, List[int]] = {}
            for n in graph.nodes:
                if n.op != "input" and last[n.id] < len(graph.nodes):
                    release.setdefault(last[n.id], []).append(n.id)
            keys = set()
            for n in graph.nodes:
                a = n.attrs
                key = None
                mod = None
                if n.op == "conv2d":
                    cin = shapes[n.inputs[0]][0]
                    parts = [nn.Conv2d(cin, a["out_channels"], a["kernel_size"], stride=a["stride"], padding=a["padding"],
                                       dilation=a["dilation"], groups=a["groups"], bias=a["bias"], **factory)]
                    if a["batch_norm"]:
                        parts.append(nn.BatchNorm2d(a["out_channels"], **factory))
                    act = _activation(nn, a["activation"])
                    if act is not None:
                        parts.append(act)
                    mod = nn.Sequential(*parts)
                elif n.op == "maxpool":
                    mod = nn.MaxPool2d(a["kernel_size"], stride=a["stride"], padding=a["padding"])
                elif n.op == "avgpool":
                    mod = nn.AvgPool2d(a["kernel_size"], stride=a["stride"], padding=a["padding"])
                elif n.op == "globalavgpool":
                    mod = nn.AdaptiveAvgPool2d(1)
                elif n.op == "linear":
                    fin = shapes[n.inputs[0]][0] * shapes[n.inputs[0]][1] * shapes[n.inputs[0]][2]
                    mod = nn.Sequential(nn.Flatten(1), nn.Linear(fin, a["out_features"], bias=a["bias"], **factory))
                elif n.op == "upsample":
                    mod = nn.Upsample(scale_factor=a["scale_factor"], mode="nearest")
                elif n.op == "relu":
                    mod = nn.ReLU()
                if mod is not None:
                    key = module_key(n.name)
                    if key in keys:
                        raise G.GraphError("%s: two nodes map to module name %s" % (graph.name, key))
                    keys.add(key)
                    self.layers[key] = mod
                self.plan.append((n.id, n.op, key, tuple(n.inputs), str(a.get("activation", "linear")), inplace[n.id],
                                  tuple(release.get(n.id, ()))))
            self.outputs = tuple(graph.outputs)
            self.size = len(graph.nodes)

        def forward(self, x: Any) -> Any:
            vals: List[Any] = [None] * self.size
            vals[0] = x
            for nid, op, key, ins, act, in_place, free in self.plan:
                if op == "input":
                    pass
                elif key is not None:
                    vals[nid] = self.layers[key](vals[ins[0]])
                elif op == "add":
                    if in_place:
                        y = vals[ins[0]]
                        for i in ins[1:]:
                            y += vals[i]
                    else:
                        y = vals[ins[0]] + vals[ins[1]]
                        for i in ins[2:]:
                            y += vals[i]
                    if act == "relu":
                        y = torch.relu_(y)
                    elif act == "leaky":
                        y = torch.nn.functional.leaky_relu_(y, 0.1)
                    vals[nid] = y
                elif op == "concat":
                    vals[nid] = vals[ins[0]] if len(ins) == 1 else torch.cat([vals[i] for i in ins], 1)
                elif op == "identity":
                    vals[nid] = vals[ins[0]]
                else:  # pragma: no cover - parse_graph refuses unknown ops
                    raise RuntimeError("unknown op " + op)
                for i in free:
                    vals[i] = None
            outs = tuple(vals[o] for o in self.outputs)
            return outs[0] if len(outs) == 1 else outs

    return GraphNet()


def param_count(module: Any) -> int:
    return sum(int(p.numel()) for p in module.parameters())


def node_shapes(module: Any, x: Any) -> List[Optional[Tuple[int, int, int]]]:
    """Per-image output shape of every node for input x (batch dimension dropped), by running the
    module's plan step by step; used to check the module against graph.infer_shapes."""
    import torch

    shapes: List[Optional[Tuple[int, int, int]]] = [None] * module.size
    vals: List[Any] = [None] * module.size
    vals[0] = x
    with torch.inference_mode():
        for nid, op, key, ins, act, in_place, free in module.plan:
            if op == "input":
                y = x
            elif key is not None:
                y = module.layers[key](vals[ins[0]])
            elif op == "add":
                y = vals[ins[0]] + sum(vals[i] for i in ins[1:])
            elif op == "concat":
                y = torch.cat([vals[i] for i in ins], 1)
            else:
                y = vals[ins[0]]
            vals[nid] = y
            s = tuple(y.shape[1:])
            shapes[nid] = (s[0], s[1] if len(s) > 1 else 1, s[2] if len(s) > 2 else 1)  # type: ignore[assignment]
            for i in free:
                vals[i] = None
    return shapes


def check_module(graph: G.Graph, module: Any, x: Any) -> List[str]:
    """Differences between the module and the graph: parameter count, and every node's output shape
    for input x (whose H×W may be any size the graph accepts). Empty: the module is the graph."""
    problems = []
    expected = G.count_params(graph)
    got = param_count(module)
    if got != expected:
        problems.append("%s: PyTorch has %d parameters, the simulator's graph %d" % (graph.name, got, expected))
    h, w = int(x.shape[2]), int(x.shape[3])
    want = G.infer_shapes(graph, w, h)
    have = node_shapes(module, x)
    for n, a, b in zip(graph.nodes, want, have):
        if tuple(a) != b:
            problems.append("%s/%s at %dx%d: PyTorch output %r, graph %r" % (graph.name, n.name, w, h, b, a))
    return problems


def outputs_shapes(out: Any) -> Sequence[Tuple[int, ...]]:
    outs = out if isinstance(out, tuple) else (out,)
    return [tuple(o.shape) for o in outs]
