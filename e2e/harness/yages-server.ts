// A standalone stand-in for upstream's gRPC test server (github.com/projectcontour/yages, the image of
// upstream's f.Fixtures.GRPC): `node yages-server.js <address> <port>` serves yages.Echo/Ping over h2c,
// answering Content{text: "pong"} to an Empty, then prints `ready`. Raw gRPC framing over node:http2:
// the two messages are a field-less Empty and one string field, so no generated code is needed.
import http2 from "node:http2";
import process from "node:process";

const [address, port] = process.argv.slice(2);
if (address === undefined || port === undefined) {
  process.stderr.write("usage: yages-server <address> <port>\n");
  process.exit(2);
}

/** yages.Content{text: "pong"}: field 1, wire type 2 (0x0a), length 4, "pong". */
const PONG = Buffer.from([0x0a, 0x04, ...Buffer.from("pong")]);

/** One gRPC length-prefixed message frame (uncompressed). */
function frame(message: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

const server = http2.createServer();
server.on("stream", (stream, headers) => {
  const path = headers[":path"];
  stream.on("data", () => undefined);
  stream.on("end", () => {
    if (headers[":method"] !== "POST" || path !== "/yages.Echo/Ping") {
      // grpc-status 12 (Unimplemented) in a trailers-only answer, as grpc-go answers an unknown method.
      stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "12", "grpc-message": `unknown method ${String(path)}` }, { endStream: true });
      return;
    }
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
    stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0", "grpc-message": "" }));
    stream.end(frame(PONG));
  });
});
server.listen(Number(port), address, () => process.stdout.write("ready\n"));
