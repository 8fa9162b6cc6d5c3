// Metric constructors that tolerate a second component on the same registry (tests build several), and a
// component given no registry still counts, just unexported.
import { Counter, Gauge, type Registry } from "prom-client";

/** A counter registered in `registry`, or the one already there under that name. */
export function counter<L extends string>(registry: Registry | undefined, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = registry?.getSingleMetric(name);
  if (existing instanceof Counter) return existing as Counter<L>;
  return new Counter<L>({ name, help, labelNames, registers: registry === undefined ? [] : [registry] });
}

/** A gauge registered in `registry`, or the one already there under that name. */
export function gauge<L extends string>(registry: Registry | undefined, name: string, help: string, labelNames: readonly L[]): Gauge<L> {
  const existing = registry?.getSingleMetric(name);
  if (existing instanceof Gauge) return existing as Gauge<L>;
  return new Gauge<L>({ name, help, labelNames, registers: registry === undefined ? [] : [registry] });
}
