// Public surface of certificate generation for xDS mTLS (used by `contour certgen` and the e2e harness).
export {
  CERTGEN_DEFAULTS,
  MAX_LIFETIME_DAYS,
  contourSans,
  envoySans,
  generateCertificates,
  validateCertgenOptions,
  type CertgenOptions,
  type GeneratedCertificates,
} from "./generate.js";
export { PEM_FILE_NAMES, SECRET_NAMES, pemFiles, renderSecretsYaml, type PemFile } from "./outputs.js";
export { isDnsLabel, isDnsSan, isIpAddress, serviceDnsNames } from "./names.js";
