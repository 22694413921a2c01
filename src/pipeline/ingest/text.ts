/** Reading contributor files as strict UTF-8, so bad bytes become a located error, not mojibake. */
import { readFileSync, statSync } from "node:fs";
import { SourceError } from "../errors.ts";

/** Larger files are refused before they are read: no published table is anywhere near this. */
export const MAX_FILE_BYTES = 20_000_000;

export function readUtf8(path: string, display: string): string {
  const size = statSync(path).size;
  if (size > MAX_FILE_BYTES) {
    throw new SourceError([
      { file: display, line: 0, column: 0, message: "file is too large", expected: `at most ${MAX_FILE_BYTES} bytes`, found: `${size} bytes` },
    ]);
  }
  return decodeUtf8(readFileSync(path), display);
}

export function decodeUtf8(bytes: Uint8Array, display: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // Find the first bad byte to point at it.
    const text = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(bytes);
    const idx = text.indexOf("\uFFFD");
    const before = text.slice(0, Math.max(0, idx));
    const line = before.split("\n").length;
    const column = idx - before.lastIndexOf("\n");
    throw new SourceError([
      { file: display, line, column, message: "file is not valid UTF-8", expected: "UTF-8 text", found: "a byte sequence that is not UTF-8", hint: "re-save the file as UTF-8" },
    ]);
  }
}
