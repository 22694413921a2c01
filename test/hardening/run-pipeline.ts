/**
 * `runPipeline` on one data folder in a child process, for tests that must survive an input that would
 * hang the build: prints one JSON line (seconds taken and the error message, if any) and exits.
 */
import { runPipeline } from "../../src/pipeline/run.ts";
import { SourceError } from "../../src/pipeline/errors.ts";

const dir = process.argv[2]!;
const start = performance.now();
let result: { seconds: number; error: string | null; sourceError: boolean };
try {
  runPipeline(dir);
  result = { seconds: 0, error: null, sourceError: false };
} catch (e) {
  result = { seconds: 0, error: (e as Error).message, sourceError: e instanceof SourceError };
}
result.seconds = (performance.now() - start) / 1000;
process.stdout.write(`${JSON.stringify(result)}\n`);
