// Decodes the OTLP/gRPC trace export request (opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest)
// into plain spans: the resource's attributes and each span's name, ids and attributes. Only the fields a test
// looks at are read; every other field is skipped by its wire type, so newer senders decode as well.
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";

/** An attribute value as OTLP's AnyValue carries it (arrays and maps as JSON text). */
export type AttributeValue = string | number | boolean;

/** One received span with its resource's attributes. */
export interface ReceivedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  readonly kind: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** The resource's attributes (service.name among them). */
  readonly resource: Readonly<Record<string, AttributeValue>>;
}

/** Every span of one ExportTraceServiceRequest. */
export function decodeExportTraceRequest(bytes: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  // ExportTraceServiceRequest.resource_spans = 1
  for (const resourceSpans of fields(bytes, 1)) {
    let resource: Record<string, AttributeValue> = {};
    const scopeSpans: Uint8Array[] = [];
    each(resourceSpans, (no, wire, r) => {
      if (no === 1 && wire === WireType.LengthDelimited) resource = attributes(r.bytes(), 1); // Resource.attributes = 1
      else if (no === 2 && wire === WireType.LengthDelimited) scopeSpans.push(r.bytes());
      else r.skip(wire, no);
    });
    // ScopeSpans.spans = 2
    for (const scope of scopeSpans) for (const span of fields(scope, 2)) spans.push(decodeSpan(span, resource));
  }
  return spans;
}

function decodeSpan(bytes: Uint8Array, resource: Record<string, AttributeValue>): ReceivedSpan {
  let name = "";
  let traceId = "";
  let spanId = "";
  let parentSpanId = "";
  let kind = 0;
  const attrs: Record<string, AttributeValue> = {};
  each(bytes, (no, wire, r) => {
    if (no === 1 && wire === WireType.LengthDelimited) traceId = hex(r.bytes());
    else if (no === 2 && wire === WireType.LengthDelimited) spanId = hex(r.bytes());
    else if (no === 4 && wire === WireType.LengthDelimited) parentSpanId = hex(r.bytes());
    else if (no === 5 && wire === WireType.LengthDelimited) name = r.string();
    else if (no === 6 && wire === WireType.Varint) kind = r.int32();
    else if (no === 9 && wire === WireType.LengthDelimited) Object.assign(attrs, keyValue(r.bytes()));
    else r.skip(wire, no);
  });
  return { name, traceId, spanId, parentSpanId, kind, attributes: attrs, resource };
}

/** The KeyValue entries of field `no` of a message, as one record. */
function attributes(bytes: Uint8Array, no: number): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of fields(bytes, no)) Object.assign(out, keyValue(kv));
  return out;
}

function keyValue(bytes: Uint8Array): Record<string, AttributeValue> {
  let key = "";
  let value: AttributeValue = "";
  each(bytes, (no, wire, r) => {
    if (no === 1 && wire === WireType.LengthDelimited) key = r.string();
    else if (no === 2 && wire === WireType.LengthDelimited) value = anyValue(r.bytes());
    else r.skip(wire, no);
  });
  return { [key]: value };
}

function anyValue(bytes: Uint8Array): AttributeValue {
  let value: AttributeValue = "";
  each(bytes, (no, wire, r) => {
    if (no === 1 && wire === WireType.LengthDelimited) value = r.string();
    else if (no === 2 && wire === WireType.Varint) value = r.bool();
    else if (no === 3 && wire === WireType.Varint) value = Number(r.int64());
    else if (no === 4 && wire === WireType.Bit64) value = r.double();
    else if (wire === WireType.LengthDelimited) value = hex(r.bytes()); // arrays, maps, bytes: not compared by tests
    else r.skip(wire, no);
  });
  return value;
}

/** The payloads of every length-delimited occurrence of field `no`. */
function fields(bytes: Uint8Array, no: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  each(bytes, (n, wire, r) => {
    if (n === no && wire === WireType.LengthDelimited) out.push(r.bytes());
    else r.skip(wire, n);
  });
  return out;
}

function each(bytes: Uint8Array, visit: (no: number, wire: WireType, reader: BinaryReader) => void): void {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [no, wire] = reader.tag();
    visit(no, wire, reader);
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}
