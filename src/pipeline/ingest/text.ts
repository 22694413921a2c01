/**
 * The one way the pipeline reads contributor files: inside the data folder only (no symbolic link,
 * of a file or of a folder on the way to it, is followed), regular files only, strict UTF-8, and no
 * character a reviewer cannot see. Bad bytes and hidden characters become located errors.
 */
import { lstatSync, readFileSync, readdirSync, realpathSync, type Stats } from "node:fs";
import { resolve, sep } from "node:path";
import { INVISIBLE, SourceError, codePoint } from "../errors.ts";

/** Larger files are refused before they are read: no published table is anywhere near this. */
export const MAX_FILE_BYTES = 20_000_000;

/**
 * Paths are given twice: as they are on disk and as messages show them (`data/studies/x/t.csv`).
 * The shown path is `<data folder name>/<path inside the data folder>`, so the data folder on disk is
 * the disk path without that tail; nothing outside it is read.
 */
interface DataPath {
  /** The data folder on disk. */
  root: string;
  /** Names from the data folder down to the entry. */
  parts: string[];
  /** Display names of the same, e.g. ["data", "data/studies", "data/studies/x"]. */
  shown: string[];
}

function dataPath(path: string, display: string): DataPath {
  const [top, ...parts] = display.split("/");
  const full = resolve(path);
  const tail = parts.join(sep);
  if (!(full === tail || full.endsWith(`${sep}${tail}`)) || parts.length === 0)
    throw new Error(`internal: ${display} does not name ${path}`);
  const root = full.slice(0, full.length - tail.length - 1) || sep;
  const shown = parts.map((_, i) => [top, ...parts.slice(0, i + 1)].join("/"));
  return { root, parts, shown: [top!, ...shown] };
}

const whole = (file: string, message: string, expected: string, found: string, hint?: string) =>
  new SourceError([{ file, line: 0, column: 0, message, expected, found, ...(hint ? { hint } : {}) }]);

const realRoots = new Map<string, string>();

/**
 * Walks from the data folder to the entry with lstat: a symbolic link anywhere on the way (a linked
 * `data/findings` as much as a linked file) is refused, and the resolved path must still lie inside
 * the data folder. Returns the entry's own lstat (a link itself is returned, not followed), or null
 * when it does not exist.
 */
function checkInside(path: string, display: string): Stats | null {
  const p = dataPath(path, display);
  let rootStat: Stats;
  try {
    rootStat = lstatSync(p.root);
  } catch {
    throw whole(p.shown[0]!, "data folder does not exist", "a folder", "no such folder");
  }
  if (rootStat.isSymbolicLink())
    throw whole(
      p.shown[0]!,
      "data folder is a symbolic link",
      "the repository's own data folder",
      "a symbolic link",
      "symbolic links could lead outside the repository; copy the files in instead",
    );
  let at = p.root;
  let stat: Stats | null = null;
  for (const [i, part] of p.parts.entries()) {
    at = `${at}${sep}${part}`;
    try {
      stat = lstatSync(at);
    } catch {
      return null;
    }
    if (i === p.parts.length - 1) break;
    if (stat.isSymbolicLink()) throw linked(p.shown[i + 1]!, "folder");
    if (!stat.isDirectory()) return null;
  }
  if (stat?.isSymbolicLink()) return stat;
  // Belt and braces: whatever the walk saw, the resolved path must lie inside the data folder.
  let realRoot = realRoots.get(p.root);
  if (realRoot === undefined) {
    realRoot = realpathSync(p.root);
    realRoots.set(p.root, realRoot);
  }
  const real = realpathSync(at);
  if (real !== realRoot && !real.startsWith(`${realRoot}${sep}`))
    throw whole(display, "path leads outside data/", "a file inside data/", "a path outside it");
  return stat;
}

const linked = (shown: string, what: "file" | "folder" | "study folder") =>
  whole(
    shown,
    `${what} is a symbolic link`,
    what === "file" ? "a regular file inside data/" : "a real folder inside data/",
    "a symbolic link",
    "symbolic links are not followed: they could lead outside data/; copy the files in instead",
  );

