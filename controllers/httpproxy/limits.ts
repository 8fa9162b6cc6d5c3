/**
 * Size limits on what an HTTPProxy may put into Envoy's configuration. Each keeps one object from
 * producing a configuration Envoy rejects (a NACK would stall every tenant's changes) or one that
 * costs every Envoy memory out of proportion. The CRD admits what upstream's admits and bounds none of
 * these, so they are checked here, in status (list sizes: list-limits.ts).
 */

/** Match strings, paths, prefixes and regexes. */
export const MAX_MATCH_VALUE = 4096;

/** Header and query parameter names. */
export const MAX_HEADER_NAME = 256;

/** Envoy's HeaderValue.value limit (16 KiB, in bytes). */
export const MAX_HEADER_VALUE_BYTES = 16_384;

/**
 * Envoy's default max_direct_response_body_size_bytes: a larger inline body makes Envoy reject the
 * whole route configuration.
 */
export const MAX_DIRECT_RESPONSE_BODY_BYTES = 4096;

export { RE2_PROGRAM_BUDGET } from "../regex/regex-check.js";

/** Include depth: a longer chain is refused rather than walked (list-limits.ts bounds breadth, not depth). */
export const MAX_INCLUDE_DEPTH = 64;

/**
 * Times one HTTPProxy may be reached from one root. A proxy included twice by a proxy included twice
 * by ... doubles the work at every level; without a bound thirty such proxies would stall the whole
 * controller. Real trees reach a proxy once or a few times (one include per prefix).
 */
export const MAX_VISITS_PER_PROXY = 16;
