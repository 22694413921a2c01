/**
 * `npm test` and its browser: $CHROMIUM_PATH, else Debian's /usr/bin/chromium, else Debian's installed
 * where apt may run, else one line saying how to get one, before any test runs (scripts/test.ts).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chooseChromium, DEBIAN_CHROMIUM, HOW_TO_GET_CHROMIUM } from "../scripts/lib/chromium.ts";

const ROOT = join(import.meta.dirname, "..");
const only =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

describe("choosing a Chromium", () => {
  it("takes CHROMIUM_PATH when it is an executable, whatever else exists", () => {
    const env = { CHROMIUM_PATH: "/opt/google/chrome/chrome" };
    expect(chooseChromium(env, only("/opt/google/chrome/chrome", DEBIAN_CHROMIUM), false)).toEqual({
      kind: "use",
      path: "/opt/google/chrome/chrome",
    });
  });

  it("stops on a CHROMIUM_PATH that is not an executable, rather than installing or falling back", () => {
    const choice = chooseChromium({ CHROMIUM_PATH: "/nowhere/chrome" }, only(DEBIAN_CHROMIUM), true);
    expect(choice.kind).toBe("stop");
    expect(choice.kind === "stop" && choice.message).toMatch(
      /^CHROMIUM_PATH is "\/nowhere\/chrome", which is not/,
    );
  });

  it("takes Debian's chromium, else installs it where apt may run, else says how to get one", () => {
    expect(chooseChromium({}, only(DEBIAN_CHROMIUM), false)).toEqual({ kind: "use", path: DEBIAN_CHROMIUM });
    expect(chooseChromium({ CHROMIUM_PATH: "" }, only(DEBIAN_CHROMIUM), false)).toEqual({
      kind: "use",
      path: DEBIAN_CHROMIUM,
    });
    expect(chooseChromium({}, only(), true)).toEqual({ kind: "install" });
    expect(chooseChromium({}, only(), false)).toEqual({ kind: "stop", message: HOW_TO_GET_CHROMIUM });
    expect(HOW_TO_GET_CHROMIUM).not.toContain("\n");
  });
});

describe("npm test without a usable Chromium", () => {
  for (const [what, path] of [
    ["a missing file", join(ROOT, "no-such-dir", "chrome")],
    ["a file that is not executable", join(ROOT, "package.json")],
  ]) {
    it(`stops before running anything, with one line and exit 1 (CHROMIUM_PATH: ${what})`, () => {
      const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/test.ts"], {
        cwd: ROOT,
        env: { ...process.env, CHROMIUM_PATH: path },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(
        `CHROMIUM_PATH is ${JSON.stringify(path)}, which is not an executable file: point it at a Chrome or Chromium executable, or unset it to use Debian's ${DEBIAN_CHROMIUM}.\n`,
      );
    });
  }
});
