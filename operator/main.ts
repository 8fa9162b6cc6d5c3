#!/usr/bin/env node
/** The `contour` command: dispatches to its subcommands. */
import process from "node:process";
import { hoistGlobalFlags } from "./commands/global-flags.js";

/** A subcommand: parses its own arguments and resolves to the process exit code. */
export type Command = (args: readonly string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: { summary: "run the controller and the xDS server", load: async () => (await import("./commands/serve.js")).serve },
  bootstrap: { summary: "write the Envoy bootstrap that points Envoy at contour", load: async () => (await import("./commands/bootstrap.js")).bootstrap },
  certgen: { summary: "generate the CA and certificates for xDS mTLS", load: async () => (await import("./commands/certgen.js")).certgen },
  envoy: { summary: "Envoy's shutdown manager: `envoy shutdown-manager` (sidecar) and `envoy shutdown` (preStop)", load: async () => (await import("./commands/envoy.js")).envoy },
  cli: { summary: "an xDS client: print what contour serves a node (lds, rds, cds, eds, sds)", load: async () => (await import("./commands/cli.js")).cli },
  version: { summary: "print the branch, commit and version contour was built from", load: async () => (await import("./commands/version.js")).version },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: contour <command> [flags]\n\ncommands:\n${lines.join("\n")}\n\nRun 'contour <command> --help' for a command's flags.\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = commands[name];
  if (entry === undefined) {
    process.stderr.write(`contour: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  return command(rest);
}

main(hoistGlobalFlags(process.argv.slice(2))).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Errors that explain themselves (a missing kubeconfig) are one line; anything else is a bug: show its stack.
    const userFacing = err instanceof Error && (err as { userFacing?: unknown }).userFacing === true;
    process.stderr.write(`contour: ${err instanceof Error ? (userFacing ? err.message : (err.stack ?? err.message)) : String(err)}\n`);
    process.exitCode = 1;
  },
);
