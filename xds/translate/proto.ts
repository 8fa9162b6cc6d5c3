/**
 * Small builders for protobuf values every translator file needs (durations, typed configs,
 * ADS config sources), so each concern file reads as Envoy configuration rather than plumbing.
 */
import { create } from "@bufbuild/protobuf";
import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";
import type { Any, Duration } from "@bufbuild/protobuf/wkt";
import { anyPack, DurationSchema } from "@bufbuild/protobuf/wkt";
import type { ConfigSource } from "../gen/envoy/config/core/v3/config_source_pb.js";
import { ApiVersion, ConfigSourceSchema } from "../gen/envoy/config/core/v3/config_source_pb.js";
import type { DataSource } from "../gen/envoy/config/core/v3/base_pb.js";
import { DataSourceSchema } from "../gen/envoy/config/core/v3/base_pb.js";

/** A protobuf Duration from milliseconds; negative or fractional input is clamped and rounded. */
export function durationFromMs(ms: number): Duration {
  const whole = Math.max(0, Math.round(ms));
  return create(DurationSchema, { seconds: BigInt(Math.floor(whole / 1000)), nanos: (whole % 1000) * 1_000_000 });
}

/** A protobuf Duration from whole seconds. */
export function durationFromSeconds(seconds: number): Duration {
  return durationFromMs(seconds * 1000);
}

/** Builds a message and packs it into an Any, as Envoy's typed_config fields expect. */
export function typed<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>): Any {
  return anyPack(schema, create(schema, init));
}

/**
 * The config source of every dynamic reference we emit (RDS, EDS, SDS): the same ADS stream Envoy
 * was bootstrapped with, so one connection carries everything and ordering is under our control.
 */
export function adsConfigSource(): ConfigSource {
  return create(ConfigSourceSchema, {
    configSourceSpecifier: { case: "ads", value: {} },
    resourceApiVersion: ApiVersion.V3,
  });
}

/** An inline string DataSource (PEM data, response bodies). */
export function inlineString(value: string): DataSource {
  return create(DataSourceSchema, { specifier: { case: "inlineString", value } });
}

/** Compares two strings by UTF-16 code units: a total order that does not depend on the locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A copy of a list sorted by a string key, stable for equal keys. */
export function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => compareStrings(key(a), key(b)));
}
