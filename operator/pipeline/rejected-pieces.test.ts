// The pieces of a rejected resource that changed since what Envoy accepted: what attribution starts from.
import assert from "node:assert/strict";
import { create, toBinary } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import type { Model, VirtualHost } from "../../controllers/model/model.js";
import { ListenerSchema, type Listener } from "../../xds/gen/envoy/config/listener/v3/listener_pb.js";
import { TypeUrl } from "../../xds/resources.js";
import { translateModel } from "../../xds/translate/index.js";
import { loadGoldenCases } from "../../xds/translate/test-support.js";
import { rejectedPieces } from "./rejected-pieces.js";

const anyOf = (listener: Listener | undefined) => (listener === undefined ? undefined : create(AnySchema, { typeUrl: TypeUrl.listener, value: toBinary(ListenerSchema, listener) }));
const httpsOf = (model: Model) => translateModel(model, []).listeners.find((l) => l.name === "ingress_https");

describe("rejectedPieces", () => {
  const tls = loadGoldenCases().find((c) => c.name === "tls-redirect");

  it("a listener: the SNI filter chains that changed, by server name", () => {
    assert.ok(tls !== undefined);
    const [a, b] = tls.model.virtualHosts as [VirtualHost, VirtualHost];
    const changed: Model = { ...tls.model, virtualHosts: [{ ...a, tls: { ...a.tls!, minimumProtocolVersion: "1.3" } }, b] };
    const pieces = rejectedPieces({ typeUrl: TypeUrl.listener, name: "ingress_https", rejected: anyOf(httpsOf(changed)), accepted: anyOf(httpsOf(tls.model)) });
    assert.deepEqual(pieces, [{ piece: "filterChain", name: a.fqdn }]);
    const all = rejectedPieces({ typeUrl: TypeUrl.listener, name: "ingress_https", rejected: anyOf(httpsOf(changed)), accepted: undefined });
    assert.deepEqual(all.map((p) => p.name).sort(), [a.fqdn, b.fqdn].sort(), "every chain when what Envoy runs is unknown");
  });

  it("clusters, secrets and VHDS hosts are pieces by name; endpoints are nobody's", () => {
    assert.deepEqual(rejectedPieces({ typeUrl: TypeUrl.cluster, name: "ns/svc/80/abc", rejected: undefined, accepted: undefined }), [{ piece: "cluster", name: "ns/svc/80/abc" }]);
    assert.deepEqual(rejectedPieces({ typeUrl: TypeUrl.secret, name: "ns/cert/abc", rejected: undefined, accepted: undefined }), [{ piece: "secret", name: "ns/cert/abc" }]);
    assert.deepEqual(rejectedPieces({ typeUrl: TypeUrl.virtualHost, name: "ingress_http/a.test", rejected: undefined, accepted: undefined }), [{ piece: "virtualHost", name: "a.test" }]);
    assert.deepEqual(rejectedPieces({ typeUrl: TypeUrl.endpoint, name: "ns/svc/http", rejected: undefined, accepted: undefined }), []);
  });
});
