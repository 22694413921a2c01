/**
 * `npm run ingest`: validate data/, normalize, audit and simulate, then write the site's input
 * (.build/atlas.json) and the published dataset. Exit 1 with located messages on bad input.
 */
import { join } from "node:path";
import { dataDirOf, runIngest } from "./lib/stages.ts";

const root = process.cwd();
const ok = await runIngest(dataDirOf(root), join(root, ".build"));
process.exit(ok ? 0 : 1);
