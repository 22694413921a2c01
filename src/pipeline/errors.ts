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

/** One or more problems in data files; thrown by ingest, printed by the CLI, never caught silently. */
export class SourceError extends Error {
  readonly problems: SourceProblem[];
  constructor(problems: SourceProblem[]) {
    super(problems.map(formatProblem).join("\n\n"));
    this.name = "SourceError";
    this.problems = problems;
  }
}

export function formatProblem(p: SourceProblem): string {
  const lines = [
    `${p.file}:${p.line}:${p.column}: ${p.message}`,
    `  expected: ${p.expected}`,
    `  found:    ${p.found}`,
  ];
  if (p.hint) lines.push(`  hint:     ${p.hint}`);
  return lines.join("\n");
}

/** Shows a value found in a file safely on one line (control characters escaped, long values cut). */
export function quoteFound(value: unknown, max = 80): string {
  if (value === undefined) return "nothing";
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
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
