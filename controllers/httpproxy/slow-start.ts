/**
 * A service's slowStartPolicy, as upstream's slowStartConfig: a Go-duration window, an aggression
 * (a decimal, default 1.0) and a minimum weight percent, for the RoundRobin and WeightedLeastRequest
 * strategies only (the only ones Envoy ramps up); anything else is upstream's SlowStartInvalid.
 */
import type { SlowStartPolicy } from "../../crds/types/httpproxy.js";
import type { Cluster } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import { parseGoDuration, toMilliseconds } from "../annotations/go-duration.js";
import { quote } from "../store/conditions.js";
import { durationMsProblem } from "../validation/envoy-ranges.js";
import { Area, proxyError } from "./proxy-conditions.js";
import { obj, str } from "./spec-values.js";

/** The model's slow start settings of a cluster. */
export type SlowStart = NonNullable<Cluster["slowStart"]>;

// A decimal as Go's ParseFloat reads one, less the infinities and NaN Envoy could not use.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/u;

/** The slow start of one `services` entry (undefined when none is asked for), or an error condition. */
export function slowStart(raw: unknown, strategy: Cluster["loadBalancer"], field: string): { readonly ok: true; readonly value?: SlowStart } | { readonly ok: false; readonly condition: Condition } {
  const policy = obj<SlowStartPolicy>(raw);
  if (policy === undefined) return { ok: true };
  const fail = (message: string) => ({ ok: false as const, condition: proxyError(Area.Service, "SlowStartInvalid", `${field}.slowStartPolicy: ${message}`) });
  if (strategy !== "RoundRobin" && strategy !== "WeightedLeastRequest") return fail("slow start is only supported with RoundRobin or WeightedLeastRequest load balancer strategy");
  const windowText = str(policy.window) ?? "";
  const window = parseGoDuration(windowText);
  if (!window.ok) return fail(`error parsing window: time: invalid duration ${quote(windowText)} on slow start`);
  if (window.nanoseconds < 0n) return fail(`error parsing window: ${quote(windowText)} is negative on slow start`);
  const windowMs = toMilliseconds(window.nanoseconds);
  const tooLong = durationMsProblem(windowMs);
  if (tooLong !== undefined) return fail(`window ${tooLong}`);
  let aggression = 1;
  const aggressionText = str(policy.aggression) ?? "";
  if (aggressionText !== "") {
    aggression = DECIMAL.test(aggressionText) ? Number(aggressionText) : Number.NaN;
    if (!Number.isFinite(aggression)) return fail(`error parsing aggression: ${quote(aggressionText)} is not a decimal number on slow start`);
    // Envoy requires more than 0 and would reject the cluster.
    if (aggression <= 0) return fail(`aggression ${quote(aggressionText)} must be greater than 0 on slow start`);
  }
  const min: unknown = policy.minWeightPercent ?? 10;
  if (typeof min !== "number" || !Number.isInteger(min) || min < 0 || min > 100) return fail(`minWeightPercent must be a whole number from 0 to 100`);
  return { ok: true, value: { windowMs, aggression, minWeightPercent: min } };
}
