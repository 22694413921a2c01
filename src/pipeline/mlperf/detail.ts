/** One value from LoadGen's mlperf_log_detail.txt (":::MLLOG {json}" lines), as printed in the JSON. */
import { SourceError, quoteFound } from "../errors.ts";

interface DetailValue {
  /** The number as the log prints it, e.g. "140239". */
  value: string;
  line: number;
}

export function findDetailValue(file: string, text: string, key: string): DetailValue | null {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const needle = `"key": ${JSON.stringify(key)}`;
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith(":::MLLOG ") || !line.includes(needle)) continue;
    const m = /"value": (-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)[,}]/.exec(line);
    if (!m)
      throw new SourceError([
        {
          file,
          line: i + 1,
          column: line.indexOf('"value"') + 1,
          message: `${key}: not a number`,
          expected: '"value": <number>',
          found: quoteFound(line.slice(Math.max(0, line.indexOf('"value"')), line.indexOf('"value"') + 40)),
        },
      ]);
    return { value: m[1]!, line: i + 1 };
  }
  return null;
}
