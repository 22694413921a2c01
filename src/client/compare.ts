/**
 * The compare page in the browser: add and remove series, pick the normalization, keep it all in the
 * URL. Without this script the page shows its default comparison, rendered at build time.
 */
import { url } from "../site/urls.ts";
import type { ExploreParams } from "./explore-params.ts";
import { runCompare } from "./compare-run.ts";
import {
  compareQuery,
  MAX_SERIES,
  MIN_SERIES,
  parseCompare,
  parseRef,
  refKey,
  type CompareState,
  type Normalization,
} from "./compare-state.ts";
import { compareView } from "./compare-view.ts";

async function main(): Promise<void> {
  const form = document.getElementById("compare-form") as HTMLFormElement | null;
  const output = document.getElementById("compare-output");
  const status = document.getElementById("compare-status");
  if (!form || !output || !status) return;
  const res = await fetch(url("/explore/params.json"));
  if (!res.ok) {
    status.textContent = `The series could not be loaded (${res.status}); the comparison below was computed when the site was built.`;
    return;
  }
  const params = (await res.json()) as ExploreParams;
  const parsed = parseCompare(location.search, params);
  let state = parsed.state;
  const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const current = el<HTMLOListElement>("compare-current");

  function render(s: CompareState, notes: string[] = []): void {
    output!.innerHTML = compareView(s, runCompare(params, s));
    const query = compareQuery(s);
    history.replaceState(null, "", query);
    el<HTMLAnchorElement>("compare-link").href = query;
    // The picked series, each with a remove button (kept at two or more).
    current.innerHTML = "";
    for (const r of s.series) {
      const li = document.createElement("li");
      const label =
        output!.querySelector(`li[data-series="${CSS.escape(refKey(r))}"] strong`)?.textContent ?? refKey(r);
      li.append(`${label} `);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "Remove";
      remove.setAttribute("aria-label", `Remove ${label}`);
      remove.disabled = s.series.length <= MIN_SERIES;
      remove.addEventListener("click", () =>
        update({ ...state, series: state.series.filter((x) => refKey(x) !== refKey(r)) }),
      );
      li.append(remove);
      current.append(li);
    }
    el<HTMLButtonElement>("compare-add-measured").disabled = s.series.length >= MAX_SERIES;
    el<HTMLButtonElement>("compare-add-simulated").disabled = s.series.length >= MAX_SERIES;
    for (const radio of form!.querySelectorAll<HTMLInputElement>('input[name="norm"]'))
      radio.checked = radio.value === s.norm;
    status!.textContent = [
      ...notes,
      s.series.length >= MAX_SERIES ? `At most ${MAX_SERIES} series: remove one to add another.` : "",
    ]
      .filter(Boolean)
      .join(" ");
  }

  function update(next: CompareState, notes: string[] = []): void {
    state = next;
    render(state, notes);
  }

  function add(text: string): void {
    const r = parseRef(text, params);
    if (!r) update(state, [`That series cannot be simulated (no peak at this precision?).`]);
    else if (state.series.some((x) => refKey(x) === refKey(r)))
      update(state, ["That series is already in the comparison."]);
    else update({ ...state, series: [...state.series, r].slice(0, MAX_SERIES) });
  }

  el<HTMLButtonElement>("compare-add-measured").addEventListener("click", () =>
    add(`m~${el<HTMLSelectElement>("compare-measured").value}`),
  );
  el<HTMLButtonElement>("compare-add-simulated").addEventListener("click", () => {
    const v = (id: string) => el<HTMLSelectElement>(id).value;
    add(`s~${v("compare-acc")}~${v("compare-model")}~${v("compare-size")}~${v("compare-precision")}`);
  });
  form.addEventListener("change", (e) => {
    const t = e.target as HTMLInputElement;
    if (t.name === "norm") update({ ...state, norm: t.value as Normalization });
  });
  form.addEventListener("submit", (e) => e.preventDefault());

  render(state, parsed.problems);
  form.hidden = false;
  for (const n of document.querySelectorAll<HTMLElement>("[data-no-js]")) n.hidden = true;
}

void main();
