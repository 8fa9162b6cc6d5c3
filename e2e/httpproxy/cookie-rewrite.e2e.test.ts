// Port of upstream v1.33.6 test/e2e/httpproxy/cookie_rewrite_test.go (the plain-HTTP rewrite cases
// and the Lua injection case; upstream's admission cases are the CRD's, see crds/). Upstream's echo
// server sets the Set-Cookie the request's X-ECHO-HEADER names; the harness backends do not, so
// two small servers of this spec do it, reached as ExternalName Services of 127.0.0.1 (the bed
// refuses loopback addresses in EndpointSlices) with the config file's enableExternalNameService.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "mocha";
import { httpGet, waitFor, type HttpResponse } from "../harness/index.js";
import { createHTTPProxy, updateHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { createTlsSecret, ensureNamespace, type KubeClients } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";

const NS = "cookie-rewrite";
const FQDN = "cookie-rewrite.projectcontour.io";

/** A backend answering 200 with the Set-Cookie values of the request's X-ECHO-HEADER ("Set-Cookie:" separated), naming itself. */
async function setCookieServer(name: string): Promise<Server> {
  const server = createServer((req, res) => {
    const asked = String(req.headers["x-echo-header"] ?? "");
    const cookies = asked === "" ? [] : asked.split(/,\s*Set-Cookie:/u).map((v) => v.replace(/^Set-Cookie:/u, ""));
    res.writeHead(200, { "content-type": "application/json", "x-backend-name": name, ...(cookies.length > 0 ? { "set-cookie": cookies } : {}) });
    res.end(JSON.stringify({ name, path: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

async function externalName(kube: KubeClients, name: string, port: number): Promise<void> {
  await kube.core.createNamespacedService({ namespace: NS, body: { metadata: { name, namespace: NS }, spec: { type: "ExternalName", externalName: "127.0.0.1", ports: [{ name: "http", port, protocol: "TCP" }] } } });
}

/** Upstream's checkReturnedSetCookieHeader: the cookie's value and attributes as the client sees them. */
function parsed(setCookie: string): { name: string; value: string; attrs: Map<string, string> } {
  const [pair = "", ...rest] = setCookie.split(";");
  const eq = pair.indexOf("=");
  const attrs = new Map<string, string>();
  for (const a of rest) {
    const t = a.trim();
    if (t === "") continue;
    const i = t.indexOf("=");
    attrs.set((i < 0 ? t : t.slice(0, i)).toLowerCase(), i < 0 ? "" : t.slice(i + 1));
  }
  return { name: eq < 0 ? pair.trim() : pair.slice(0, eq).trim(), value: eq < 0 ? "" : pair.slice(eq + 1), attrs };
}

describe("HTTPProxy: cookieRewritePolicies through Envoy", function () {
  const dir = mkdtempSync(join(tmpdir(), "contour-cookie-rewrite-"));
  const configPath = join(dir, "contour.yaml");
  writeFileSync(configPath, "enableExternalNameService: true\ncluster:\n  dns-lookup-family: v4\n");
  const ctx = useStack({ crds: true, contourArgs: [`--config-path=${configPath}`] });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  const servers: Server[] = [];
  before(async () => {
    servers.push(await setCookieServer("echo"), await setCookieServer("echo-other"));
  });
  after(async () => {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
  });

  /** Upstream's requestSetCookieHeader: the Set-Cookie headers the client gets for these backend values. */
  async function setCookies(path: string, ...values: string[]): Promise<string[]> {
    const res = await ctx.stack.waitForHttp(FQDN, path, (r) => r.status === 200, `${path} to answer`, { headers: { "X-ECHO-HEADER": "Set-Cookie:" + values.join(", Set-Cookie:") } });
    const got = res.headers["set-cookie"] ?? [];
    assert.equal(res.headers["x-contour-cookie-rewrite-cluster"], undefined, "the internal cluster tag never leaves Envoy");
    return got;
  }
  function check(headers: string[], name: string, value: string, path: string, domain: string, sameSite: string, secure: boolean, other: Record<string, string> = {}): void {
    const c = headers.map(parsed).find((h) => h.name === name);
    assert.ok(c !== undefined, `no Set-Cookie for ${name} in ${JSON.stringify(headers)}`);
    const why = JSON.stringify(headers);
    assert.equal(c.value, value, why);
    assert.equal(c.attrs.get("path") ?? "", path, why);
    assert.equal(c.attrs.get("domain") ?? "", domain, why);
    assert.equal(c.attrs.get("samesite") ?? "", sameSite, why);
    assert.equal(c.attrs.has("secure"), secure, why);
    for (const [k, v] of Object.entries(other)) assert.equal(c.attrs.get(k.toLowerCase()), v, why);
  }

  it("rewrites cookie attributes on routes and services", async () => {
    const { kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    const [echo, other] = servers.map((s) => (s.address() as AddressInfo).port) as [number, number];
    await externalName(kube, "echo", echo);
    await externalName(kube, "echo-other", other);
    const svc = (name: string, cookieRewritePolicies?: unknown[]) => ({ name, port: name === "echo" ? echo : other, ...(cookieRewritePolicies ? { cookieRewritePolicies } : {}) });
    await createHTTPProxy(kc(), NS, "cookie-rewrite", {
      virtualhost: { fqdn: FQDN },
      routes: [
        { conditions: [{ prefix: "/no-rewrite" }], services: [svc("echo")] },
        { conditions: [{ prefix: "/no-attributes" }], cookieRewritePolicies: [{ name: "no-attributes", pathRewrite: { value: "/foo" }, domainRewrite: { value: "foo.com" }, secure: true, sameSite: "Strict" }], services: [svc("echo")] },
        { conditions: [{ prefix: "/rewrite-all" }], cookieRewritePolicies: [{ name: "rewrite-all", pathRewrite: { value: "/ra" }, domainRewrite: { value: "ra.com" }, secure: false, sameSite: "Lax" }], services: [svc("echo")] },
        { conditions: [{ prefix: "/rewrite-some" }], cookieRewritePolicies: [{ name: "rewrite-some", domainRewrite: { value: "rs.com" } }], services: [svc("echo")] },
        { conditions: [{ prefix: "/multi" }], cookieRewritePolicies: [{ name: "multi-1", pathRewrite: { value: "/m1" } }, { name: "multi-2", domainRewrite: { value: "m2.com" } }], services: [svc("echo")] },
        { conditions: [{ prefix: "/service" }], services: [svc("echo", [{ name: "service", pathRewrite: { value: "/svc-new" } }]), svc("echo-other", [{ name: "service", pathRewrite: { value: "/svc-new-other" } }])] },
        {
          conditions: [{ prefix: "/route-and-service" }],
          cookieRewritePolicies: [{ name: "route-service", pathRewrite: { value: "/route" }, domainRewrite: { value: "route.com" } }, { name: "route", pathRewrite: { value: "/route" } }],
          services: [svc("echo", [{ name: "route-service", pathRewrite: { value: "/service" }, secure: true, sameSite: "Lax" }, { name: "service", pathRewrite: { value: "/service" } }])],
        },
      ],
    } as never);
    await waitForProxyStatus(kc(), NS, "cookie-rewrite", "valid");

    check(await setCookies("/no-rewrite", "no-rewrite=foo; Path=/nrw; Domain=nrw.com; SameSite=Strict; Secure"), "no-rewrite", "foo", "/nrw", "nrw.com", "Strict", true);
    // Rewrites are per route: another route's rule does not apply here.
    check(await setCookies("/no-rewrite", "rewrite-all=foo; Path=/ra; Domain=ra.com; SameSite=Strict; Secure"), "rewrite-all", "foo", "/ra", "ra.com", "Strict", true);
    check(await setCookies("/no-attributes", "no-attributes=foo"), "no-attributes", "foo", "/foo", "foo.com", "Strict", true);
    check(await setCookies("/rewrite-all", "rewrite-all=bar; Path=/bar; Domain=bar.com; SameSite=None; Secure"), "rewrite-all", "bar", "/ra", "ra.com", "Lax", false);
    check(await setCookies("/rewrite-all", "rewrite-all=baz; Domain=bar.com; Max-Age=10; HttpOnly"), "rewrite-all", "baz", "/ra", "ra.com", "Lax", false, { "Max-Age": "10", HttpOnly: "" });
    check(await setCookies("/rewrite-some", "rewrite-some=bar; Path=/bar; Domain=bar.com; SameSite=Lax; Secure"), "rewrite-some", "bar", "/bar", "rs.com", "Lax", true);
    check(await setCookies("/multi", "multi-1=bar"), "multi-1", "bar", "/m1", "", "", false);
    check(await setCookies("/multi", "multi-2=bar"), "multi-2", "bar", "", "m2.com", "", false);
    // Beyond upstream (its echo server sends one Set-Cookie): several in one response, each rewritten.
    const both = await setCookies("/multi", "multi-1=a", "multi-2=b");
    check(both, "multi-1", "a", "/m1", "", "", false);
    check(both, "multi-2", "b", "", "m2.com", "", false);

    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) {
      for (const v of await setCookies("/service", "service=baz; Path=/svc")) {
        if (v.includes("Path=/svc-new-other")) seen.add("echo-other");
        else if (v.includes("Path=/svc-new")) seen.add("echo");
      }
    }
    assert.deepEqual([...seen].sort(), ["echo", "echo-other"], "each service's own rewrite applies to its responses");

    check(await setCookies("/route-and-service", "route-service=baz"), "route-service", "baz", "/service", "route.com", "Lax", true);
    check(await setCookies("/route-and-service", "route=baz"), "route", "baz", "/route", "", "", false);
    check(await setCookies("/route-and-service", "service=baz"), "service", "baz", "/service", "", "", false);
    // Not a name=value pair: untouched. Trailing ";" and spaces, empty attributes.
    check(await setCookies("/rewrite-some", "rewrite-some"), "rewrite-some", "", "", "", "", false);
    check(await setCookies("/rewrite-some", "rewrite-some=foo; Path=/;"), "rewrite-some", "foo", "/", "rs.com", "", false);
    check(await setCookies("/rewrite-some", "rewrite-some=foo;   "), "rewrite-some", "foo", "", "rs.com", "", false);
    check(await setCookies("/rewrite-some", "rewrite-some=foo; ;"), "rewrite-some", "foo", "", "rs.com", "", false);
  });

  // A TLS host's filter chain has the Lua filter only when one of its routes rewrites cookies (beyond
  // upstream, which gives every chain one): rewrites there work, a host without any is served without it,
  // and a host that gains a rewrite gets the filter with it.
  it("rewrites cookies on a TLS host, whose chain carries the Lua filter only while a route needs it", async () => {
    const { kube } = ctx.stack;
    const [echo] = servers.map((s) => (s.address() as AddressInfo).port) as [number];
    const hosts = ["secure-cookies", "secure-plain"] as const;
    const cas = new Map<string, string>();
    for (const name of hosts) {
      const cert = await selfSignedCert([`${name}.projectcontour.io`]);
      await createTlsSecret(kube, NS, name, cert.certPem, cert.keyPem);
      cas.set(name, cert.certPem);
    }
    const route = (prefix: string, rewrite: boolean) => ({
      conditions: [{ prefix }],
      ...(rewrite ? { cookieRewritePolicies: [{ name: "s", pathRewrite: { value: "/secure" }, sameSite: "Strict" }] } : {}),
      services: [{ name: "echo", port: echo }],
    });
    const spec = (name: string, routes: unknown[]) => ({ virtualhost: { fqdn: `${name}.projectcontour.io`, tls: { secretName: name } }, routes });
    await createHTTPProxy(kc(), NS, "secure-cookies", spec("secure-cookies", [route("/", true)]) as never);
    await createHTTPProxy(kc(), NS, "secure-plain", spec("secure-plain", [route("/", false)]) as never);
    for (const name of hosts) await waitForProxyStatus(kc(), NS, name, "valid");
    const secureGet = (name: string, until: (res: HttpResponse) => boolean): Promise<HttpResponse> => {
      const host = `${name}.projectcontour.io`;
      return waitFor(
        async () => {
          const last = await httpGet(`https://127.0.0.1:${ctx.stack.envoyPorts.https}/x`, { host, servername: host, ca: cas.get(name)!, headers: { "X-ECHO-HEADER": "Set-Cookie:s=v; Path=/orig" }, timeoutMs: 3000 }).catch(() => undefined);
          return last !== undefined && until(last) ? last : undefined;
        },
        { timeoutMs: 20_000, description: `https://${host}/x to answer as expected` },
      );
    };
    const cookie = (res: HttpResponse) => parsed((res.headers["set-cookie"] ?? [])[0] ?? "");
    const rewritten = (res: HttpResponse) => res.status === 200 && cookie(res).attrs.get("path") === "/secure";
    check((await secureGet("secure-cookies", rewritten)).headers["set-cookie"] ?? [], "s", "v", "/secure", "", "Strict", false);
    const untouched = await secureGet("secure-plain", (res) => res.status === 200);
    check(untouched.headers["set-cookie"] ?? [], "s", "v", "/orig", "", "", false);
    // The plain host gains a rewrite: its chain is rebuilt with the filter, and the rewrite applies.
    await updateHTTPProxy(kc(), NS, "secure-plain", spec("secure-plain", [route("/", true)]) as never);
    check((await secureGet("secure-plain", rewritten)).headers["set-cookie"] ?? [], "s", "v", "/secure", "", "Strict", false);
    assert.equal(await ctx.stack.envoy.admin.stat("listener_manager.lds.update_rejected"), 0);
  });

  it("Lua injection in cookie rewrites is prevented: the value arrives as literal text", async () => {
    const [echo] = servers.map((s) => (s.address() as AddressInfo).port) as [number];
    // Upstream's attempt (end the templated string, evaluate Lua), and long-bracket and backslash forms.
    const hostile = [`/foo" .. (function() return "INJECTED" end)() .. "`, `/a]] .. "INJECTED" .. [[`, `/b\\" .. os.exit(1) .. "'`];
    await createHTTPProxy(kc(), NS, "lua-injection", {
      virtualhost: { fqdn: "lua-injection.projectcontour.io" },
      routes: hostile.map((value, i) => ({ conditions: [{ prefix: `/inject-${i}` }], cookieRewritePolicies: [{ name: "inject", pathRewrite: { value } }], services: [{ name: "echo", port: echo }] })),
    } as never);
    await waitForProxyStatus(kc(), NS, "lua-injection", "valid");
    for (const [i, value] of hostile.entries()) {
      const res = await ctx.stack.waitForHttp("lua-injection.projectcontour.io", `/inject-${i}`, (r) => r.status === 200, "the route to answer", { headers: { "X-ECHO-HEADER": "Set-Cookie:inject=v; Path=/orig" } });
      const cookie = parsed((res.headers["set-cookie"] ?? [])[0] ?? "");
      assert.equal(cookie.attrs.get("path"), value, JSON.stringify(res.headers["set-cookie"]));
    }
    // Envoy is still serving: nothing was evaluated, nothing exited.
    assert.equal((await ctx.stack.http(FQDN, "/no-rewrite")).status, 200);
  });
});
