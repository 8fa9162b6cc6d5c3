import type { Condition } from "../store/fragment.js";
import { CONTOUR_PREFIX, invalidAnnotation, readAnnotation, splitList, type Annotations, type Parsed } from "./annotation-value.js";

/** Paths whose routes accept WebSocket upgrades, comma-separated. */
export const WEBSOCKET_ROUTES = `${CONTOUR_PREFIX}websocket-routes`;

/**
 * The Ingress paths (as written in spec, before any normalisation) that enable WebSockets, as
 * upstream's annotation.WebsocketRoutes reads them. Entries that are not absolute paths cannot
 * name an Ingress path and are reported.
 */
export function parseWebsocketRoutes(annotations: Annotations): Parsed<ReadonlySet<string>> {
  const read = readAnnotation(annotations, WEBSOCKET_ROUTES);
  const warnings: Condition[] = [...read.warnings];
  const routes = new Set<string>();
  for (const entry of splitList(read.value ?? "")) {
    if (!entry.startsWith("/")) warnings.push(invalidAnnotation("InvalidWebsocketRoute", WEBSOCKET_ROUTES, entry, "is not an absolute path"));
    else routes.add(entry);
  }
  return { value: routes, warnings };
}
