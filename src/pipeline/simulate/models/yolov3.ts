/**
 * YOLOv3 as in pjreddie/darknet `cfg/yolov3.cfg`: Darknet-53 and the three-scale head. Nodes are named
 * `L0`…`L106` with Darknet's layer indices, so `route` and `shortcut` references read as in the cfg.
 * Darknet's `pad=1` means padding = size/2; conv layers carry a folded batch norm and leaky ReLU,
 * except the three 1×1 detection convs (linear, with bias).
 */
import { graphBuilder, type Graph } from "../graph.ts";

/** Both sides must be multiples of this, or the concat after each upsample cannot line up. */
export const YOLO_STRIDE = 32;

export function yolov3(width: number, height: number, classes = 80): Graph {
  const g = graphBuilder("yolov3");
  // Darknet index → node id; the input node is not a Darknet layer.
  const L: number[] = [];
  const input = g.input("input", { c: 3, h: height, w: width });
  const last = (): number => L[L.length - 1] ?? input;
  const at = (i: number): number => {
    const id = L[i];
    if (id === undefined) throw new Error(`yolov3: layer ${i} referenced before it exists`);
    return id;
  };
  const conv = (cout: number, k: number, stride = 1): void => {
    L.push(g.conv(`L${L.length}`, last(), { cout, k, stride, pad: Math.floor(k / 2), act: "leaky" }));
  };
  const head = (): void => {
    L.push(g.conv(`L${L.length}`, last(), { cout: 3 * (classes + 5), k: 1, bias: true, batchNorm: false }));
    L.push(g.identity(`L${L.length}`, last()));
  };
  const shortcut = (from: number): void => {
    L.push(g.add(`L${L.length}`, [last(), at(L.length + from)]));
  };
  const route = (...from: number[]): void => {
    const idx = L.length;
    L.push(
      g.concat(
        `L${idx}`,
        from.map((f) => at(f < 0 ? idx + f : f)),
      ),
    );
  };
  const residual = (blocks: number, c: number): void => {
    for (let b = 0; b < blocks; b++) {
      conv(c / 2, 1);
      conv(c, 3);
      shortcut(-3);
    }
  };
  // Darknet-53 backbone: L0–L74; stride-32 features end at L74.
  conv(32, 3);
  conv(64, 3, 2);
  residual(1, 64);
  conv(128, 3, 2);
  residual(2, 128);
  conv(256, 3, 2);
  residual(8, 256); // L36: stride-8 features, routed to the third head
  conv(512, 3, 2);
  residual(8, 512); // L61: stride-16 features, routed to the second head
  conv(1024, 3, 2);
  residual(4, 1024);
  // Head 1 (stride 32): L75–L82.
  for (let i = 0; i < 3; i++) {
    conv(512, 1);
    conv(1024, 3);
  }
  head();
  // Head 2 (stride 16): route L79, 1×1, upsample, concat with L61: L83–L94.
  route(-4);
  conv(256, 1);
  L.push(g.upsample(`L${L.length}`, last(), 2));
  route(-1, 61);
  for (let i = 0; i < 3; i++) {
    conv(256, 1);
    conv(512, 3);
  }
  head();
  // Head 3 (stride 8): route L91, 1×1, upsample, concat with L36: L95–L106.
  route(-4);
  conv(128, 1);
  L.push(g.upsample(`L${L.length}`, last(), 2));
  route(-1, 36);
  for (let i = 0; i < 3; i++) {
    conv(128, 1);
    conv(256, 3);
  }
  head();
  return g.build([at(82), at(94), at(106)]);
}
