/** A problem in a contributor's file, reported with where it is, what was expected and what was found. */
interface SourceLocation {
  /** Path relative to the repository root, e.g. `data/studies/x/table.csv`. */
  file: string;
  /** 1-based line; 0 when the problem concerns the whole file. */
  line: number;
  /** 1-based column; 0 when the problem concerns the whole line or file. */
  column: number;
}

export interface SourceProblem extends SourceLocation {
  message: string;
  expected: string;
  found: string;
  hint?: string;
  /** On the problem that closes a list cut at MAX_PROBLEMS_KEPT: how many were counted but not kept. */
  omitted?: number;
}

/** At most this many problems are printed; a file with thousands of bad rows says how many more there are. */
export const MAX_PROBLEMS_SHOWN = 50;
/** Characters printed per part of a problem: a hostile value (a 1 MB YAML key) never floods the terminal. */
export const MAX_PRINTED_CHARS = 500;

/** One or more problems in data files; thrown by ingest, printed by the CLI, never caught silently. */
export class SourceError extends Error {
  readonly problems: SourceProblem[];
  constructor(problems: SourceProblem[]) {
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map(formatProblem);
    // Lists cut at MAX_PROBLEMS_KEPT end with a problem that counts the rest; the count includes them.
    let total = 0;
    for (const p of problems) total += p.omitted === undefined ? 1 : p.omitted;
    if (total > shown.length) shown.push(`… and ${total - shown.length} more problems`);
    super(shown.join("\n\n"));
    this.name = "SourceError";
    this.problems = problems;
  }
}

/** `file:line:column`, `file:line` for a whole line, `file` for a whole file (as compilers print them). */
function location(p: SourceLocation): string {
  const path = printablePath(p.file);
  if (p.line === 0) return path;
  return p.column === 0 ? `${path}:${p.line}` : `${path}:${p.line}:${p.column}`;
}

function formatProblem(p: SourceProblem): string {
  const lines = [
    `${location(p)}: ${printable(p.message)}`,
    `  expected: ${printable(p.expected)}`,
    `  found:    ${printable(p.found)}`,
  ];
  if (p.hint) lines.push(`  hint:     ${printable(p.hint)}`);
  return lines.join("\n");
}

/**
 * Characters a reader cannot see or that reorder text: C0/C1 controls, soft hyphen, zero-width and
 * joiner characters, bidirectional marks, overrides and isolates, invisible operators, variation
 * selectors, fillers, the byte-order mark, tag characters, line/paragraph separators, and the
 * noncharacters (U+FFFE, U+FFFF and their kin, which SVG and XML refuse).
 */
export const INVISIBLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are part of what this matches.
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: every character here is matched on its own, combining ones too.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u2028-\u202E\u2060-\u206F\u3164\uFDD0-\uFDEF\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFF8\uFFFE\uFFFF\u{1BCA0}-\u{1BCA3}\u{1D173}-\u{1D17A}\u{E0000}-\u{E0FFF}\u{1FFFE}\u{1FFFF}\u{2FFFE}\u{2FFFF}\u{3FFFE}\u{3FFFF}\u{4FFFE}\u{4FFFF}\u{5FFFE}\u{5FFFF}\u{6FFFE}\u{6FFFF}\u{7FFFE}\u{7FFFF}\u{8FFFE}\u{8FFFF}\u{9FFFE}\u{9FFFF}\u{AFFFE}\u{AFFFF}\u{BFFFE}\u{BFFFF}\u{CFFFE}\u{CFFFF}\u{DFFFE}\u{DFFFF}\u{EFFFE}\u{EFFFF}\u{FFFFE}\u{FFFFF}\u{10FFFE}\u{10FFFF}]/u;

const INVISIBLE_ALL = new RegExp(INVISIBLE.source, "gu");

