/**
 * `npm run ingest`: validate data/, normalize, audit and simulate, then write the site's input
 * (.build/atlas.json) and the published dataset. Exit 1 with located messages on bad input.
 */
import { join } from "node:path";
import { dataDirOf, ingest, writeIngested } from "./lib/stages.ts";

const root = process.cwd();
const ingested = ingest(dataDirOf(root), root, undefined, join(root, ".build", "sim-cache"));
if (!ingested) process.exit(1);
writeIngested(ingested, join(root, ".build"));
