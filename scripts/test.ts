/**
 * `npm test`: finds a Chromium for the browser tests (scripts/lib/chromium.ts), installing Debian's
 * where this user may, then runs `vitest run` with the arguments given. Without a Chromium it stops
 * before running anything, with one line saying how to get one.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { chooseChromium, DEBIAN_CHROMIUM, HOW_TO_GET_CHROMIUM } from "./lib/chromium.ts";

const root = join(import.meta.dirname, "..");

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch (e) {
    // Missing, not executable, a dangling link, a path through a file: not a browser we can start.
    if ((e as NodeJS.ErrnoException).code) return false;
    throw e;
  }
}

/** Root, or sudo that needs no password: scripts/apt-install.sh may run apt-get. */
function mayInstall(): boolean {
  if (process.getuid?.() === 0) return true;
  return spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
}

function stop(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let choice = chooseChromium(process.env, isExecutable, mayInstall());
if (choice.kind === "install") {
  process.stderr.write(`npm test: no Chromium found; installing Debian's chromium for the browser tests.\n`);
  const apt = spawnSync("sh", [join(root, "scripts", "apt-install.sh"), "chromium"], { stdio: "inherit" });
  if (apt.status !== 0 || !isExecutable(DEBIAN_CHROMIUM)) {
    stop(`Installing Debian's chromium failed (apt-get: exit ${apt.status}). ${HOW_TO_GET_CHROMIUM}`);
  }
  choice = { kind: "use", path: DEBIAN_CHROMIUM };
}
if (choice.kind === "stop") stop(choice.message);

const require = createRequire(import.meta.url);
const vitest = join(dirname(require.resolve("vitest/package.json")), "vitest.mjs");
const run = spawnSync(process.execPath, [vitest, "run", ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, CHROMIUM_PATH: choice.path },
});
process.exit(run.status ?? 1);
