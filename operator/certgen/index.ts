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
export { PEM_FILE_NAMES, SECRETS_FORMATS, SECRET_NAMES, buildSecrets, pemFiles, secretYaml, type CertSecret, type PemFile, type SecretsFormat } from "./outputs.js";
export { writeSecretsToApi, type SecretWriteOutcome } from "./kube-secrets.js";
export { isDnsLabel, isDnsSan, isIpAddress, serviceDnsNames } from "./names.js";
