/**
 * `tsx scripts/export-graphs.ts [--check]`: the simulator's layer graphs of the three measured networks
 * as JSON in scripts/measure/graphs/<model>.json, the one description of each network that both the
 * simulator and the PyTorch harness (scripts/measure/, docs/measure.md) build from.
 *
 * Each graph is exported at one reference size; the harness rebuilds the network for any input size
 * from the layer attributes and checks the shapes, MACs and parameters it infers against the numbers
 * in the file. `--check` writes nothing and exits 1 when a committed file differs from the export.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { graphToJson, type GraphJson } from "../src/pipeline/simulate/graph-json.ts";
import { buildModel, SWEEP_MODELS, type ModelId } from "../src/pipeline/simulate/models/index.ts";

/** Size each graph is exported at: the ResNets' ImageNet size, YOLOv3's Darknet default. */
const REFERENCE_SIZES: Readonly<Partial<Record<ModelId, { width: number; height: number }>>> = {
  "resnet50_v1.5": { width: 224, height: 224 },
  resnext101_32x4d: { width: 224, height: 224 },
  yolov3: { width: 416, height: 416 },
};

export const GRAPHS_DIR = join("scripts", "measure", "graphs");

/** Stable, diff-friendly JSON: top-level keys one per line, one node per line. */
function formatGraphJson(j: GraphJson): string {
  const lines: string[] = ["{"];
  const entries = Object.entries(j);
  entries.forEach(([key, value], i) => {
    const comma = i < entries.length - 1 ? "," : "";
    if (Array.isArray(value) && (key === "nodes" || key === "notes")) {
      lines.push(`  ${JSON.stringify(key)}: [`);
      for (const [k, item] of value.entries())
        lines.push(`    ${JSON.stringify(item)}${k < value.length - 1 ? "," : ""}`);
      lines.push(`  ]${comma}`);
    } else {
      lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value)}${comma}`);
    }
  });
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** File name (relative to GRAPHS_DIR) → contents, for every model. */
export function exportGraphs(): Map<string, string> {
  const files = new Map<string, string>();
  for (const model of SWEEP_MODELS) {
    const { width, height } = REFERENCE_SIZES[model]!;
    const built = buildModel(model, width, height);
    if (built.input.letterboxed)
      throw new Error(`${model}: reference size ${width}×${height} would be letterboxed`);
    files.set(`${model}.json`, formatGraphJson(graphToJson(built.graph)));
  }
  return files;
}

/** Files under `root` that differ from the export (missing ones included). */
export function staleGraphs(root: string): string[] {
  const stale: string[] = [];
  for (const [name, text] of exportGraphs()) {
    const path = join(root, GRAPHS_DIR, name);
    if (!existsSync(path) || readFileSync(path, "utf8") !== text) stale.push(join(GRAPHS_DIR, name));
  }
  return stale;
}

function main(argv: string[]): number {
  const root = process.cwd();
  if (argv.includes("--check")) {
    const stale = staleGraphs(root);
    for (const s of stale)
      process.stderr.write(
        `${s} differs from the simulator's graph; run: npx tsx scripts/export-graphs.ts\n`,
      );
    return stale.length ? 1 : 0;
  }
  const unknown = argv.filter((a) => a !== "--check");
  if (unknown.length) {
    process.stderr.write(
      `unknown argument ${JSON.stringify(unknown[0])}; usage: tsx scripts/export-graphs.ts [--check]\n`,
    );
    return 2;
  }
  mkdirSync(join(root, GRAPHS_DIR), { recursive: true });
  for (const [name, text] of exportGraphs()) {
    writeFileSync(join(root, GRAPHS_DIR, name), text);
    process.stdout.write(`wrote ${join(GRAPHS_DIR, name)}\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
