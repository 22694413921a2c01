/** A submission's systems/<system>.json → the fields the atlas records, each as printed. */
import { SourceError, quoteFound } from "../errors.ts";
import { positionOf } from "../ingest/text.ts";
import { locateJsonError } from "./json-locate.ts";

/** JSON keys read from a system description, in the order the results table shows them. */
const SYSTEM_FIELDS = [
  "submitter",
  "system_name",
  "system_type",
  "status",
  "accelerator_model_name",
  "accelerator_memory_capacity",
  "accelerators_per_node",
  "number_of_nodes",
  "host_processor_model_name",
  "host_processors_per_node",
  "framework",
] as const;
export type SystemField = (typeof SYSTEM_FIELDS)[number];
export type SystemInfo = Record<SystemField, string>;

/**
 * Parses the JSON and returns the recorded fields: a string as it is, a number as JSON prints it, a
 * missing key or null as "". Any other type (an object or a list) is refused.
 */
export function parseSystem(file: string, text: string): SystemInfo {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const e = locateJsonError(text);
    const at = positionOf(text, e?.offset ?? 0);
    throw new SourceError([
      {
        file,
        line: at.line,
        column: at.column,
        message: "system description is not valid JSON",
        expected: e?.expected ?? "valid JSON",
        found: quoteFound(text.slice(e?.offset ?? 0, (e?.offset ?? 0) + 30) || "the end of the file"),
      },
    ]);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json))
    throw new SourceError([
      {
        file,
        line: 1,
        column: 1,
        message: "system description is not a JSON object",
        expected: "an object of system fields",
        found: quoteFound(text.slice(0, 30)),
      },
    ]);
  const obj = json as Record<string, unknown>;
  const out = {} as SystemInfo;
  for (const key of SYSTEM_FIELDS) {
    const v = obj[key];
    if (v === undefined || v === null) out[key] = "";
    else if (typeof v === "string") out[key] = v;
    else if (typeof v === "number" || typeof v === "boolean") out[key] = String(v);
    else {
      const idx = text.indexOf(`"${key}"`);
      const at = positionOf(text, Math.max(0, idx));
      throw new SourceError([
        {
          file,
          line: at.line,
          column: at.column,
          message: `system field ${key} is not a string or number`,
          expected: "a string or a number",
          found: quoteFound(v),
        },
      ]);
    }
  }
  return out;
}
