/**
 * A route's metadata: the object it came from, where access logs read it as upstream Contour puts
 * it (`%METADATA(ROUTE:envoy.access_loggers.file:io.projectcontour:kind)%`, likewise namespace and
 * name), so an access log format written for upstream prints the same fields here; plus the cookie
 * rewrite rules the Lua filter reads (cookie-rewrite.ts). Found missing by `make config-diff`.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { MetadataSchema } from "../gen/envoy/config/core/v3/base_pb.js";
import type { Route } from "../../controllers/model/model.js";
import { cookieRewriteMetadata } from "./cookie-rewrite.js";

/** The filter-metadata namespace upstream's access log formats read. */
export const ACCESS_LOG_METADATA_FILTER = "envoy.access_loggers.file";

/** The key under it that holds the source object. */
export const ACCESS_LOG_METADATA_KEY = "io.projectcontour";

/** The metadata of one Envoy route. */
export function routeMetadata(route: Route): MessageInitShape<typeof MetadataSchema> {
  const { kind, namespace, name } = route.source;
  const cookies = cookieRewriteMetadata(route);
  return {
    filterMetadata: {
      ...(cookies?.filterMetadata ?? {}),
      [ACCESS_LOG_METADATA_FILTER]: { [ACCESS_LOG_METADATA_KEY]: { kind, namespace, name } },
    },
  };
}
