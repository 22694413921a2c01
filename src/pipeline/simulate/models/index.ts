/** The model registry: ids, aliases, and input-size handling (YOLOv3 is letterboxed up to multiples of 32). */
import type { Graph } from "../graph.ts";
import { resnet50, resnext101_32x4d, seResnext101_32x4d } from "./resnet.ts";
import { yolov3, YOLO_STRIDE } from "./yolov3.ts";

/** The networks the simulator can build (labels.ts MODEL_IDS names every model the data may use). */
export const SIMULATED_MODEL_IDS = [
  "resnet50_v1.5",
  "resnext101_32x4d",
  "se_resnext101_32x4d",
  "yolov3",
] as const;
export type ModelId = (typeof SIMULATED_MODEL_IDS)[number];

/**
 * The networks the atlas's sweep and the PyTorch harness cover: the report's three (ResNet-50, the
 * grouped ResNeXt, the megapixel YOLOv3). SE-ResNeXt101 is simulated where a study measured it.
 */
export const SWEEP_MODELS: readonly ModelId[] = ["resnet50_v1.5", "resnext101_32x4d", "yolov3"];

/**
 * Names accepted besides the ids: by the CLI, and for data rows whose model is `resnet50` (version
 * not stated), which the simulator builds as v1.5, the version of torchvision and NVIDIA's tables.
 */
export const MODEL_ALIASES: Readonly<Record<string, ModelId>> = {
  resnet50: "resnet50_v1.5",
  "resnet50-v1.5": "resnet50_v1.5",
  resnext101: "resnext101_32x4d",
  "se-resnext101": "se_resnext101_32x4d",
};

export function resolveModelId(name: string): ModelId | null {
  if ((SIMULATED_MODEL_IDS as readonly string[]).includes(name)) return name as ModelId;
  return MODEL_ALIASES[name] ?? null;
}

/** The input a model was asked for and the one it was built at (they differ when letterboxed). */
export interface InputSize {
  width: number;
  height: number;
  usedWidth: number;
  usedHeight: number;
  letterboxed: boolean;
}

export interface BuiltModel {
  model: ModelId;
  input: InputSize;
  graph: Graph;
}

/** Pads a side up to the next multiple (letterboxing keeps the image and adds borders). */
const padUp = (n: number, multiple: number): number => Math.ceil(n / multiple) * multiple;

/** The input size a model is built at: YOLOv3 pads to multiples of 32, the ResNets take any size. */
export function modelInput(model: ModelId, width: number, height: number): InputSize {
  const multiple = model === "yolov3" ? YOLO_STRIDE : 1;
  const usedWidth = padUp(width, multiple);
  const usedHeight = padUp(height, multiple);
  return { width, height, usedWidth, usedHeight, letterboxed: usedWidth !== width || usedHeight !== height };
}

export function buildModel(model: ModelId, width: number, height: number): BuiltModel {
  const input = modelInput(model, width, height);
  const build = {
    "resnet50_v1.5": resnet50,
    resnext101_32x4d,
    se_resnext101_32x4d: seResnext101_32x4d,
    yolov3,
  }[model];
  return { model, input, graph: build(input.usedWidth, input.usedHeight) };
}

/** A file- and URL-safe form of a model id for the sweep's series ids (`resnet50_v1.5` → `resnet50-v1-5`). */
export const seriesModelSlug = (model: string): string =>
  model
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
