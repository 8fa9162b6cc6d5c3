/**
 * Header additions and removals from users' policies, made safe for Envoy: values are escaped so
 * Envoy's `%COMMAND%` substitution runs on user data only for upstream's allow-list, and headers Envoy refuses to touch are
 * either mapped to their dedicated setting (Host → host rewrite) or left out, since one refused
 * header would get the whole route configuration NACKed.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { HeaderValueOptionSchema } from "../gen/envoy/config/core/v3/base_pb.js";
import { HeaderValueOption_HeaderAppendAction } from "../gen/envoy/config/core/v3/base_pb.js";
import type { HeadersPolicy } from "../../controllers/model/model.js";
import { escapeHeaderValue } from "./header-value.js";
import { compareStrings } from "./proto.js";

export { escapeHeaderValue };

type HeaderValueOptionInit = MessageInitShape<typeof HeaderValueOptionSchema>;

/** Header mutations in the shape Envoy's Route and ClusterWeight share. */
export interface HeaderMutations {
  readonly requestHeadersToAdd: HeaderValueOptionInit[];
  readonly requestHeadersToRemove: string[];
  readonly responseHeadersToAdd: HeaderValueOptionInit[];
  readonly responseHeadersToRemove: string[];
  /** Set when the request policy sets Host: Envoy only changes it through a host rewrite. */
  readonly hostRewrite?: string;
  /** Set when the request policy takes Host from a request header (and sets no literal Host). */
  readonly hostRewriteHeader?: string;
}

/** RFC 7230 token characters: what Envoy accepts as a header name. */
const HEADER_NAME = /^[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
/** NUL, CR and LF would split or truncate the header on the wire; Envoy rejects them. */
const FORBIDDEN_VALUE_CHARS = /[\0\r\n]/;

/** True for a name Envoy accepts as a header name (an RFC 7230 token). */
export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

/** True for a value Envoy accepts in a header it adds: no NUL, CR or LF. */
export function isHeaderValue(value: string): boolean {
  return !FORBIDDEN_VALUE_CHARS.test(value);
}


/** A header Envoy lets a route add or remove: a valid name, neither a pseudo-header nor Host. */
function isModifiable(name: string): boolean {
  return HEADER_NAME.test(name) && name.toLowerCase() !== "host";
}

/**
 * Headers to set (overwriting what is there), escaped and sorted by name; invalid names, Host and
 * values Envoy would refuse are left out.
 */
export function headersToSet(set: readonly { readonly name: string; readonly value: string }[]): HeaderValueOptionInit[] {
  if (set.length === 0) return [];
  return set
    .filter((h) => isModifiable(h.name) && !FORBIDDEN_VALUE_CHARS.test(h.value))
    .sort((a, b) => compareStrings(a.name.toLowerCase(), b.name.toLowerCase()))
    .map((h) => ({
      header: { key: h.name, value: escapeHeaderValue(h.value) },
      // "set" semantics: replace whatever the client or upstream sent.
      appendAction: HeaderValueOption_HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD,
    }));
}

function toAdd(policy: HeadersPolicy | undefined): HeaderValueOptionInit[] {
  if (policy === undefined) return [];
  // Gateway API "add": a value beside those already there, not instead of them.
  const appended = headersToSet(policy?.add ?? []).map((h) => ({ ...h, appendAction: HeaderValueOption_HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD }));
  return [...headersToSet(policy?.set ?? []), ...appended];
}

function toRemove(policy: HeadersPolicy | undefined): string[] {
  if (policy === undefined || policy.remove.length === 0) return [];
  const names = (policy?.remove ?? []).filter(isModifiable).map((n) => n.toLowerCase());
  return [...new Set(names)].sort(compareStrings);
}

function hostOf(policy: HeadersPolicy | undefined): string | undefined {
  const host = policy?.set.find((h) => h.name.toLowerCase() === "host");
  return host === undefined || host.value === "" || FORBIDDEN_VALUE_CHARS.test(host.value) ? undefined : host.value;
}

/** The Envoy form of a request and a response headers policy. */
export function translateHeaderPolicies(request: HeadersPolicy | undefined, response: HeadersPolicy | undefined): HeaderMutations {
  const hostRewrite = hostOf(request);
  const fromHeader = hostRewrite === undefined ? request?.hostRewriteHeader : undefined;
  return {
    requestHeadersToAdd: toAdd(request),
    requestHeadersToRemove: toRemove(request),
    responseHeadersToAdd: toAdd(response),
    responseHeadersToRemove: toRemove(response),
    ...(hostRewrite === undefined ? {} : { hostRewrite }),
    ...(fromHeader === undefined || !isModifiable(fromHeader) ? {} : { hostRewriteHeader: fromHeader }),
  };
}

/** True when a policy would change anything. */
export function hasHeaderPolicy(policy: HeadersPolicy | undefined): boolean {
  return policy !== undefined && (policy.set.length > 0 || policy.remove.length > 0 || (policy.add?.length ?? 0) > 0);
}
