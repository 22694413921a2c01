import { describe, expect, it } from "vitest";
import { graphToJson } from "../../../src/pipeline/simulate/graph-json.ts";
import { resnet50 } from "../../../src/pipeline/simulate/models/resnet.ts";
import { yolov3 } from "../../../src/pipeline/simulate/models/yolov3.ts";

describe("graph JSON for the PyTorch harness", () => {
  it("exports every node with op, attributes, inputs and output shape", () => {
    const j = graphToJson(yolov3(416, 416));
    expect(j).toMatchObject({
      format: "atlas-layer-graph",
      version: 1,
      name: "yolov3",
      input: [3, 416, 416],
    });
    expect(j.nodes).toHaveLength(108); // input + L0…L106
    const l1 = j.nodes.find((n) => n.name === "L1")!;
    expect(l1).toMatchObject({
      op: "conv2d",
      output: [64, 208, 208],
      attrs: {
        out_channels: 64,
        kernel_size: 3,
        stride: 2,
        padding: 1,
        groups: 1,
        batch_norm: true,
        activation: "leaky",
      },
    });
    const route = j.nodes.find((n) => n.name === "L86")!;
    expect(route.op).toBe("concat");
    expect(route.inputs.map((i) => j.nodes[i]!.name)).toEqual(["L85", "L61"]);
    expect(j.nodes.reduce((s, n) => s + n.params, 0)).toBe(61_949_149);
    expect(j.outputs.map((o) => j.nodes[o]!.name)).toEqual(["L82", "L94", "L106"]);
  });

  it("round-trips through JSON and names torchvision's layers", () => {
    const j = graphToJson(resnet50(224, 224));
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
    expect(j.nodes.find((n) => n.name === "layer1.0.downsample.0")!.attrs).toMatchObject({
      projection: true,
      kernel_size: 1,
    });
    expect(j.nodes.find((n) => n.name === "fc")!).toMatchObject({
      op: "linear",
      attrs: { out_features: 1000, bias: true, flatten: true },
      params: 2_049_000,
    });
  });
});
