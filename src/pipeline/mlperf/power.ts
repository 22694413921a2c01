/**
 * Average power of a run, computed as MLCommons' submission checker computes it (get_power_metric):
 * the mean of the positive "Watts" readings in spl.txt whose timestamps fall strictly inside LoadGen's
 * power window (power_begin, power_end in mlperf_log_detail.txt). Rounds before v1.1 logged local
 * time: the checker then adds the power server's and client's `timezone` offsets first.
 */
import { SourceError, quoteFound } from "../errors.ts";

interface PowerWindow {
  /** Microseconds since 1970 on the clock of the log (naive: no time zone applied). */
  begin: number;
  end: number;
}

interface PowerSample {
  time: number;
  watts: number;
}

const fail = (file: string, line: number, column: number, message: string, expected: string, found: string) =>
  new SourceError([{ file, line, column, message, expected, found }]);

/** "02-23-2023 20:53:04.191" (Python's "%m-%d-%Y %H:%M:%S.%f") → microseconds; null if not that shape. */
export function parseTimestamp(text: string): number | null {
  const m = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{1,6})$/.exec(text);
  if (!m) return null;
  const [month, day, year, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  // %f reads up to six digits as a fraction: ".191" is 191000 µs.
  const micros = Number(m[7]!.padEnd(6, "0"));
  return Date.UTC(year, month - 1, day, hour, minute, second) * 1000 + micros;
}

/** power_begin and power_end from the MLLOG lines of mlperf_log_detail.txt. */
export function parsePowerWindow(file: string, text: string): PowerWindow {
  const found: Partial<Record<"power_begin" | "power_end", number>> = {};
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith(":::MLLOG ") || !/"power_(begin|end)"/.test(line)) continue;
    let entry: { key?: unknown; value?: unknown };
    try {
      entry = JSON.parse(line.slice(":::MLLOG ".length));
    } catch {
      throw fail(
        file,
        i + 1,
        10,
        "MLLOG entry is not valid JSON",
        "a JSON object after :::MLLOG",
        quoteFound(line),
      );
    }
    if (entry.key !== "power_begin" && entry.key !== "power_end") continue;
    const time = typeof entry.value === "string" ? parseTimestamp(entry.value) : null;
    if (time === null)
      throw fail(
        file,
        i + 1,
        line.indexOf('"value"') + 1,
        `${entry.key}: not a timestamp`,
        'a value like "02-23-2023 20:53:13.139"',
        quoteFound(entry.value),
      );
    found[entry.key] = time;
  }
  if (found.power_begin === undefined || found.power_end === undefined)
    throw fail(
      file,
      0,
      0,
      "no power window in the detail log",
      "MLLOG entries power_begin and power_end (a power run)",
      `${found.power_begin === undefined ? "no power_begin" : "power_begin"}, ${found.power_end === undefined ? "no power_end" : "power_end"}`,
    );
  if (found.power_end <= found.power_begin)
    throw fail(
      file,
      0,
      0,
      "power window ends before it begins",
      "power_end after power_begin",
      "power_end ≤ power_begin",
    );
  return { begin: found.power_begin, end: found.power_end };
}

/** Every "Time,<timestamp>,Watts,<W>,..." line of spl.txt; other lines are skipped, as the checker does. */
export function parseSpl(file: string, text: string): PowerSample[] {
  const out: PowerSample[] = [];
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  for (const [i, line] of lines.entries()) {
    if (!line.startsWith("Time")) continue;
    const cells = line.split(",");
    const time = parseTimestamp(cells[1] ?? "");
    if (time === null)
      throw fail(
        file,
        i + 1,
        (cells[0] ?? "").length + 2,
        "power sample without a timestamp",
        'a timestamp like "02-23-2023 20:53:04.191" after "Time,"',
        quoteFound(cells[1] ?? ""),
      );
    const wattsText = cells[3] ?? "";
    const watts = Number(wattsText);
    if (cells[2] !== "Watts" || wattsText.trim() === "" || !Number.isFinite(watts))
      throw fail(
        file,
        i + 1,
        cells.slice(0, 3).join(",").length + 2,
        "power sample without a reading in watts",
        '"Watts,<number>" after the timestamp',
        quoteFound(cells.slice(2, 4).join(",")),
      );
    out.push({ time, watts });
  }
  return out;
}

interface AveragePower {
  /** Mean of the samples inside the window; null when none falls inside (the checker then fails the run). */
  watts: number | null;
  samples: number;
}

/**
 * The checker's average: samples with begin < time < end (after the time-zone offsets, in seconds) and
 * a positive reading, summed in file order and divided by their count.
 */
export function averagePower(
  samples: readonly PowerSample[],
  window: PowerWindow,
  offsets: { serverSeconds: number; clientSeconds: number } = { serverSeconds: 0, clientSeconds: 0 },
): AveragePower {
  const begin = window.begin + offsets.clientSeconds * 1e6;
  const end = window.end + offsets.clientSeconds * 1e6;
  let sum = 0;
  let n = 0;
  for (const s of samples) {
    const t = s.time + offsets.serverSeconds * 1e6;
    if (t > begin && t < end && s.watts > 0) {
      sum += s.watts;
      n++;
    }
  }
  return { watts: n === 0 ? null : sum / n, samples: n };
}

/** The `timezone` (seconds) of a PTDaemon server.json or client.json. */
export function parseTimezone(file: string, text: string): number {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail(file, 1, 1, "not valid JSON", "the JSON PTDaemon writes", quoteFound(text.slice(0, 60)));
  }
  const tz = (json as { timezone?: unknown } | null)?.timezone;
  if (typeof tz !== "number" || !Number.isFinite(tz))
    throw fail(file, 0, 0, "no timezone", 'a number "timezone" (seconds)', quoteFound(tz));
  return tz;
}
