// The TLSCertificateDelegation CRD (projectcontour.io/v1).
// crds/projectcontour.io_tlscertificatedelegations.yaml is this object rendered (see render.ts).
import {
  GROUP,
  TLS_CERTIFICATE_DELEGATION_KIND,
  TLS_CERTIFICATE_DELEGATION_LIST_KIND,
  TLS_CERTIFICATE_DELEGATION_PLURAL,
  TLS_CERTIFICATE_DELEGATION_SHORT_NAMES,
  TLS_CERTIFICATE_DELEGATION_SINGULAR,
  VERSION,
} from "../constants.js";
import { detailedConditions, objectName } from "./common.js";
import { array, object, string, type CustomResourceDefinition } from "./openapi.js";

/** The TLSCertificateDelegation CustomResourceDefinition. */
export function tlsCertificateDelegationCrd(): CustomResourceDefinition {
  const delegation = object(
    "Permission for some namespaces to use one Secret of this namespace.",
    {
      secretName: objectName("A Secret in this namespace."),
      targetNamespaces: array(
        'Namespaces that may use the Secret; "*" means all.',
        string("A namespace, or *."),
      ),
    },
    ["secretName", "targetNamespaces"],
  );
  const root = object(
    "TLSCertificateDelegation: lets HTTPProxies and Ingresses in other namespaces use Secrets of this one.",
    {
      apiVersion: string("projectcontour.io/v1."),
      kind: string("TLSCertificateDelegation."),
      metadata: { type: "object" },
      spec: object(
        "The delegations.",
        { delegations: array("Delegations, one per Secret.", delegation) },
        ["delegations"],
      ),
      status: object("What the controller reports.", {
        conditions: detailedConditions("Conditions: Contour maintains Valid and leaves other types alone."),
      }),
    },
    ["spec"],
  );
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${TLS_CERTIFICATE_DELEGATION_PLURAL}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: "Namespaced",
      names: {
        plural: TLS_CERTIFICATE_DELEGATION_PLURAL,
        singular: TLS_CERTIFICATE_DELEGATION_SINGULAR,
        kind: TLS_CERTIFICATE_DELEGATION_KIND,
        listKind: TLS_CERTIFICATE_DELEGATION_LIST_KIND,
        shortNames: [...TLS_CERTIFICATE_DELEGATION_SHORT_NAMES],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: root },
          subresources: { status: {} },
          additionalPrinterColumns: [{ name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" }],
        },
      ],
    },
  };
}
