/** The hand-made MLPerf results checkout (real layout) the importer tests share. */
import { join } from "node:path";

const FIXTURES = join(import.meta.dirname, "..", "..", "fixtures", "mlperf");
export const FIXTURE = join(FIXTURES, "inference_results_v3.0");
export const BROKEN = join(FIXTURES, "broken", "inference_results_v3.0");
/** The fixture is not a git checkout: tests name a made-up commit. */
export const COMMIT = "0123456789abcdef0123456789abcdef01234567";
