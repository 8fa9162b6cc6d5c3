// The kubelet's TLS: one CA per bed that signs the kubelet's serving certificate (for its node
// address) and the client certificate kube-apiserver presents to it (--kubelet-client-certificate),
// so both sides verify each other as in a real cluster.
import { KeyObject, type webcrypto } from "node:crypto";
import { writeFileSync } from "node:fs";
import { nodeCrypto, x509 } from "../../../operator/certgen/x509.js";
import type { RunDir } from "../run-dir.js";

const ECDSA_P256 = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;

/** A certificate and its key, PEM. */
export interface KeyPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** The kubelet CA and what kube-apiserver needs from it. */
export interface KubeletCa {
  readonly caPem: string;
  /** Files for kube-apiserver's --kubelet-client-certificate/--kubelet-client-key/--kubelet-certificate-authority. */
  readonly apiserverArgs: readonly string[];
  /** Issues the kubelet's serving certificate for its node address and name. */
  issueServing(ip: string, nodeName: string): Promise<KeyPair>;
}

/** Creates the CA and the API server's client certificate, written into the run dir. */
export async function createKubeletCa(runDir: RunDir): Promise<KubeletCa> {
  const keys = await generateKeys();
  const now = Date.now();
  const validity = { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + DAY_MS) };
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: "CN=contour-e2e-kubelet-ca",
      keys,
      signingAlgorithm: ECDSA_P256,
      ...validity,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, nodeCrypto),
      ],
    },
    nodeCrypto,
  );
  const issue = async (subject: string, usage: "server" | "client", names: x509.JsonGeneralName[]): Promise<KeyPair> => {
    const leafKeys = await generateKeys();
    const cert = await x509.X509CertificateGenerator.create(
      {
        subject,
        issuer: ca.subject,
        publicKey: leafKeys.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: ECDSA_P256,
        ...validity,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
          ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
          await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey, false, nodeCrypto),
        ],
      },
      nodeCrypto,
    );
    return { certPem: cert.toString("pem") + "\n", keyPem: KeyObject.from(leafKeys.privateKey).export({ type: "pkcs8", format: "pem" }) as string };
  };
  const caPem = ca.toString("pem") + "\n";
  // The API server authenticates to the kubelet as this user (the name kubeadm gives it).
  const client = await issue("CN=kube-apiserver-kubelet-client, O=kubeadm:cluster-admins", "client", []);
  const caFile = runDir.file("kubelet-ca.crt");
  const certFile = runDir.file("apiserver-kubelet-client.crt");
  const keyFile = runDir.file("apiserver-kubelet-client.key");
  writeFileSync(caFile, caPem);
  writeFileSync(certFile, client.certPem);
  writeFileSync(keyFile, client.keyPem, { mode: 0o600 });
  return {
    caPem,
    apiserverArgs: [
      `--kubelet-client-certificate=${certFile}`,
      `--kubelet-client-key=${keyFile}`,
      `--kubelet-certificate-authority=${caFile}`,
      // The node's InternalIP is the bed's node address; nothing else would route.
      "--kubelet-preferred-address-types=InternalIP",
    ],
    issueServing: (ip, nodeName) =>
      issue(`CN=system:node:${nodeName}, O=system:nodes`, "server", [
        { type: "ip", value: ip },
        { type: "dns", value: nodeName },
      ]),
  };
}

function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return nodeCrypto.subtle.generateKey(ECDSA_P256, true, ["sign", "verify"]);
}
