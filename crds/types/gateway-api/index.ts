/** The Gateway API kinds (gateway.networking.k8s.io v1, bundle v1.6.1) as TypeScript. */
export * from "./common.js";
export * from "./gateway.js";
export * from "./httproute.js";
export * from "./referencegrant.js";
export * from "./backendtlspolicy.js";
export * from "./other-routes.js";
