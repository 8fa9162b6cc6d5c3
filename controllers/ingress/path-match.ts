import type { PathMatch } from "../model/model.js";
import { quote } from "../store/conditions.js";
import { regexProblem } from "../regex/regex-check.js";

/** Longest path accepted: longer ones could never match a request Envoy accepts (60 KiB of headers). */
export const MAX_PATH_LENGTH = 4096;

/** Characters that make an ImplementationSpecific path a regex, as upstream's ingress processor decides. */
const REGEX_MARKERS = /[\^+*[\]%]/u;

// Control characters have no place in a URL path and would end up in Envoy config and logs.
const CONTROL = /[\u0000-\u001f\u007f]/u;

/** A path match, or why the Ingress path cannot become one (reason and a message without the field). */
export type PathMatchResult = { readonly ok: true; readonly match: PathMatch } | { readonly ok: false; readonly reason: string; readonly message: string };

/**
 * The model path match of an Ingress path, following upstream's ingress processor: an empty path is
 * "/"; Exact is an exact match; Prefix is a segment prefix with trailing slashes removed, except "/"
 * which is a plain prefix (it matches everything); ImplementationSpecific (the default) is a regex
 * when the path holds one of ^ + * [ ] %, validated first, and a plain string prefix otherwise.
 */
export function ingressPathMatch(path: string | undefined, pathType: string | undefined): PathMatchResult {
  const p = path === undefined || path === "" ? "/" : path;
  if (p.length > MAX_PATH_LENGTH) return fail("InvalidPath", `is longer than ${MAX_PATH_LENGTH} characters`);
  if (!p.startsWith("/")) return fail("InvalidPath", "is not an absolute path (it must start with \"/\")");
  if (CONTROL.test(p)) return fail("InvalidPath", "holds control characters");
  switch (pathType ?? "ImplementationSpecific") {
    case "Exact":
      return ok({ kind: "exact", value: p });
    case "Prefix": {
      if (p === "/") return ok({ kind: "prefix", value: "/", segment: false });
      const trimmed = p.replace(/\/+$/u, "");
      // "//" trims to nothing; it still means "everything under the root".
      return ok(trimmed === "" ? { kind: "prefix", value: "/", segment: false } : { kind: "prefix", value: trimmed, segment: true });
    }
    case "":
    case "ImplementationSpecific": {
      if (!REGEX_MARKERS.test(p)) return ok({ kind: "prefix", value: p, segment: false });
      const why = regexProblem(p);
      if (why !== undefined) return fail("InvalidPathRegex", `is treated as a regex (it holds one of ^+*[]%) and ${why}`);
      return ok({ kind: "regex", value: p });
    }
    default:
      return fail("InvalidPathType", `pathType ${quote(pathType ?? "")} is not Exact, Prefix or ImplementationSpecific`);
  }
}

function ok(match: PathMatch): PathMatchResult {
  return { ok: true, match };
}

function fail(reason: string, message: string): PathMatchResult {
  return { ok: false, reason, message };
}
