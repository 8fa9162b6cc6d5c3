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

// Fields every bunyan record has; the text format prints them in fixed places or not at all.
const CORE_FIELDS = new Set(["name", "hostname", "pid", "level", "msg", "time", "v", "src", "err"]);

/** Creates the root logger named "contour". */
export function createLogger(options: LoggerOptions): Logger {
  const output = options.output ?? process.stderr;
  const stream: bunyan.Stream =
    options.format === "json"
      ? { level: options.level, stream: output as NodeJS.WritableStream }
      : { level: options.level, type: "raw", stream: { write: (record: object) => void output.write(formatTextRecord(record as Record<string, unknown>)) } };
  return bunyan.createLogger({ name: "contour", streams: [stream], serializers: { err: bunyan.stdSerializers.err } });
}

/** A logger that drops everything, for tests and for components given no logger. */
export function createNullLogger(): Logger {
  return bunyan.createLogger({ name: "contour", streams: [{ level: "fatal", stream: { write: () => true } as unknown as NodeJS.WritableStream }] });
}

/** One record as a text line: `2025-01-02T03:04:05.678Z INFO  message key=value key="two words"`, then an error's stack. */
export function formatTextRecord(record: Record<string, unknown>): string {
  const time = record["time"] instanceof Date ? record["time"].toISOString() : String(record["time"] ?? "");
  const level = (bunyan.nameFromLevel[Number(record["level"])] ?? "?").toUpperCase().padEnd(5);
  const fields = Object.entries(record)
    .filter(([key, value]) => !CORE_FIELDS.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${formatValue(value)}`);
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
