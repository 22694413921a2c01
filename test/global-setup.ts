/** Builds the real site once per test run; tests that read a built site share it (inject("siteDir")). */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TestProject } from "vitest/node";

const ROOT = join(import.meta.dirname, "..");

/**
 * Runs scripts/build.ts into a fresh temporary folder and returns the dist path. With `cachesOf` (another
 * buildSite's dist), the build starts from a copy of that build's caches, as a contributor's rebuild does.
 */
export function buildSite(env: Record<string, string> = {}, cachesOf?: string): string {
  const parent = mkdtempSync(join(tmpdir(), "atlas-site-"));
  const out = join(parent, "dist");
  if (cachesOf) cpSync(join(dirname(cachesOf), "work"), join(parent, "work"), { recursive: true });
  const res = spawnSync(process.execPath, ["--import", "tsx", "scripts/build.ts"], {
    cwd: ROOT,
    env: { ...process.env, ATLAS_OUT_DIR: out, ATLAS_WORK_DIR: join(parent, "work"), ...env },
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`build failed:\n${res.stdout}\n${res.stderr}`);
  return out;
}

export default function setup(project: TestProject): (() => void) | undefined {
  // ATLAS_SKIP_SITE_BUILD=1 speeds up focused local runs of unit tests; tests that need the site then fail.
  if (process.env.ATLAS_SKIP_SITE_BUILD) {
    project.provide("siteDir", "");
    return undefined;
  }
  const site = buildSite();
  project.provide("siteDir", site);
  // The site and its work folder (hundreds of MB with the PNG cache) go when the run ends.
  return () => rmSync(dirname(site), { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    siteDir: string;
  }
}
