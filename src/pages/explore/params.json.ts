/** /explore/params.json: device and calibrated stack parameters and measured series for the explore pages (src/site/explore.ts). */
import type { APIRoute } from "astro";
import { exploreParams } from "../../site/explore.ts";

export const GET: APIRoute = async () =>
  new Response(JSON.stringify(await exploreParams()), { headers: { "Content-Type": "application/json" } });