/** Names of the invisible characters a contributor is most likely to paste by accident. */
const NAMES = new Map<number, string>([
  [0x00ad, "soft hyphen"],
  [0x061c, "Arabic letter mark"],
  [0x200b, "zero width space"],
  [0x200c, "zero width non-joiner"],
  [0x200d, "zero width joiner"],
  [0x200e, "left-to-right mark"],
  [0x200f, "right-to-left mark"],
  [0x2028, "line separator"],
  [0x2029, "paragraph separator"],
  [0x202a, "left-to-right embedding"],
  [0x202b, "right-to-left embedding"],
  [0x202c, "pop directional formatting"],
  [0x202d, "left-to-right override"],
  [0x202e, "right-to-left override"],
  [0x2060, "word joiner"],
  [0x2066, "left-to-right isolate"],
  [0x2067, "right-to-left isolate"],
  [0x2068, "first strong isolate"],
  [0x2069, "pop directional isolate"],
  [0xfeff, "zero width no-break space (byte-order mark)"],
  [0xfffe, "noncharacter"],
  [0xffff, "noncharacter"],
]);

/** `U+200B (zero width space)`: how a character is named in messages. */
export function codePoint(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;
  const name = NAMES.get(cp) ?? (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ? "control character" : undefined);
  return name ? `${hex} (${name})` : hex;
}

/** Invisible characters from a file or folder name never reach the terminal raw (no escape sequences, no fake lines, no look-alikes). */
function printable(text: string): string {
  const cut = text.length > MAX_PRINTED_CHARS ? `${text.slice(0, MAX_PRINTED_CHARS)}…` : text;
  return cut.replace(INVISIBLE_ALL, (c) => {
    const cp = c.codePointAt(0)!;
    return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, "0")}`;
  });
}

/** A path as messages show it: data paths are ASCII, so anything else is escaped (a look-alike letter shows as \u0443). */
function printablePath(path: string): string {
  return escapeNonAscii(path, MAX_PRINTED_CHARS);
}

/** Every character outside printable ASCII as `\uXXXX`, the text cut at `max` characters. */
function escapeNonAscii(text: string, max: number): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut.replace(/[^\u0020-\u007E…]/gu, (c) => {
    const cp = c.codePointAt(0)!;
    return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, "0")}`;
  });
}

/**
 * An id or a file name as found, with every character outside printable ASCII escaped (`stud\u0443-a`),
 * so a look-alike (Cyrillic у for Latin y) or an invisible character cannot pass for a valid id.
 */
export function quoteName(name: string, max = 120): string {
  return `"${escapeNonAscii(name, max).replace(/"/g, '\\"')}"`;
}

/** "U+0443 at character 5 is not ASCII" for the first character of `name` outside ASCII, or null. */
export function firstNonAscii(name: string): string | null {
  let i = 0;
  for (const ch of name) {
    i++;
    if (ch.codePointAt(0)! > 0x7e || ch.codePointAt(0)! < 0x20)
      return `${codePoint(ch)} at character ${i} is not ASCII`;
  }
  return null;
}

/** Shows a value found in a file safely on one line (control characters escaped, long values cut). */
export function quoteFound(value: unknown, max = 80): string {
  if (value === undefined) return "nothing";
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  const escaped = JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
  return escaped;
}

/**
 * Problems one check keeps in full; beyond this a list counts the rest, so that a 100,000-row table
 * with a bad cell on every line costs memory for a thousand problems, not for half a million.
 */
const MAX_PROBLEMS_KEPT = 1000;

/** Collects problems for one file so all of them are reported together. */
export class ProblemList {
  readonly items: SourceProblem[] = [];
  private omitted = 0;
  add(p: SourceProblem): void {
    if (this.items.length < MAX_PROBLEMS_KEPT) this.items.push(p);
    else this.omitted++;
  }
  get empty(): boolean {
    return this.items.length === 0;
  }
  /** The problems, ending with one that counts those not kept. */
  all(): SourceProblem[] {
    if (this.omitted === 0) return this.items;
    const first = this.items[0]!;
    return [
      ...this.items,
      {
        file: first.file,
        line: 0,
        column: 0,
        message: `${this.omitted} more problems of this kind are not listed`,
        expected: "the problems above fixed first",
        found: `${this.items.length + this.omitted} problems in all`,
        omitted: this.omitted,
      },
    ];
  }
  throwIfAny(): void {
    if (this.items.length > 0) throw new SourceError(this.all());
  }
}

/** Appends `more` to `to` one by one: spreading half a million problems into push() overflows the stack. */
export function addProblems(to: SourceProblem[], more: readonly SourceProblem[]): void {
  for (const p of more) to.push(p);
}
