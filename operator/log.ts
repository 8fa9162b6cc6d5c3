// The process logger: bunyan records (JSON lines) for machines, or a compact line format for humans.
import bunyan from "bunyan";
import type { Writable } from "node:stream";

/** A bunyan logger; components take one and derive children with their own fields (kind, namespace, name). */
export type Logger = bunyan;

/** How createLogger writes. */
export interface LoggerOptions {
  level: bunyan.LogLevelString;
  /** json: one bunyan record per line; text: "time LEVEL msg key=value …". */
  format: "json" | "text";
  /** Where lines go; default stderr, which keeps stdout free for command output. */
  output?: Pick<Writable, "write">;
}

// bunyan keeps its logger's name under `name`, the very key every call site uses for an object's name
// (`{ kind, namespace, name }`, as upstream Contour logs it), and a record field silently replaces it. So the
// logger is created under a name no object can have, and our raw streams write the logger's name as
// `logger` and `name` only when the record is about an object. Both formats, one rule.
const LOGGER_NAME = "contour";
const UNNAMED = "\u0000contour-logger";

// Fields the text format prints in fixed places or not at all.
const TEXT_HIDDEN_FIELDS = new Set(["logger", "hostname", "pid", "level", "msg", "time", "v", "src", "err"]);

// Printed first in text lines, in this order.
const IDENTITY_FIELDS = ["kind", "namespace", "name"];

/** Creates the root logger: its records carry `logger: "contour"`, and `name` only for an object's name. */
export function createLogger(options: LoggerOptions): Logger {
  const output = options.output ?? process.stderr;
  const format = options.format === "json" ? formatJsonRecord : formatTextRecord;
  const stream: bunyan.Stream = {
    level: options.level,
    type: "raw",
    stream: { write: (record: object) => void output.write(format(normalizeRecord(record as Record<string, unknown>))) },
  };
  return bunyan.createLogger({ name: UNNAMED, streams: [stream], serializers: { err: bunyan.stdSerializers.err } });
}

/** A logger that drops everything, for tests and for components given no logger. */
export function createNullLogger(): Logger {
  return bunyan.createLogger({ name: UNNAMED, streams: [{ level: "fatal", stream: { write: () => true } as unknown as NodeJS.WritableStream }] });
}

/** A bunyan record with the logger's name moved to `logger` and `name` kept only when it names an object. */
export function normalizeRecord(record: Record<string, unknown>): Record<string, unknown> {
  const { name, ...rest } = record;
  const out: Record<string, unknown> = { logger: LOGGER_NAME };
  const objectName = name === UNNAMED || name === undefined ? undefined : name;
  // bunyan keeps `name` first; an object's name reads best right after its namespace (or kind).
  const after = "namespace" in rest ? "namespace" : "kind" in rest ? "kind" : undefined;
  for (const [key, value] of Object.entries(rest)) {
    out[key] = value;
    if (key === after && objectName !== undefined) out["name"] = objectName;
  }
  if (after === undefined && objectName !== undefined) out["name"] = objectName;
  return out;
}

/** One record as a JSON line: bunyan's fields (hostname, pid, level, msg, time, v) plus `logger` and the record's own. */
export function formatJsonRecord(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record) + "\n";
  } catch {
    // A cyclic or BigInt field: keep the line rather than lose it.
    return JSON.stringify({ logger: record["logger"], level: record["level"], msg: record["msg"], time: record["time"], v: record["v"], unserializable: true }) + "\n";
  }
}

/** One record as a text line: `2025-01-02T03:04:05.678Z INFO  message key=value key="two words"`, then an error's stack. */
export function formatTextRecord(record: Record<string, unknown>): string {
  const time = record["time"] instanceof Date ? record["time"].toISOString() : String(record["time"] ?? "");
  const level = (bunyan.nameFromLevel[Number(record["level"])] ?? "?").toUpperCase().padEnd(5);
  // An object's identity first, in a fixed order, so lines about one object line up when scanned.
  const entries = Object.entries(record).filter(([key, value]) => !TEXT_HIDDEN_FIELDS.has(key) && value !== undefined);
  const rank = (key: string): number => (IDENTITY_FIELDS.indexOf(key) + IDENTITY_FIELDS.length + 1) % (IDENTITY_FIELDS.length + 1);
  const fields = entries.sort(([a], [b]) => rank(a) - rank(b)).map(([key, value]) => `${key}=${formatValue(value)}`);
  let line = `${time} ${level} ${String(record["msg"] ?? "")}${fields.length > 0 ? " " + fields.join(" ") : ""}`;
  const err = record["err"] as { message?: unknown; stack?: unknown } | undefined;
  if (err !== undefined) {
    // The stack starts with the message; print it on its own indented lines so the main line stays scannable.
    line += ` err=${formatValue(String(err.message ?? err))}`;
    if (typeof err.stack === "string") line += "\n    " + err.stack.split("\n").join("\n    ");
  }
  return line + "\n";
}

function formatValue(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}
