// The one place that loads @peculiar/x509. Its DI container (tsyringe) throws at import time unless a
// Reflect metadata polyfill is already installed, so the polyfill is imported first: ES modules evaluate
// their imports in order, and every other module reaches the library through this one.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";

/** Node's WebCrypto, passed explicitly to every library call rather than set as the library's global provider. */
export const nodeCrypto: webcrypto.Crypto = webcrypto;

/** The @peculiar/x509 namespace, safe to use once this module has loaded. */
export { x509 };
