// Container logs in the CRI file format a real kubelet reads ("<RFC3339Nano> <stream> <F|P> <text>"),
// one file per container start, and the query kubectl logs sends (sinceTime, sinceSeconds, tailLines,
// timestamps, limitBytes) applied to one.
import { appendFileSync, readFileSync } from "node:fs";

/** One parsed log line. */
export interface LogLine {
  /** RFC 3339 with nanoseconds, as written. */
  readonly time: string;
  readonly stream: "stdout" | "stderr";
  readonly text: string;
}

/** Appends a process's output to a CRI log file, line by line with the time each line completed. */
export function createLogWriter(path: string): (stream: "stdout" | "stderr", chunk: Buffer) => void {
  const pending: Record<"stdout" | "stderr", string> = { stdout: "", stderr: "" };
  appendFileSync(path, "");
  return (stream, chunk) => {
    const text = pending[stream] + chunk.toString("utf8");
    const lines = text.split("\n");
    pending[stream] = lines.pop() ?? "";
    if (lines.length === 0) return;
    const time = rfc3339Nano(new Date());
    appendFileSync(path, lines.map((l) => `${time} ${stream} F ${l}\n`).join(""));
  };
}

/** The time in the kubelet's format, e.g. 2026-01-02T03:04:05.123000000Z. */
export function rfc3339Nano(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
}

/** Parses a CRI log file's text; a malformed line is kept as stdout text. */
export function parseLog(text: string): LogLine[] {
  const out: LogLine[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const match = /^(\S+) (stdout|stderr) [FP] (.*)$/.exec(line);
    if (match === null) out.push({ time: "", stream: "stdout", text: line });
    else out.push({ time: match[1] ?? "", stream: match[2] as "stdout" | "stderr", text: match[3] ?? "" });
  }
  return out;
}

/** The pods/log query parameters the API server forwards. */
export interface LogQuery {
  readonly sinceTime?: string;
  readonly sinceSeconds?: number;
  readonly tailLines?: number;
  readonly timestamps?: boolean;
  readonly limitBytes?: number;
}

/** Reads the query from the URL's search parameters. */
export function parseLogQuery(params: URLSearchParams): LogQuery {
  const num = (name: string): number | undefined => (params.has(name) ? Number(params.get(name)) : undefined);
  return {
    ...(params.has("sinceTime") ? { sinceTime: params.get("sinceTime") ?? "" } : {}),
    ...(num("sinceSeconds") !== undefined ? { sinceSeconds: num("sinceSeconds") } : {}),
    ...(num("tailLines") !== undefined ? { tailLines: num("tailLines") } : {}),
    ...(num("limitBytes") !== undefined ? { limitBytes: num("limitBytes") } : {}),
    timestamps: params.get("timestamps") === "true",
  };
}

/** The lines of `lines` the query selects (filters only; formatting is formatLines). */
export function selectLines(lines: readonly LogLine[], query: LogQuery, now = Date.now()): LogLine[] {
  let since: number | undefined;
  if (query.sinceTime !== undefined) since = Date.parse(query.sinceTime);
  if (query.sinceSeconds !== undefined) since = Math.max(since ?? 0, now - query.sinceSeconds * 1000);
  let selected = since === undefined ? [...lines] : lines.filter((l) => timeMs(l.time) >= since!);
  if (query.tailLines !== undefined) selected = query.tailLines <= 0 ? [] : selected.slice(-query.tailLines);
  return selected;
}

/** The response text of lines, with their timestamps if asked. */
export function formatLines(lines: readonly LogLine[], query: LogQuery): string {
  return lines.map((l) => (query.timestamps === true ? `${l.time} ${l.text}\n` : `${l.text}\n`)).join("");
}

/** Reads and parses a log file ("" if it is missing). */
export function readLog(path: string): LogLine[] {
  try {
    return parseLog(readFileSync(path, "utf8"));
  } catch {
    return [];
  }
}

// Date.parse keeps milliseconds; the nanosecond digits past them do not matter for since filters.
function timeMs(time: string): number {
  return Date.parse(time.replace(/(\.\d{3})\d*Z$/, "$1Z"));
}
