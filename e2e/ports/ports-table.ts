// The README table of the ports of upstream Contour's e2e suites: which spec ports which upstream file
// (read from the spec's header comment), and each test's result against upstream and against ours
// (read from mocha's JSON reporter). Pure: text in, text out.

/** A spec file that ports upstream files, and the upstream files its header names. */
export interface PortedSpec {
  /** Repository-relative path of the TypeScript spec, e.g. e2e/httpproxy/merge-slash.e2e.test.ts. */
  readonly spec: string;
  /** e.g. ["httpproxy/merge_slash_test.go"]. */
  readonly upstreamFiles: readonly string[];
}

/**
 * The upstream files a spec's leading comment names, or undefined when it is no port: a header that
 * mentions test/e2e/<suite>/ and `<name>_test.go` files (a bare `x_test.go` belongs to the suite last named).
 */
export function parsePortHeader(spec: string, source: string): PortedSpec | undefined {
  const header: string[] = [];
  for (const line of source.split("\n")) {
    if (!line.startsWith("//")) break;
    header.push(line.slice(2));
  }
  const text = header.join("\n");
  if (!/test\/e2e\/(httpproxy|ingress|infra)\//u.test(text)) return undefined;
  const files: string[] = [];
  let suite = "httpproxy";
  for (const m of text.matchAll(/(?:test\/e2e\/(httpproxy|ingress|infra)\/)?\b([a-z0-9_]+_test\.go)|test\/e2e\/(httpproxy|ingress|infra)\//gu)) {
    if (m[3] !== undefined) {
      suite = m[3];
      continue;
    }
    if (m[1] !== undefined) suite = m[1];
    const file = `${suite}/${m[2]!}`;
    // <suite>_test.go only wires a suite's contexts together.
    if (/^(httpproxy|ingress|infra)_test\.go$/u.test(m[2]!)) continue;
    // internal/... unit tests a header may cite are not e2e files.
    const before = text.slice(Math.max(0, m.index - 40), m.index);
    if (m[1] === undefined && /internal\/[\w/]*$/u.test(before)) continue;
    if (!files.includes(file)) files.push(file);
  }
  return files.length === 0 ? undefined : { spec, upstreamFiles: files };
}

/** The parts of mocha's JSON reporter output the table reads. */
export interface MochaJson {
  readonly tests?: readonly MochaTest[];
  readonly failures?: readonly MochaTest[];
  readonly pending?: readonly MochaTest[];
}

/** One test (or failed hook) in mocha's JSON output. */
export interface MochaTest {
  readonly title: string;
  readonly fullTitle: string;
  readonly err?: { readonly message?: string };
  readonly state?: string;
}

/** One controller's result of one test. */
export type Outcome = { readonly kind: "pass" } | { readonly kind: "fail"; readonly message: string } | { readonly kind: "pending" } | { readonly kind: "not run"; readonly message: string };

/** Outcomes of a spec's tests by full title, with failed hooks counted against every test they kept from running. */
export function outcomes(json: MochaJson | undefined, titles: readonly string[]): Map<string, Outcome> {
  const out = new Map<string, Outcome>();
  if (json === undefined) {
    for (const t of titles) out.set(t, { kind: "not run", message: "no results (run the runner for this controller)" });
    return out;
  }
  const failed = new Map((json.failures ?? []).map((f) => [f.fullTitle, f]));
  for (const t of json.tests ?? []) {
    const f = failed.get(t.fullTitle);
    out.set(t.fullTitle, f !== undefined || (t.err?.message ?? "") !== "" ? { kind: "fail", message: (f ?? t).err?.message ?? "failed" } : { kind: "pass" });
  }
  for (const p of json.pending ?? []) out.set(p.fullTitle, { kind: "pending" });
  const hooks = (json.failures ?? []).filter((f) => / hook/u.test(f.title));
  for (const t of titles) {
    if (out.has(t)) continue;
    const hook = hooks.find((h) => t.startsWith(h.fullTitle.replace(/ "before (all|each)" hook.*$/u, "")));
    out.set(t, { kind: "not run", message: hook !== undefined ? `${hook.title}: ${hook.err?.message ?? ""}` : "did not run" });
  }
  return out;
}

/** Every test title a spec's results name (both controllers), in the order first seen; failed hooks stand in when no test ran. */
export function testTitles(results: readonly (MochaJson | undefined)[]): string[] {
  const titles: string[] = [];
  for (const r of results) for (const t of [...(r?.tests ?? []), ...(r?.pending ?? [])]) if (!titles.includes(t.fullTitle)) titles.push(t.fullTitle);
  if (titles.length === 0) for (const r of results) for (const f of r?.failures ?? []) if (!titles.includes(f.fullTitle)) titles.push(f.fullTitle);
  return titles;
}

/** The upstream file a test ports: the one its title names, else the spec's only (or every) upstream file. */
export function upstreamFileOf(spec: PortedSpec, title: string): string {
  const named = spec.upstreamFiles.filter((f) => title.includes(f.split("/")[1]!));
  const pick = named.length > 0 ? named : spec.upstreamFiles;
  return pick.join(", ");
}

function cell(o: Outcome | undefined): string {
  if (o === undefined) return "not run";
  const clip = (s: string) => s.split("\n")[0]!.replace(/\|/gu, "\\|").slice(0, 140);
  switch (o.kind) {
    case "pass":
      return "pass";
    case "pending":
      return "pending";
    case "fail":
      return `**fail**: ${clip(o.message)}`;
    case "not run":
      return `not run: ${clip(o.message)}`;
  }
}

/** Results of one spec: per controller, mocha's JSON (undefined when that controller was not run). */
export interface SpecResults {
  readonly spec: PortedSpec;
  readonly upstream: MochaJson | undefined;
  readonly ours: MochaJson | undefined;
}

/** The markdown table, one row per test, sorted by upstream file; `notes` by full title say why a failure is a bed limit. */
export function renderPortsTable(results: readonly SpecResults[], notes: Readonly<Record<string, string>> = {}): string {
  const rows: { upstream: string; line: string }[] = [];
  const totals = { upstream: 0, ours: 0, both: 0, tests: 0 };
  for (const r of results) {
    const titles = testTitles([r.upstream, r.ours]);
    if (titles.length === 0) {
      const upstreamFile = r.spec.upstreamFiles.join(", ");
      rows.push({ upstream: upstreamFile, line: `| ${upstreamFile} | \`${r.spec.spec.replace(/^e2e\//u, "")}\` | not run | not run | no results yet |` });
      continue;
    }
    const up = outcomes(r.upstream, titles);
    const ours = outcomes(r.ours, titles);
    for (const title of titles) {
      const u = up.get(title);
      const o = ours.get(title);
      totals.tests++;
      if (u?.kind === "pass") totals.upstream++;
      if (o?.kind === "pass") totals.ours++;
      if (u?.kind === "pass" && o?.kind !== "pass") totals.both++;
      const upstreamFile = upstreamFileOf(r.spec, title);
      const note = notes[title] ?? "";
      // A describe named after the upstream file says nothing the first column does not.
      const shown = title.replace(/^(httpproxy|ingress|infra)\/[a-z0-9_]+_test\.go /u, "").replace(/\|/gu, "\\|");
      rows.push({ upstream: upstreamFile, line: `| ${upstreamFile} | \`${r.spec.spec.replace(/^e2e\//u, "")}\`: ${shown} | ${cell(u)} | ${cell(o)} | ${note} |` });
    }
  }
  rows.sort((a, b) => a.upstream.localeCompare(b.upstream));
  return [
    `${totals.tests} tests: ${totals.upstream} pass on upstream, ${totals.ours} pass on ours; ${totals.both} pass on upstream but not on ours.`,
    "",
    "| upstream test | our port (spec: test) | upstream v1.33.6 | ours | note |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => r.line),
  ].join("\n");
}

/** Replaces the text between `begin` and `end` marker lines of a document (both kept); throws if a marker is missing. */
export function replaceBetween(doc: string, begin: string, end: string, body: string): string {
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) throw new Error(`markers ${begin} … ${end} not found`);
  return `${doc.slice(0, a + begin.length)}\n${body}\n${doc.slice(b)}`;
}
