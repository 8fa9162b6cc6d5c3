// Flags of the whole `contour` program in upstream's CLI, which may come before the command name.

/**
 * Upstream's `--log-format` is a flag of the whole program and may come before the command
 * (`contour --log-format=json serve`): moved behind the command name, where each command reads it.
 */
export function hoistGlobalFlags(argv: readonly string[]): string[] {
  const global: string[] = [];
  let i = 0;
  while (i < argv.length && (argv[i] ?? "").startsWith("--log-format")) {
    const arg = argv[i] ?? "";
    global.push(arg);
    if (arg === "--log-format" && i + 1 < argv.length) global.push(argv[++i] ?? "");
    i++;
  }
  const [name, ...rest] = argv.slice(i);
  return name === undefined ? global : [name, ...global, ...rest];
}
