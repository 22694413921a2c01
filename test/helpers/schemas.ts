/** Validators for the schemas shipped in test/schemas/ (CSL-JSON, CITATION.cff), with ajv. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject } from "ajv";

const DIR = join(import.meta.dirname, "..", "schemas");
const load = (name: string) => JSON.parse(readFileSync(join(DIR, name), "utf8")) as Record<string, unknown>;

// The CFF schema uses two formats, which ajv checks only when told what they mean; the CSL schema gives
// some properties a union of types (string or number), which strict mode allows only when asked.
const ajv = new Ajv({
  allErrors: true,
  strict: true,
  allowUnionTypes: true,
  formats: { date: /^\d{4}-\d{2}-\d{2}$/, uri: /^[a-z][a-z0-9+.-]*:[^\s]+$/i },
});
const csl = ajv.compile(load("csl-data.json"));
const cff = ajv.compile(load("cff-1.2.0.json"));

function messages(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
}

/** Schema errors of a CSL-JSON array (none when valid). */
export function cslErrors(items: unknown): string[] {
  return csl(items) ? [] : messages(csl.errors);
}

/** Schema errors of a parsed CITATION.cff (none when valid). */
export function cffErrors(doc: unknown): string[] {
  return cff(doc) ? [] : messages(cff.errors);
}
