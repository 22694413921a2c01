/** A problem in a contributor's file, reported with where it is, what was expected and what was found. */
export interface SourceLocation {
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
}

/** At most this many problems are printed; a file with thousands of bad rows says how many more there are. */
export const MAX_PROBLEMS_SHOWN = 50;

/** One or more problems in data files; thrown by ingest, printed by the CLI, never caught silently. */
export class SourceError extends Error {
  readonly problems: SourceProblem[];
  constructor(problems: SourceProblem[]) {
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map(formatProblem);
    if (problems.length > MAX_PROBLEMS_SHOWN)
      shown.push(`… and ${problems.length - MAX_PROBLEMS_SHOWN} more problems`);
    super(shown.join("\n\n"));
    this.name = "SourceError";
    this.problems = problems;
  }
}

export function formatProblem(p: SourceProblem): string {
  const lines = [
    `${printable(p.file)}:${p.line}:${p.column}: ${printable(p.message)}`,
    `  expected: ${printable(p.expected)}`,
    `  found:    ${printable(p.found)}`,
  ];
  if (p.hint) lines.push(`  hint:     ${printable(p.hint)}`);
  return lines.join("\n");
}

/** Control characters from a file or folder name never reach the terminal raw (no escape sequences, no fake lines). */
function printable(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes.
    /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Shows a value found in a file safely on one line (control characters escaped, long values cut). */
export function quoteFound(value: unknown, max = 80): string {
  if (value === undefined) return "nothing";
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  const escaped = JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
  return escaped;
}

/** Collects problems for one file so all of them are reported together. */
export class ProblemList {
  readonly items: SourceProblem[] = [];
  add(p: SourceProblem): void {
    this.items.push(p);
  }
  get empty(): boolean {
    return this.items.length === 0;
  }
  throwIfAny(): void {
    if (this.items.length > 0) throw new SourceError(this.items);
  }
}
