/** Where the ingest stage left the site's inputs: atlas.json, and the figures' PNGs beside it. */
import { dirname, join } from "node:path";

export const ATLAS_JSON = process.env.ATLAS_JSON ?? ".build/atlas.json";
export const FIGURE_PNG_DIR = join(dirname(ATLAS_JSON), "figures");
