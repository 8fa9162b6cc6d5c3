// `contour envoy <subcommand>`: placeholder until the shutdown manager lands.
/** The `contour envoy` command. */
export async function envoy(_args: readonly string[]): Promise<number> {
  return 2;
}
