/** Shared test inputs: fixture accelerators (test/pipeline/simulate/fixtures) and the real simulator parameters. */
import { fileURLToPath } from "node:url";
import { loadAccelerators } from "../../../src/pipeline/ingest/accelerators.ts";
import { loadSimulatorParams } from "../../../src/pipeline/simulate/params.ts";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("./fixtures", import.meta.url));
export const fixtureAccelerators = () => loadAccelerators(FIXTURES, "fixtures");
export const simParams = () => loadSimulatorParams(`${REPO}data`);
