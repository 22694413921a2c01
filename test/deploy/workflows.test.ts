/**
 * The GitHub Actions workflows (which cannot run here): their structure, the deploy's build command and
 * Pages steps, actions pinned to full commit SHAs, and the siteUrl check a fork's deploy runs.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const ROOT = join(import.meta.dirname, "..", "..");
type Step = {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  id?: string;
};
type Job = { "runs-on": string; needs?: string; steps: Step[]; environment?: { name: string; url: string } };
type Workflow = {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency?: { group: string };
  jobs: Record<string, Job>;
};
const text = (name: string) => readFileSync(join(ROOT, ".github", "workflows", name), "utf8");
const workflow = (name: string) => parse(text(name)) as Workflow;
const uses = (w: Workflow) =>
  Object.values(w.jobs).flatMap((j) => j.steps.flatMap((s) => (s.uses ? [s.uses] : [])));

describe("the deploy workflow", () => {
  const w = workflow("deploy.yml");

  it("builds main with npm ci && npm run build and publishes dist/ to GitHub Pages", () => {
    expect(w.on.push).toEqual({ branches: ["main"] });
    expect(w.on).toHaveProperty("workflow_dispatch");
    expect(w.permissions).toEqual({ contents: "read", pages: "write", "id-token": "write" });
    expect(w.concurrency?.group).toBe("pages");
    const build = w.jobs.build!;
    expect(build.steps.map((s) => s.run).filter(Boolean)).toContain("npm ci && npm run build");
    const node = build.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))!;
    // setup-node's "20" is the newest Node 20, which meets the engines range (">=20.3", "^20.19.0").
    const engines = (
      JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }
    ).engines.node;
    expect(engines).toMatch(/^(>=|\^)20\.\d+(\.\d+)?$/);
    expect(node.with).toMatchObject({ "node-version": "20", cache: "npm" });
    const upload = build.steps.find((s) => s.uses?.startsWith("actions/upload-pages-artifact@"))!;
    expect(upload.with).toEqual({ path: "dist" });
    const names = build.steps.map((s) => s.uses?.split("@")[0] ?? s.run);
    expect(names.indexOf("actions/checkout")).toBe(0);
    expect(names.indexOf("npm ci && npm run build")).toBeLessThan(
      names.indexOf("actions/upload-pages-artifact"),
    );
    const deploy = w.jobs.deploy!;
    expect(deploy.needs).toBe("build");
    expect(deploy.environment).toEqual({
      name: "github-pages",
      url: `\${{ steps.deployment.outputs.page_url }}`,
    });
    expect(deploy.steps).toEqual([
      { id: "deployment", uses: expect.stringMatching(/^actions\/deploy-pages@/) },
    ]);
  });

  it("stops a deploy whose report.config.json siteUrl is not where Pages serves the repository", () => {
    const build = w.jobs.build!;
    const pagesStep = build.steps.find((s) => s.uses?.startsWith("actions/configure-pages@"))!;
    const check = build.steps.find((s) => s.run?.includes("scripts/check-site-url.ts"))!;
    expect(check.env).toEqual({ PAGES_URL: `\${{ steps.${pagesStep.id}.outputs.base_url }}` });
    expect(check.run).toBe('npx tsx scripts/check-site-url.ts "$PAGES_URL"');
    const { siteUrl } = JSON.parse(readFileSync(join(ROOT, "report.config.json"), "utf8")) as {
      siteUrl: string;
    };
    const runCheck = (url: string) =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/check-site-url.ts", url], {
        cwd: ROOT,
        encoding: "utf8",
      });
    expect(runCheck(siteUrl.replace(/\/$/, "")).status).toBe(0);
    const fork = runCheck("https://someone.github.io/atlas-fork");
    expect(fork.status).toBe(1);
    expect(fork.stderr).toContain(
      'Set "siteUrl": "https://someone.github.io/atlas-fork/" in report.config.json',
    );
  });
});

describe("the verify-release workflow", () => {
  const w = workflow("verify-release.yml");

  it("rebuilds every pushed release tag and compares it with its snapshot", () => {
    expect(w.on.push).toEqual({ tags: ["v*.*.*"] });
    expect(w.permissions).toEqual({ contents: "read" });
    const steps = w.jobs.verify!.steps;
    expect(steps[0]!.with).toMatchObject({ "fetch-depth": 0, "fetch-tags": true });
    expect(steps.map((s) => s.run).filter(Boolean)).toEqual([
      "npm ci",
      `npm run verify-release -- "\${VERSION#v}"`,
    ]);
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts["verify-release"]).toBe("tsx scripts/verify-release.ts");
  });
});

describe("every workflow", () => {
  it("pins each action to a full commit SHA, names its tag, and pins one action the same way everywhere", () => {
    const pins = new Map<string, string>();
    for (const name of ["deploy.yml", "verify-release.yml"]) {
      const all = uses(workflow(name));
      expect(all.length).toBeGreaterThan(1);
      for (const u of all) {
        expect(u, `${name}: ${u}`).toMatch(/^actions\/[a-z-]+@[0-9a-f]{40}$/);
        expect(text(name), `${name}: ${u} has no "# vX.Y.Z" comment`).toMatch(
          new RegExp(`uses: ${u.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} # v\\d+\\.\\d+\\.\\d+\\n`),
        );
        const [action, sha] = u.split("@") as [string, string];
        expect(pins.get(action) ?? sha, `${action} pinned to two commits`).toBe(sha);
        pins.set(action, sha);
      }
    }
    expect([...pins.keys()].sort()).toEqual([
      "actions/checkout",
      "actions/configure-pages",
      "actions/deploy-pages",
      "actions/setup-node",
      "actions/upload-pages-artifact",
    ]);
  });
});
