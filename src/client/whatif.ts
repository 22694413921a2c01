/**
 * The what-if page in the browser: form ⇄ state ⇄ URL, and the simulator run on every change.
 * The page works without this script (it shows the default view rendered at build time).
 */
import { precisionClassOf } from "../pipeline/simulate/gpu-model.ts";
import { url } from "../site/urls.ts";
import type { ExploreParams } from "./explore-params.ts";
import { runWhatIf } from "./whatif-run.ts";
import {
  checkCustom,
  CUSTOM,
  parseWhatIf,
  SIZE_LIMITS,
  whatIfQuery,
  type CustomNumber,
  type CustomSpecs,
  type WhatIfState,
} from "./whatif-state.ts";
import { whatIfView } from "./whatif-view.ts";

const MIB = 2 ** 20;
const round = (x: number): number => Number(x.toPrecision(4));

async function main(): Promise<void> {
  const form = document.getElementById("whatif-form") as HTMLFormElement | null;
  const output = document.getElementById("whatif-output");
  const status = document.getElementById("whatif-status");
  if (!form || !output || !status) return;
  const res = await fetch(url("/explore/params.json"));
  if (!res.ok) {
    status.textContent = `The simulator's parameters could not be loaded (${res.status}); the default view below was computed when the site was built.`;
    return;
  }
  const params = (await res.json()) as ExploreParams;
  const field = <T extends HTMLInputElement | HTMLSelectElement>(name: string): T =>
    form.elements.namedItem(name) as T;
  const parsed = parseWhatIf(location.search, params);
  let state = parsed.state;

  /** The custom fields take the current accelerator's numbers, so "custom" starts from a real chip. */
  function customFrom(s: WhatIfState): CustomSpecs | null {
    const acc = params.accelerators.find((a) => a.id === s.accelerator);
    const peak = acc?.device.peak[s.precision];
    const stack = acc?.stacks[s.stack ?? acc.defaultStack]?.[s.precision];
    if (!acc || !peak || !stack) return null;
    const d = acc.device;
    // A GPU stack's kernel model has no single η: start the custom chip from its tile efficiency and host costs.
    const roofline =
      stack.engine === "roofline"
        ? stack.params
        : {
            efficiency: stack.kernel.efficiency[precisionClassOf(s.precision)],
            overheadMs: stack.costs.perBatchMs,
            layerFloorMs: stack.costs.kernelGapUs / 1000,
          };
    return {
      peakT: round((peak.macsPerSecond * 2) / 1e12),
      bandwidthGBs: round(d.dramBytesPerSecond / 1e9),
      sramMiB: round(d.sramBytes / MIB),
      memoryGB: d.memoryBytes === null ? null : round(d.memoryBytes / 1e9),
      efficiency: round(roofline.efficiency),
      overheadMs: round(roofline.overheadMs),
      layerFloorMs: round(roofline.layerFloorMs),
      weights: d.weights,
    };
  }

  function writeForm(s: WhatIfState): void {
    field<HTMLSelectElement>("model").value = s.model;
    field<HTMLInputElement>("w").value = String(s.width);
    field<HTMLInputElement>("h").value = String(s.height);
    field<HTMLSelectElement>("preset").value = params.sizes.some(
      (z) => z.width === s.width && z.height === s.height,
    )
      ? `${s.width}x${s.height}`
      : "";
    field<HTMLSelectElement>("p").value = s.precision;
    field<HTMLSelectElement>("acc").value = s.accelerator;
    field<HTMLSelectElement>("stack").value = s.stack ?? "";
    field<HTMLSelectElement>("bmin").value = String(s.batchMin);
    field<HTMLSelectElement>("bmax").value = String(s.batchMax);
    field<HTMLInputElement>("dev").value = String(s.devices);
    field<HTMLSelectElement>("policy").value = s.policy;
    const c = s.custom;
    field<HTMLInputElement>("peak").value = String(c.peakT);
    field<HTMLInputElement>("bw").value = String(c.bandwidthGBs);
    field<HTMLInputElement>("sram").value = String(c.sramMiB);
    field<HTMLInputElement>("mem").value = c.memoryGB === null ? "" : String(c.memoryGB);
    field<HTMLInputElement>("eff").value = String(c.efficiency);
    field<HTMLInputElement>("ovh").value = String(c.overheadMs);
    field<HTMLInputElement>("floor").value = String(c.layerFloorMs);
    field<HTMLSelectElement>("wts").value = c.weights;
    showParts(s);
  }

  function showParts(s: WhatIfState): void {
    const custom = s.accelerator === CUSTOM;
    const specs = document.getElementById("whatif-custom") as HTMLFieldSetElement;
    specs.hidden = !custom;
    specs.disabled = !custom;
    (document.getElementById("whatif-stack-field") as HTMLElement).hidden = custom;
    for (const el of form!.querySelectorAll("[data-peak-unit]"))
      el.textContent = `${s.precision === "int8" ? "TOPS" : "TFLOPS"} at ${s.precision.toUpperCase()}`;
  }

  /** Reads the form; a number out of range marks its field invalid and returns null. */
  function readForm(): WhatIfState | null {
    let ok = true;
    const num = (name: string, check: (n: number) => string | null, optional = false): number | null => {
      const input = field<HTMLInputElement>(name);
      const raw = input.value.trim();
      const why = raw === "" ? (optional ? null : "is required") : check(Number(raw));
      input.setCustomValidity(why ? `${input.labels?.[0]?.textContent?.trim() ?? name} ${why}` : "");
      input.setAttribute("aria-invalid", String(why !== null));
      if (why) ok = false;
      return raw === "" ? null : Number(raw);
    };
    const size = (n: number) =>
      Number.isInteger(n) && n >= SIZE_LIMITS.min && n <= SIZE_LIMITS.max
        ? null
        : `must be a whole number from ${SIZE_LIMITS.min} to ${SIZE_LIMITS.max}`;
    const accelerator = field<HTMLSelectElement>("acc").value;
    const custom = accelerator === CUSTOM;
    const c = (name: string, key: CustomNumber, optional = false) =>
      custom ? num(name, (n) => checkCustom(key, n), optional) : null;
    const next: WhatIfState = {
      model: field<HTMLSelectElement>("model").value as WhatIfState["model"],
      width: num("w", size) ?? state.width,
      height: num("h", size) ?? state.height,
      precision: field<HTMLSelectElement>("p").value as WhatIfState["precision"],
      accelerator,
      stack: field<HTMLSelectElement>("stack").value || null,
      batchMin: Number(field<HTMLSelectElement>("bmin").value),
      batchMax: Number(field<HTMLSelectElement>("bmax").value),
      devices:
        num("dev", (n) =>
          Number.isInteger(n) && n >= 1 && n <= 64 ? null : "must be a whole number from 1 to 64",
        ) ?? state.devices,
      policy: field<HTMLSelectElement>("policy").value as WhatIfState["policy"],
      custom: custom
        ? {
            peakT: c("peak", "peakT") ?? state.custom.peakT,
            bandwidthGBs: c("bw", "bandwidthGBs") ?? state.custom.bandwidthGBs,
            sramMiB: c("sram", "sramMiB") ?? state.custom.sramMiB,
            memoryGB: c("mem", "memoryGB", true),
            efficiency: c("eff", "efficiency") ?? state.custom.efficiency,
            overheadMs: c("ovh", "overheadMs") ?? state.custom.overheadMs,
            layerFloorMs: c("floor", "layerFloorMs") ?? state.custom.layerFloorMs,
            weights: field<HTMLSelectElement>("wts").value === "resident" ? "resident" : "stream",
          }
        : state.custom,
    };
    if (next.batchMin > next.batchMax) {
      field<HTMLSelectElement>("bmax").setCustomValidity("The largest batch must not be below the smallest");
      ok = false;
    } else field<HTMLSelectElement>("bmax").setCustomValidity("");
    if (!ok)
      status!.textContent = "Some inputs are out of range (marked); the results show the last valid inputs.";
    return ok ? next : null;
  }

  function render(s: WhatIfState, notes: string[] = []): void {
    output!.innerHTML = whatIfView(runWhatIf(params, s), params);
    const query = whatIfQuery(s, params);
    history.replaceState(null, "", query);
    (document.getElementById("whatif-link") as HTMLAnchorElement).href = query;
    status!.textContent = notes.join(" ");
  }

  form.addEventListener("input", (e) => {
    const target = e.target as HTMLInputElement | HTMLSelectElement;
    if (target.name === "preset" && target.value) {
      const [w, h] = target.value.split("x");
      field<HTMLInputElement>("w").value = w!;
      field<HTMLInputElement>("h").value = h!;
    }
    if (target.name === "w" || target.name === "h")
      field<HTMLSelectElement>("preset").value = params.sizes.some(
        (z) =>
          `${z.width}x${z.height}` ===
          `${field<HTMLInputElement>("w").value}x${field<HTMLInputElement>("h").value}`,
      )
        ? `${field<HTMLInputElement>("w").value}x${field<HTMLInputElement>("h").value}`
        : "";
    if (target.name === "acc" && target.value === CUSTOM && state.accelerator !== CUSTOM) {
      const from = customFrom(state);
      if (from) writeForm({ ...state, accelerator: CUSTOM, custom: from });
    }
    const next = readForm();
    showParts(next ?? { ...state, accelerator: field<HTMLSelectElement>("acc").value });
    if (!next) return;
    state = next;
    render(state);
  });
  form.addEventListener("submit", (e) => e.preventDefault());
  document.getElementById("whatif-copy")?.addEventListener("click", () => {
    navigator.clipboard.writeText(location.href).then(
      () => (status.textContent = "Link copied."),
      () => (status.textContent = "Copying failed: use “Link to this view” instead."),
    );
  });

  writeForm(state);
  render(state, parsed.problems);
  form.hidden = false;
  for (const el of document.querySelectorAll<HTMLElement>("[data-no-js]")) el.hidden = true;
}

void main();
