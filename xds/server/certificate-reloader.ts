// Keeps the server's TLS identity current: certificate files rotated on disk (cert-manager,
// `contour certgen`) take effect without a restart. Polls mtimes; fs.watch misses the atomic
// symlink swaps Kubernetes uses for mounted Secrets.
import { readFile, stat } from "node:fs/promises";
import { createSecureContext, type SecureContextOptions } from "node:tls";
import type Logger from "bunyan";

/** The PEM files of the server's TLS identity and of the CA its clients must chain to. */
export interface TlsFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Options of createCertificateReloader. */
export interface CertificateReloaderOptions {
  readonly files: TlsFiles;
  /** How often to look at the files; default 5 s. */
  readonly intervalMs?: number;
  /** Installs a newly loaded context (http2 server.setSecureContext). */
  readonly apply: (context: SecureContextOptions) => void;
  readonly logger: Logger;
}

/** Watches the TLS files and applies them when they change. */
export interface CertificateReloader {
  /** Reads the files now; throws when they are missing or do not form a valid key pair. */
  load(): Promise<SecureContextOptions>;
  /** Checks the files now and applies them if changed; resolves true if a new context was applied. */
  check(): Promise<boolean>;
  start(): void;
  stop(): void;
}

/** The TLS settings every xDS server context uses: TLS 1.3 only, HTTP/2 only. */
export const TLS_BASE: SecureContextOptions = { minVersion: "TLSv1.3" };

/** Creates a reloader; nothing is read until load() or start(). */
export function createCertificateReloader(options: CertificateReloaderOptions): CertificateReloader {
  const files = [options.files.caFile, options.files.certFile, options.files.keyFile];
  let applied = "";
  let timer: NodeJS.Timeout | undefined;
  let checking = false;

  const fingerprint = async (): Promise<string> => {
    const stats = await Promise.all(files.map((f) => stat(f)));
    return stats.map((s) => `${s.ino}:${s.size}:${s.mtimeMs}`).join("|");
  };

  const load = async (): Promise<SecureContextOptions> => {
    const [ca, cert, key] = await Promise.all(files.map((f) => readFile(f)));
    const context: SecureContextOptions = { ...TLS_BASE, ca, cert, key };
    // Throws on a key that does not match the certificate, or unparsable PEM: better here than
    // at every handshake.
    createSecureContext(context);
    return context;
  };

  const check = async (): Promise<boolean> => {
    if (checking) return false;
    checking = true;
    try {
      const before = await fingerprint();
      if (before === applied) return false;
      const context = await load();
      // A rotation in progress (cert written, key not yet) shows as a changed fingerprint or a
      // mismatched pair; either way, try again next time.
      if ((await fingerprint()) !== before) return false;
      options.apply(context);
      applied = before;
      options.logger.info({ files: options.files }, "xDS server TLS certificates reloaded");
      return true;
    } catch (err) {
      options.logger.warn({ err, files: options.files }, "xDS server TLS certificates not reloaded; keeping the current ones");
      return false;
    } finally {
      checking = false;
    }
  };

  return {
    async load() {
      const before = await fingerprint();
      const context = await load();
      applied = before;
      return context;
    },
    check,
    start() {
      if (timer !== undefined) return;
      timer = setInterval(() => void check(), options.intervalMs ?? 5000);
      timer.unref();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