/**
 * What is at a data path, without following a link: used to list and report folder contents.
 * `link` is only ever returned for the entry itself; a linked folder on the way is an error.
 */
export function entryKind(path: string, display: string): "file" | "folder" | "link" | "missing" | "special" {
  const stat = checkInside(path, display);
  if (!stat) return "missing";
  if (stat.isSymbolicLink()) return "link";
  return stat.isFile() ? "file" : stat.isDirectory() ? "folder" : "special";
}

/** Names in a data folder, sorted; the folder must be a real folder inside data/. Null when it does not exist. */
export function listFolder(path: string, display: string): string[] | null {
  const stat = checkInside(path, display);
  if (!stat) return null;
  if (stat.isSymbolicLink()) throw linked(display, "folder");
  if (!stat.isDirectory()) throw whole(display, "not a folder", "a folder", "a file");
  return readdirSync(path).sort();
}

/** A study folder or other entry that is a symbolic link, reported as such. */
export function linkProblem(display: string, what: "file" | "folder" | "study folder"): SourceError {
  return linked(display, what);
}

/**
 * Reads a data file. Only regular files inside data/ are read: a symbolic link could point outside
 * data/, and a folder or a named pipe where a file belongs would crash or block the build.
 */
export function readUtf8(path: string, display: string, maxBytes = MAX_FILE_BYTES): string {
  const stat = checkInside(path, display);
  if (!stat) throw whole(display, "file does not exist", "a file", "no such file");
  if (stat.isSymbolicLink()) throw linked(display, "file");
  if (!stat.isFile())
    throw whole(
      display,
      "not a regular file",
      "a regular file",
      stat.isDirectory() ? "a folder" : "a special file",
    );
  if (stat.size > maxBytes)
    throw whole(display, "file is too large", `at most ${maxBytes} bytes`, `${stat.size} bytes`);
  const text = decodeUtf8(readFileSync(path), display);
  checkByteOrderMark(text, display);
  checkControlCharacters(text, display);
  return text;
}

export function decodeUtf8(bytes: Uint8Array, display: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // Find the first bad byte to point at it.
    const text = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(bytes);
    const { line, column } = positionOf(text, text.indexOf("\uFFFD"));
    throw new SourceError([
      {
        file: display,
        line,
        column,
        message: "file is not valid UTF-8",
        expected: "UTF-8 text",
        found: "a byte sequence that is not UTF-8",
        hint: "re-save the file as UTF-8",
      },
    ]);
  }
}

/** A byte-order mark is refused in every data file, with the same message whatever the format. */
export function checkByteOrderMark(text: string, display: string): void {
  if (text.charCodeAt(0) !== 0xfeff) return;
  throw new SourceError([
    {
      file: display,
      line: 1,
      column: 1,
      message: "file starts with a byte-order mark",
      expected: "UTF-8 without a byte-order mark",
      found: "U+FEFF at the start of the file",
      hint: "save the file as plain UTF-8 (no BOM)",
    },
  ]);
}

/**
 * Control characters other than tab and line breaks, bidirectional marks that make a file read
 * differently in review than it parses ("Trojan Source"), zero-width and other invisible characters
 * (an id or a label with one looks valid and is not), and noncharacters (U+FFFE, U+FFFF), which SVG
 * and PNG renderers refuse. A published table has none.
 */
export function checkControlCharacters(text: string, display: string): void {
  const m = INVISIBLE.exec(text);
  if (!m) return;
  const { line, column } = positionOf(text, m.index);
  const cp = m[0].codePointAt(0)!;
  const control =
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069);
  throw new SourceError([
    {
      file: display,
      line,
      column,
      message: control ? "file contains a control character" : "file contains an invisible character",
      expected: "printable text (tabs and line breaks allowed)",
      found: codePoint(m[0]),
      hint: "remove the character; it is invisible in most editors",
    },
  ]);
}

/** 1-based line and column of a character offset. */
export function positionOf(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, index));
  return { line: before.split("\n").length, column: index - before.lastIndexOf("\n") };
}
