/**
 * "Did you mean …?" for unknown fields and values. The known names come from the zod schemas
 * themselves (an object's shape, an enum's options), so a field added to a schema is known here
 * the moment it exists.
 */
import type { z } from "zod";

/** The schema inside optional/refined/default/lazy wrappers; a union member chosen by the data where it can be. */
function unwrap(schema: z.ZodTypeAny, data: unknown): z.ZodTypeAny {
  let s = schema;
  for (let guard = 0; guard < 50; guard++) {
    const def = s._def as Record<string, unknown> & { typeName?: string };
    switch (def.typeName) {
      case "ZodOptional":
      case "ZodNullable":
      case "ZodDefault":
      case "ZodCatch":
      case "ZodReadonly":
        s = def.innerType as z.ZodTypeAny;
        break;
      case "ZodEffects":
        s = def.schema as z.ZodTypeAny;
        break;
      case "ZodBranded":
        s = def.type as z.ZodTypeAny;
        break;
      case "ZodLazy":
        s = (def.getter as () => z.ZodTypeAny)();
        break;
      case "ZodPipeline":
        s = def.in as z.ZodTypeAny;
        break;
      case "ZodDiscriminatedUnion": {
        const key = def.discriminator as string;
        const value = data && typeof data === "object" ? (data as Record<string, unknown>)[key] : undefined;
        const option = (def.optionsMap as Map<unknown, z.ZodTypeAny>).get(value);
        if (!option) return s;
        s = option;
        break;
      }
      case "ZodUnion": {
        const objects = (def.options as z.ZodTypeAny[]).filter(
          (o) => unwrap(o, data)._def.typeName === "ZodObject",
        );
        if (objects.length !== 1) return s;
        s = objects[0]!;
        break;
      }
      default:
        return s;
    }
  }
  return s;
}

/** The schema that validates the value at `path` of `data`, or null where the path leaves the schema. */
function schemaAt(schema: z.ZodTypeAny, data: unknown, path: (string | number)[]): z.ZodTypeAny | null {
  let s = unwrap(schema, data);
  let d = data;
  for (const key of path) {
    const def = s._def as Record<string, unknown> & { typeName?: string };
    let next: z.ZodTypeAny | undefined;
    if (def.typeName === "ZodObject") next = (s as z.AnyZodObject).shape[key];
    else if (def.typeName === "ZodArray") next = def.type as z.ZodTypeAny;
    else if (def.typeName === "ZodRecord") next = def.valueType as z.ZodTypeAny;
    if (!next) return null;
    d = d && typeof d === "object" ? (d as Record<string | number, unknown>)[key] : undefined;
    s = unwrap(next, d);
  }
  return s;
}

/** The field names an object at `path` may have, as its schema lists them. */
export function knownKeysAt(schema: z.ZodTypeAny, data: unknown, path: (string | number)[]): string[] {
  const s = schemaAt(schema, data, path);
  return s && s._def.typeName === "ZodObject" ? Object.keys((s as z.AnyZodObject).shape) : [];
}

/** Names longer than this are not compared (the comparison costs length × length). */
const MAX_COMPARED = 64;

/** Edit distance with transpositions (a typo swaps two letters as often as it drops one). */
function distance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++)
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

/** The known name closest to `word` when it is close enough to be a typo of it, else null. */
export function closest(word: string, known: readonly string[]): string | null {
  if (word.length > MAX_COMPARED) return null;
  const w = word.toLowerCase();
  let best: { name: string; d: number } | null = null;
  for (const name of known) {
    if (name.length > MAX_COMPARED) continue;
    const n = name.toLowerCase();
    // A name that contains the word or is contained in it (`batch` for `batch_size`) counts as close.
    const d =
      n === w ? 0 : n.includes(w) || w.includes(n) ? Math.abs(n.length - w.length) / 4 : distance(w, n);
    if (!best || d < best.d) best = { name, d };
  }
  if (!best) return null;
  const allowed = Math.max(1, Math.floor(Math.max(word.length, best.name.length) / 3));
  return best.d <= allowed ? best.name : null;
}

/** `did you mean "title"?`, or undefined when nothing is close. */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
  const c = closest(word, known);
  return c === null ? undefined : `did you mean ${JSON.stringify(c)}?`;
}
