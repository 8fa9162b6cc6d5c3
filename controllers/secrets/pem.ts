/** One PEM block: its label ("CERTIFICATE", "PRIVATE KEY", ...) and the block's text, armour included. */
export interface PemBlock {
  readonly label: string;
  readonly text: string;
}

/** The most blocks read from one value: real chains have a handful; hostile input may have millions. */
export const MAX_PEM_BLOCKS = 64;

const BEGIN = /^-----BEGIN ([A-Z0-9 ]{1,64})-----$/u;
const END = /^-----END ([A-Z0-9 ]{1,64})-----$/u;
const BASE64_LINE = /^[A-Za-z0-9+/=]*$/u;

/**
 * Splits PEM text into blocks in one linear pass over its lines. Text between blocks is ignored,
 * as OpenSSL does; a block left open, mismatched armour or non-base64 content is an error.
 * (A regex over the whole text would be simpler but can backtrack quadratically on hostile input.)
 */
export function parsePem(text: string): { readonly ok: true; readonly blocks: readonly PemBlock[] } | { readonly ok: false; readonly error: string } {
  const blocks: PemBlock[] = [];
  let open: { label: string; lines: string[] } | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (open === undefined) {
      const begin = BEGIN.exec(line);
      if (begin === null) continue;
      if (blocks.length >= MAX_PEM_BLOCKS) return { ok: false, error: `more than ${MAX_PEM_BLOCKS} PEM blocks` };
      open = { label: begin[1] ?? "", lines: [line] };
      continue;
    }
    const end = END.exec(line);
    if (end !== null) {
      if (end[1] !== open.label) return { ok: false, error: `PEM block ${JSON.stringify(open.label)} ends as ${JSON.stringify(end[1])}` };
      open.lines.push(line);
      blocks.push({ label: open.label, text: `${open.lines.join("\n")}\n` });
      open = undefined;
      continue;
    }
    // Encrypted legacy PEM carries headers ("Proc-Type: 4,ENCRYPTED"): Envoy cannot use such a key.
    if (!BASE64_LINE.test(line)) return { ok: false, error: `PEM block ${JSON.stringify(open.label)} holds a line that is not base64` };
    open.lines.push(line);
  }
  if (open !== undefined) return { ok: false, error: `PEM block ${JSON.stringify(open.label)} is not terminated` };
  return { ok: true, blocks };
}

/**
 * Decodes a Secret data value (base64 of the PEM text). Strict: Node's decoder silently skips
 * invalid characters, which would turn a corrupt value into a different one.
 */
export function decodeSecretData(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const compact = value.replace(/\s+/gu, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/u.test(compact)) return undefined;
  return Buffer.from(compact, "base64").toString("utf8");
}
