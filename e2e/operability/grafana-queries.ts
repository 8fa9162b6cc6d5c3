// The Contour panels of upstream's Grafana dashboards (projectcontour/contour v1.33.6,
// examples/grafana/dashboards.yaml, "Contour" dashboard), as Grafana sends them with every variable at "All".
// Upstream also queries envoy_* metrics there; those come from Envoy, not from contour's /metrics.

/** Panel queries. */
export const UPSTREAM_GRAFANA_QUERIES = [
  'avg(contour_httpproxy{namespace=~"$Namespace"}) by (namespace)',
  'avg(contour_httpproxy_root{namespace=~"$Namespace"}) by (namespace)',
  'avg(contour_httpproxy_valid{namespace=~"$Namespace",vhost=~"$VHost"}) by (namespace,vhost)',
  'avg(contour_httpproxy_invalid{namespace=~"$Namespace",vhost=~"$VHost"}) by (namespace,vhost)',
  'avg(contour_httpproxy_orphaned{namespace=~"$Namespace"}) by (namespace)',
  'avg(rate(contour_eventhandler_operation_total{kind=~"$Kind"}[1m])) by (kind)',
  'avg(rate(contour_eventhandler_operation_total{kind=~"$Kind", op=~"$Operation"}[1m])) by (op,kind)',
];

/** Template-variable queries. */
export const UPSTREAM_GRAFANA_VARIABLES = ["label_values(contour_eventhandler_operation_total, kind)", "label_values(contour_eventhandler_operation_total, op)"];

/** Grafana's "All" for a regex-matched multi-value variable. */
export function withAllVariables(query: string): string {
  return query.replace(/\$(Namespace|VHost|Kind|Operation)/g, ".*");
}
