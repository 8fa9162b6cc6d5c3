/**
 * Weights of a split between clusters, shared by HTTP routes and TCP proxies: no weights at all
 * means an even split (as upstream Contour does), and the order is canonical.
 */
import type { WeightedCluster } from "../../controllers/model/model.js";
import { compareStrings } from "./proto.js";

/** The destinations with usable weights, sorted by cluster name then weight (upstream's order). */
export function normaliseWeights(clusters: readonly WeightedCluster[]): WeightedCluster[] {
  const total = clusters.reduce((sum, c) => sum + Math.max(0, Math.floor(c.weight)), 0);
  const weighted = clusters.map((c) => ({ ...c, weight: total === 0 ? 1 : Math.max(0, Math.floor(c.weight)) }));
  return weighted.sort((a, b) => compareStrings(a.cluster, b.cluster) || a.weight - b.weight);
}
