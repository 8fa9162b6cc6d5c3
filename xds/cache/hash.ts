// Content hashes: the only source of versions, so every replica computes the same ones.
import { createHash, hash } from "node:crypto";

// 64 bits: collisions among the versions of one resource name are not a realistic concern, and
// short versions keep Envoy's logs and config dumps readable.
const VERSION_HEX_CHARS = 16;

/** The version of one resource: a hash of its binary encoding. */
export function hashBytes(bytes: Uint8Array): string {
  return hash("sha256", bytes, "hex").slice(0, VERSION_HEX_CHARS);
}

/**
 * The version of a set of resources: a hash over its (name, version) pairs in name order, so it
 * changes exactly when some member is added, removed or changed.
 */
export function hashPairs(pairs: Iterable<readonly [name: string, version: string]>): string {
  const sorted = [...pairs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const sha = createHash("sha256");
  // NUL and newline cannot occur in a version and are unusual in names; the length prefix makes
  // the framing unambiguous even if a name contains them.
  for (const [name, version] of sorted) sha.update(`${name.length}:${name}\0${version}\n`);
  return sha.digest("hex").slice(0, VERSION_HEX_CHARS);
}
