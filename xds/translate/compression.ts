/**
 * The response compressor HTTP filter: gzip by default, brotli or zstd when configured, none when
 * `compression.algorithm: disabled`. Envoy's default content types apply (text, JSON, JS, XML,
 * SVG and their synonyms): upstream lists the same ones plus gRPC-Web's, but the field it sets is
 * deprecated in the Envoy we run, and gRPC-Web is not translated here yet.
 */
import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { BrotliSchema } from "../gen/envoy/extensions/compression/brotli/compressor/v3/brotli_pb.js";
import { GzipSchema } from "../gen/envoy/extensions/compression/gzip/compressor/v3/gzip_pb.js";
import { ZstdSchema } from "../gen/envoy/extensions/compression/zstd/compressor/v3/zstd_pb.js";
import { CompressorSchema } from "../gen/envoy/extensions/filters/http/compressor/v3/compressor_pb.js";
import type { HttpFilter } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { HttpFilterSchema } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { EnvoyExtension } from "../names.js";
import type { CompressionAlgorithm } from "./options.js";
import { typed } from "./proto.js";


function library(algorithm: Exclude<CompressionAlgorithm, "disabled">): Any {
  switch (algorithm) {
    case "gzip":
      return typed(GzipSchema, {});
    case "brotli":
      return typed(BrotliSchema, {});
    case "zstd":
      return typed(ZstdSchema, {});
  }
}

/** The compressor filter, or none when compression is disabled. */
export function compressorFilters(algorithm: CompressionAlgorithm): HttpFilter[] {
  if (algorithm === "disabled") return [];
  const compressor = typed(CompressorSchema, {
    // The library's name is upstream's; Envoy finds the library by its type, not by this name.
    compressorLibrary: { name: algorithm, typedConfig: library(algorithm) },
  });
  return [create(HttpFilterSchema, { name: EnvoyExtension.compressor, configType: { case: "typedConfig", value: compressor } })];
}
