/** Reading contributor files as strict UTF-8, so bad bytes become a located error, not mojibake. */
import { lstatSync, readFileSync } from "node:fs";
import { SourceError } from "../errors.ts";

/** Larger files are refused before they are read: no published table is anywhere near this. */
export const MAX_FILE_BYTES = 20_000_000;

/**
 * Reads a data file. Only regular files are read: a symbolic link could point outside data/, and a
 * folder or a named pipe where a file belongs would crash or block the build.
 */
export function readUtf8(path: string, display: string, maxBytes = MAX_FILE_BYTES): string {
  const whole = (message: string, expected: string, found: string) =>
    new SourceError([{ file: display, line: 0, column: 0, message, expected, found }]);
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch (e) {
    // Missing, or a path through a file; any other failure (permissions, I/O) is thrown as it is.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw e;
    throw whole("file does not exist", "a file", "no such file");
  }
  if (stat.isSymbolicLink())
    throw whole("file is a symbolic link", "a regular file inside data/", "a symbolic link");
  if (!stat.isFile())
    throw whole("not a regular file", "a regular file", stat.isDirectory() ? "a folder" : "a special file");
  if (stat.size > maxBytes)
    throw whole("file is too large", `at most ${maxBytes} bytes`, `${stat.size} bytes`);
  const text = decodeUtf8(readFileSync(path), display);
  checkControlCharacters(text, display);
  return text;
}

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

/**
 * C0 and C1 control characters other than tab and line breaks, and the bidirectional overrides that
 * make a file read differently in review than it parses ("Trojan Source"). A published table has none.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

/** Refuses the first control character with its line and column. */
export function checkControlCharacters(text: string, display: string): void {
  const m = CONTROL.exec(text);
  if (!m) return;
  const { line, column } = positionOf(text, m.index);
  const code = `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  throw new SourceError([
    {
      file: display,
      line,
      column,
      message: "file contains a control character",
      expected: "printable text (tabs and line breaks allowed)",
      found: code,
      hint: "remove the character; it is invisible in most editors",
    },
  ]);
}

/** 1-based line and column of a character offset. */
export function positionOf(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, index));
  return { line: before.split("\n").length, column: index - before.lastIndexOf("\n") };
}
