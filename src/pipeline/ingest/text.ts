/**
 * The one way the pipeline reads contributor files: inside the data folder only (no symbolic link,
 * of a file or of a folder on the way to it, is followed), regular files only, strict UTF-8, and no
 * character a reviewer cannot see. Bad bytes and hidden characters become located errors.
 */
import { lstatSync, readFileSync, readdirSync, realpathSync, type Stats } from "node:fs";
import { join, resolve, sep } from "node:path";
import { INVISIBLE, SourceError, codePoint } from "../errors.ts";

/** Larger files are refused before they are read: no published table is anywhere near this. */
const MAX_FILE_BYTES = 20_000_000;

/** The data folder: where it is on disk, and how messages name it (`data`). */
export interface DataRoot {
  dir: string;
  display: string;
}

const whole = (file: string, message: string, expected: string, found: string, hint?: string) =>
  new SourceError([{ file, line: 0, column: 0, message, expected, found, ...(hint ? { hint } : {}) }]);

const realRoots = new Map<string, string>();

/** A path that does not exist, or runs through a file: the only failures read as "no such file". */
const isMissing = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
};

/**
 * Walks from the data folder to `rel` with lstat: a symbolic link anywhere on the way (a linked
 * `data/findings` as much as a linked file) is refused, and the resolved path must still lie inside
 * the data folder. Returns the entry's own lstat (a link itself is returned, not followed), or null
 * when it does not exist.
 */
function checkInside(root: DataRoot, rel: string): Stats | null {
  const parts = rel.split("/");
  if (parts.some((p) => p === "" || p === "." || p === ".."))
    throw new Error(`internal: ${JSON.stringify(rel)} is not a path inside the data folder`);
  const shown = (i: number) => [root.display, ...parts.slice(0, i + 1)].join("/");
  let rootStat: Stats;
  try {
    rootStat = lstatSync(root.dir);
  } catch (e) {
    // Missing, or a path through a file; any other failure (permissions, I/O) is thrown as it is.
    if (!isMissing(e)) throw e;
    throw whole(root.display, "data folder does not exist", "a folder", "no such folder");
  }
  if (rootStat.isSymbolicLink())
    throw whole(
      root.display,
      "data folder is a symbolic link",
      "the repository's own data folder",
      "a symbolic link",
      "symbolic links could lead outside the repository; copy the files in instead",
    );
  let at = root.dir;
  let stat: Stats | null = null;
  for (const [i, part] of parts.entries()) {
    at = join(at, part);
    try {
      stat = lstatSync(at);
    } catch (e) {
      if (!isMissing(e)) throw e;
      return null;
    }
    if (i === parts.length - 1) break;
    if (stat.isSymbolicLink()) throw linked(shown(i), "folder");
    if (!stat.isDirectory()) return null;
  }
  if (stat?.isSymbolicLink()) return stat;
  // Belt and braces: whatever the walk saw, the resolved path must lie inside the data folder.
  let realRoot = realRoots.get(root.dir);
  if (realRoot === undefined) {
    realRoot = realpathSync(root.dir);
    realRoots.set(root.dir, realRoot);
  }
  const real = realpathSync(at);
  if (real !== realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : `${realRoot}${sep}`))
    throw whole(
      shown(parts.length - 1),
      "path leads outside data/",
      "a file inside data/",
      "a path outside it",
    );
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
 * What is at `rel` in the data folder, without following a link: used to list and report folder
 * contents. `link` is only ever returned for the entry itself; a linked folder on the way is an error.
 */
export function dataEntryKind(
  root: DataRoot,
  rel: string,
): "file" | "folder" | "link" | "missing" | "special" {
  const stat = checkInside(root, rel);
  if (!stat) return "missing";
  if (stat.isSymbolicLink()) return "link";
  return stat.isFile() ? "file" : stat.isDirectory() ? "folder" : "special";
}

/** Names in a folder of the data folder, sorted; it must be a real folder inside it. Null when it does not exist. */
export function listDataFolder(root: DataRoot, rel: string): string[] | null {
  const stat = checkInside(root, rel);
  const display = `${root.display}/${rel}`;
  if (!stat) return null;
  if (stat.isSymbolicLink()) throw linked(display, "folder");
  if (!stat.isDirectory()) throw whole(display, "not a folder", "a folder", "a file");
  return readdirSync(join(root.dir, rel))
    .filter((name) => !SYSTEM_FILE.test(name))
    .sort();
}

/**
 * Files an operating system or editor leaves in any folder it opens (Finder's .DS_Store and ._ files,
 * Windows' Thumbs.db and desktop.ini, editors' hidden swap files): never data, so never an error.
 * Hidden names in general are skipped: no data file starts with a dot.
 */
const SYSTEM_FILE = /^(\..*|thumbs\.db|desktop\.ini)$/i;

/** An entry that is a symbolic link, reported as such. */
export function linkProblem(display: string, what: "file" | "folder" | "study folder"): SourceError {
  return linked(display, what);
}

/**
 * The one way a data file is read: `rel` inside the data folder, a regular file (a symbolic link
 * could point outside data/, and a folder or a named pipe where a file belongs would crash or block
 * the build), strict UTF-8, no byte-order mark, no control or invisible characters.
 */
export function readDataFile(root: DataRoot, rel: string, maxBytes = MAX_FILE_BYTES): string {
  const display = `${root.display}/${rel}`;
  const stat = checkInside(root, rel);
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
  const text = decodeUtf8(readFileSync(join(root.dir, rel)), display);
  checkByteOrderMark(text, display);
  checkControlCharacters(text, display);
  return text;
}

/**
 * `readDataFile` for callers that hold a path and its display name (`data/simulator/stacks.yaml`):
 * the display name's first segment names the data folder, the rest is the path inside it.
 */
export function readUtf8(path: string, display: string, maxBytes = MAX_FILE_BYTES): string {
  const slash = display.indexOf("/");
  const rel = display.slice(slash + 1);
  const full = resolve(path);
  if (slash <= 0 || !full.endsWith(`${sep}${rel.split("/").join(sep)}`))
    throw new Error(`internal: ${display} does not name ${path}`);
  const dir = full.slice(0, full.length - rel.length - 1);
  return readDataFile({ dir, display: display.slice(0, slash) }, rel, maxBytes);
}

/**
 * Strict UTF-8 with the first bad byte located. Exported for the one reader of files outside data/:
 * the MLPerf importer, which reads a results checkout as published (src/pipeline/mlperf/importer.ts).
 */
export function decodeUtf8(bytes: Uint8Array, display: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (e) {
    // A fatal decoder throws this TypeError on bytes that are not UTF-8, and nothing else is expected.
    if ((e as NodeJS.ErrnoException).code !== "ERR_ENCODING_INVALID_ENCODED_DATA") throw e;
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
function checkByteOrderMark(text: string, display: string): void {
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
function checkControlCharacters(text: string, display: string): void {
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
