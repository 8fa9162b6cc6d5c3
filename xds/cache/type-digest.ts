// The version of a set of (name, version) pairs that a change updates in O(changed): the sum of a
// 64-bit hash per pair, modulo 2^64. Addition does not depend on order, so every replica with the
// same content has the same digest, whatever history led to it.
import { hash } from "node:crypto";

const MASK = (1n << 64n) - 1n;

/** The 64-bit hash of one (name, version) pair. */
export function pairHash(name: string, version: string): bigint {
  // The length prefix keeps the framing unambiguous whatever a name contains.
  const hex = hash("sha256", `${name.length}:${name}\0${version}`, "hex").slice(0, 16);
  return BigInt(`0x${hex}`);
}

/** The digest with a pair added. */
export function addPair(digest: bigint, name: string, version: string): bigint {
  return (digest + pairHash(name, version)) & MASK;
}

/** The digest with a pair taken out again. */
export function removePair(digest: bigint, name: string, version: string): bigint {
  return (digest - pairHash(name, version)) & MASK;
}

/** The digest of a whole set of pairs. */
export function digestOf(pairs: Iterable<readonly [name: string, version: string]>): bigint {
  let digest = 0n;
  for (const [name, version] of pairs) digest = addPair(digest, name, version);
  return digest;
}

/** A digest as a version string: 16 hex digits, like every other version. */
export function digestVersion(digest: bigint): string {
  return digest.toString(16).padStart(16, "0");
}
