/**
 * The roofline for one layer (Williams et al. 2009; NVIDIA's "GPU Performance Background"):
 * compute and memory traffic overlap, so the layer takes the longer of the two.
 */
type Bound = "compute" | "memory";

interface LayerTime {
  seconds: number;
  computeSeconds: number;
  memorySeconds: number;
  bound: Bound;
}

/** `macs` at `macsPerSecond` versus `bytes` at `bytesPerSecond`; a layer with neither takes no time. */
export function layerTime(
  macs: number,
  bytes: number,
  macsPerSecond: number,
  bytesPerSecond: number,
): LayerTime {
  const computeSeconds = macs > 0 ? macs / macsPerSecond : 0;
  const memorySeconds = bytes > 0 ? bytes / bytesPerSecond : 0;
  const bound: Bound = memorySeconds > computeSeconds ? "memory" : "compute";
  return { seconds: Math.max(computeSeconds, memorySeconds), computeSeconds, memorySeconds, bound };
}
