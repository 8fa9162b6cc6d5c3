/**
 * CORS: a virtual host's policy as the typed_per_filter_config of envoy.filters.http.cors, shaped
 * as upstream Contour does (exact origins compared case-insensitively, lists joined with ",",
 * credentials and private-network access always stated). Entries Envoy would refuse, or that would
 * put a broken header on the wire, are left out; the reconciler reports them.
 */
import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { CorsPolicySchema } from "../gen/envoy/extensions/filters/http/cors/v3/cors_pb.js";
import type { StringMatcher } from "../gen/envoy/type/matcher/v3/string_pb.js";
import { StringMatcherSchema } from "../gen/envoy/type/matcher/v3/string_pb.js";
import type { CorsPolicy } from "../../controllers/model/model.js";
import { regexProblem } from "../../controllers/regex/regex-check.js";
import { isHeaderName, isHeaderValue } from "./headers.js";
import { typed } from "./proto.js";

/** Each value once, in the order given, keeping only those `valid` accepts. */
function uniqueValid(values: readonly string[], valid: (value: string) => boolean): string[] {
  return [...new Set(values.filter(valid))];
}

function originMatcher(origin: CorsPolicy["allowOrigin"][number]): StringMatcher | undefined {
  if (origin.value === "" || !isHeaderValue(origin.value)) return undefined;
  if (origin.regex) {
    // A pattern RE2 refuses would get the whole route configuration NACKed.
    if (regexProblem(origin.value) !== undefined) return undefined;
    return create(StringMatcherSchema, { matchPattern: { case: "safeRegex", value: { regex: origin.value } } });
  }
  // Origins are scheme and host, which compare case-insensitively. Envoy matches "*" as any origin.
  return create(StringMatcherSchema, { matchPattern: { case: "exact", value: origin.value }, ignoreCase: true });
}

/** Envoy's max_age is a string of whole seconds; undefined leaves Envoy's default. */
function maxAge(seconds: number | undefined): string | undefined {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
  return String(Math.floor(seconds));
}

/**
 * The CorsPolicy of a virtual host, packed for typed_per_filter_config, or undefined when the host
 * has none or no origin is left to allow (a policy allowing nobody behaves as no policy).
 * answerRefusedPreflights: a preflight from an origin not allowed is answered by Envoy, without
 * access-control headers, instead of being forwarded (Gateway API's CORS filter; upstream Contour
 * forwards them).
 */
export function translateCorsPolicy(cors: CorsPolicy | undefined, answerRefusedPreflights = false): Any | undefined {
  if (cors === undefined) return undefined;
  const origins = cors.allowOrigin.map(originMatcher).filter((m): m is StringMatcher => m !== undefined);
  if (origins.length === 0) return undefined;
  const age = maxAge(cors.maxAgeSeconds);
  return typed(CorsPolicySchema, {
    allowOriginStringMatch: origins,
    // Methods and header names are tokens: anything else would corrupt the response header.
    allowMethods: uniqueValid(cors.allowMethods, isHeaderName).join(","),
    allowHeaders: uniqueValid(cors.allowHeaders, isHeaderName).join(","),
    exposeHeaders: uniqueValid(cors.exposeHeaders, isHeaderName).join(","),
    ...(age === undefined ? {} : { maxAge: age }),
    allowCredentials: cors.allowCredentials,
    allowPrivateNetworkAccess: cors.allowPrivateNetwork,
    ...(answerRefusedPreflights ? { forwardNotMatchingPreflights: false } : {}),
  });
}
