import assert from "node:assert/strict";
import type { HTTPProxy } from "../../crds/types/httpproxy.js";
import { httpProxyMatchesClass } from "./ingress-class.js";

describe("httpProxyMatchesClass", () => {
  const proxy = (annotations: Record<string, string>, ingressClassName?: string): HTTPProxy =>
    ({ apiVersion: "projectcontour.io/v1", kind: "HTTPProxy", metadata: { namespace: "n", name: "p", annotations }, spec: { virtualhost: { fqdn: "a.com" }, ...(ingressClassName === undefined ? {} : { ingressClassName }) } }) as HTTPProxy;
  // Upstream's ingressclass.MatchesHTTPProxy over the list `--ingress-class-name` splits on ",".
  const table: { name: string; p: HTTPProxy; configured?: string; want: boolean }[] = [
    { name: "no class, none configured", p: proxy({}), want: true },
    { name: "spec contour, none configured", p: proxy({}, "contour"), want: true },
    { name: "spec team1, none configured", p: proxy({}, "team1"), want: false },
    { name: "spec contour, contour,team1 configured", p: proxy({}, "contour"), configured: "contour,team1", want: true },
    { name: "spec team1, contour,team1 configured", p: proxy({}, "team1"), configured: "contour,team1", want: true },
    { name: "spec team2, contour,team1 configured", p: proxy({}, "team2"), configured: "contour,team1", want: false },
    { name: "annotation team1, contour,team1 configured", p: proxy({ "projectcontour.io/ingress.class": "team1" }), configured: "contour,team1", want: true },
    { name: "annotation wins over spec", p: proxy({ "kubernetes.io/ingress.class": "team2" }, "team1"), configured: "contour,team1", want: false },
    { name: "no class, contour,team1 configured", p: proxy({}), configured: "contour,team1", want: false },
    { name: "names are not trimmed, as upstream does not trim them", p: proxy({}, "team1"), configured: "contour, team1", want: false },
  ];
  for (const t of table) it(t.name, () => assert.equal(httpProxyMatchesClass(t.p, t.configured), t.want));
});
