// Which sources a failed piece points back to: contributors of the host, narrowed by the routes' sources.
import assert from "node:assert/strict";
import type { Route, VirtualHost } from "../../controllers/model/model.js";
import type { Fragment } from "../../controllers/store/fragment.js";
import { formatKey, type ObjectKey } from "../../controllers/source/object-cache.js";
import { attributePieces, type SourceFragment } from "./attribution.js";

const route = (kind: string, namespace: string, name: string): Route => ({
  source: { kind, namespace, name },
  match: { path: { kind: "prefix", value: "/", segment: true }, headers: [], queryParams: [] },
  action: { kind: "direct", status: 200 },
  httpsRedirect: false,
});
const entry = (key: ObjectKey, vhosts: VirtualHost[], extra: Partial<Fragment> = {}): SourceFragment => ({
  key,
  fragment: { source: key, virtualHosts: vhosts, tcpProxies: [], clusters: [], secrets: [], conditions: [], dependencies: [], ...extra },
});

const root: ObjectKey = { kind: "HTTPProxy", namespace: "roots", name: "shop" };
const ing: ObjectKey = { kind: "Ingress", namespace: "team-b", name: "extra" };
const other: ObjectKey = { kind: "HTTPProxy", namespace: "roots", name: "blog" };
const cluster = { name: "team/web/80/abc" } as Fragment["clusters"][number];
const entries = [
  // The root includes team-a/cart: its routes carry the child's source.
  entry(root, [{ fqdn: "shop.test", routes: [route("HTTPProxy", "roots", "shop"), route("HTTPProxy", "team-a", "cart")] }], { clusters: [cluster] }),
  entry(ing, [{ fqdn: "SHOP.test", routes: [route("Ingress", "team-b", "extra")] }], { clusters: [cluster] }),
  entry(other, [{ fqdn: "blog.test", routes: [route("HTTPProxy", "roots", "blog")] }]),
];
const keys = (k: ObjectKey[]) => k.map(formatKey);

describe("attributePieces", () => {
  const table: { name: string; pieces: Parameters<typeof attributePieces>[0]; want: string[] }[] = [
    { name: "a host: every contributor (names are case-insensitive)", pieces: [{ piece: "virtualHost", name: "shop.test" }], want: ["HTTPProxy/roots/shop", "Ingress/team-b/extra"] },
    {
      name: "a host whose failing route came from an included proxy: the root that includes it",
      pieces: [{ piece: "virtualHost", name: "shop.test", sources: [{ kind: "HTTPProxy", namespace: "team-a", name: "cart" }] }],
      want: ["HTTPProxy/roots/shop"],
    },
    { name: "a route source that resolves to nobody: every contributor rather than none", pieces: [{ piece: "virtualHost", name: "shop.test", sources: [{ kind: "HTTPProxy", namespace: "x", name: "y" }] }], want: ["HTTPProxy/roots/shop", "Ingress/team-b/extra"] },
    { name: "a cluster: every source using it", pieces: [{ piece: "cluster", name: "team/web/80/abc" }], want: ["HTTPProxy/roots/shop", "Ingress/team-b/extra"] },
    { name: "an SNI chain by fqdn", pieces: [{ piece: "filterChain", name: "blog.test" }], want: ["HTTPProxy/roots/blog"] },
    { name: "an unknown piece: nobody", pieces: [{ piece: "secret", name: "nope" }], want: [] },
  ];
  for (const c of table) it(c.name, () => assert.deepEqual(keys(attributePieces(c.pieces, entries)), c.want));
});
