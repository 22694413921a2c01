/**
 * The build as a contributor runs it: bad data fails before anything is written, and a failed build
 * leaves the previous dist/ as it was. Runs the real CLI on fixture data in temporary folders.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyFixture, edit, treeHash } from "./helpers/fixtures.ts";

const ROOT = join(import.meta.dirname, "..");

function build(dataDir: string, outDir: string) {
  const work = mkdtempSync(join(tmpdir(), "atlas-work-"));
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/build.ts"], {
    cwd: ROOT,
    env: { ...process.env, ATLAS_DATA_DIR: dataDir, ATLAS_OUT_DIR: outDir, ATLAS_WORK_DIR: work },
    encoding: "utf8",
  });
}

describe("npm run build", () => {
  it("fails on bad data with a located message, keeping data/ and the previous dist/", () => {
    const data = copyFixture();
    edit(data, "studies/study-a/latency.csv", (t) => t.replace("363.6", "abc"));
    const dist = mkdtempSync(join(tmpdir(), "atlas-dist-"));
    writeFileSync(join(dist, "index.html"), "previous build");
    const dataBefore = treeHash(data);
    const distBefore = treeHash(dist);

    const res = build(data, dist);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("data/studies/study-a/latency.csv:3:11:");
    expect(res.stderr).toContain("nothing was written");
    expect(treeHash(data)).toBe(dataBefore);
    expect(treeHash(dist)).toBe(distBefore);
  });

  it("builds the site and the dataset from good data, replacing dist/; a new accelerator and study get pages with no code change", () => {
    const data = copyFixture();
    // The fixture study forbids redistribution: its figures are shown, their data downloads are not offered.
    edit(data, "studies/study-a/study.yaml", (t) =>
      t.replace(
        'license: { redistribution: allowed, note: "made up for tests" }',
        'license: { redistribution: not-allowed, note: "the authors keep the data" }',
      ),
    );
    const parent = mkdtempSync(join(tmpdir(), "atlas-out-"));
    const dist = join(parent, "dist");
    mkdirSync(dist);
    writeFileSync(join(dist, "stale.html"), "from an older build");

    const res = build(data, dist);
    expect(res.stderr).not.toContain("Error");
    expect(res.status).toBe(0);
    expect(existsSync(join(dist, "stale.html"))).toBe(false);
    const csv = readFileSync(join(dist, "data", "measurements.csv"), "utf8").split("\n");
    expect(csv[0]).toMatch(
      /^study,accelerator,model,input_width,input_height,precision,framework,batch_size,latency_ms,throughput_img_s,power_w,img_s_per_w,kind,source_file,source_line,/,
    );
    expect(csv.filter((l) => l.startsWith("study-a,"))).toHaveLength(5);
    const page = readFileSync(join(dist, "studies", "study-a", "index.html"), "utf8");
    expect(page).toContain("Fixture study A");
    expect(page).toContain("implies 10,000 images");
    const acc = readFileSync(join(dist, "accelerators", "acc-a", "index.html"), "utf8");
    expect(acc).toContain('id="fig-throughput-acc-a-resnet50"');
    expect(acc).toContain("Accelerator A (fixture)");
    const figure = readFileSync(join(dist, "figures", "fig-throughput-acc-a-resnet50", "index.html"), "utf8");
    expect(figure).toContain("Data downloads are not offered");
    expect(figure).toContain("the authors keep the data");
    expect(existsSync(join(dist, "figures", "fig-throughput-acc-a-resnet50.svg"))).toBe(true);
    expect(existsSync(join(dist, "figures", "fig-throughput-acc-a-resnet50.csv"))).toBe(false);
    expect(existsSync(join(dist, "figures", "fig-throughput-acc-a-resnet50.json"))).toBe(false);
  });
});
