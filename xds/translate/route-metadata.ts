/**
 * A route's metadata: the object it came from, where access logs read it as upstream Contour puts
 * it (`%METADATA(ROUTE:envoy.access_loggers.file:io.projectcontour:kind)%`, likewise namespace and
 * name), so an access log format written for upstream prints the same fields here; plus the cookie
 * rewrite rules the Lua filter reads (cookie-rewrite.ts). Found missing by `make config-diff`.
 *
 * The source is sent only when an access log format reads route metadata: Envoy parses every
 * route's metadata each time it rebuilds a route table, which it does in full for every changed
 * virtual host (at 10,000 hosts the source metadata alone took 40 % of Envoy's time per change,
 * `node dist/bench/vhds-envoy.js`), and nothing else reads it.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { MetadataSchema } from "../gen/envoy/config/core/v3/base_pb.js";
import type { Route } from "../../controllers/model/model.js";
import { cookieRewriteMetadata } from "./cookie-rewrite.js";

/** The filter-metadata namespace upstream's access log formats read. */
export const ACCESS_LOG_METADATA_FILTER = "envoy.access_loggers.file";

/** The key under it that holds the source object. */
export const ACCESS_LOG_METADATA_KEY = "io.projectcontour";

/** Whether an access log format of the options reads route metadata (`%METADATA(ROUTE:...)%`). */
export function accessLogReadsRouteMetadata(options: { readonly accessLogFormatString: string | null; readonly accessLogJsonFields: Readonly<Record<string, string>> | null }): boolean {
  const formats = [options.accessLogFormatString ?? "", ...Object.values(options.accessLogJsonFields ?? {})];
  return formats.some((format) => format.includes("%METADATA(ROUTE:"));
}

/** The metadata of one Envoy route (with its source when `withSource`); undefined when it has none. */
export function routeMetadata(route: Route, withSource: boolean): MessageInitShape<typeof MetadataSchema> | undefined {
  const cookies = cookieRewriteMetadata(route);
  if (!withSource) return cookies;
  const { kind, namespace, name } = route.source;
  return {
    filterMetadata: {
      ...(cookies?.filterMetadata ?? {}),
      [ACCESS_LOG_METADATA_FILTER]: { [ACCESS_LOG_METADATA_KEY]: { kind, namespace, name } },
    },
  };
}
