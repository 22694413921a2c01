/** The build CLI as a contributor runs it, started without blocking the test process. */
import { spawn } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");

interface BuildRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `node --import tsx scripts/build.ts` with extra environment (ATLAS_DATA_DIR, ATLAS_OUT_DIR, ATLAS_WORK_DIR). */
export function buildCli(env: Record<string, string>): Promise<BuildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/build.ts"], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** A line Node prints for an uncaught exception: `    at fn (file:line:col)`. */
export const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|<anonymous>\)?)$/m;
