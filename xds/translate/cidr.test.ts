import assert from "node:assert/strict";
import { parseCidr } from "./cidr.js";

describe("parseCidr", () => {
  const cases: { input: string; want: { address: string; prefixLength: number } | undefined }[] = [
    { input: "10.0.0.0/8", want: { address: "10.0.0.0", prefixLength: 8 } },
    { input: "10.1.2.3/8", want: { address: "10.0.0.0", prefixLength: 8 } },
    { input: "192.168.1.7", want: { address: "192.168.1.7", prefixLength: 32 } },
    { input: "127.0.0.1/32", want: { address: "127.0.0.1", prefixLength: 32 } },
    { input: "0.0.0.0/0", want: { address: "0.0.0.0", prefixLength: 0 } },
    { input: "172.16.255.255/12", want: { address: "172.16.0.0", prefixLength: 12 } },
    { input: "2001:DB8::1/32", want: { address: "2001:db8::", prefixLength: 32 } },
    { input: "2001:db8:0:0:1:0:0:1", want: { address: "2001:db8::1:0:0:1", prefixLength: 128 } },
    { input: "::1", want: { address: "::1", prefixLength: 128 } },
    { input: "::/0", want: { address: "::", prefixLength: 0 } },
    { input: "fe80::1:2:3:4/65", want: { address: "fe80::", prefixLength: 65 } },
    { input: "1:0:0:2::3/128", want: { address: "1:0:0:2::3", prefixLength: 128 } },
    { input: "1:0:0:2:0:0:3:4", want: { address: "1::2:0:0:3:4", prefixLength: 128 } },
    { input: "::ffff:192.0.2.128/128", want: { address: "::ffff:c000:280", prefixLength: 128 } },
    { input: "2001:db8::ff00/120", want: { address: "2001:db8::ff00", prefixLength: 120 } },
    { input: "2001:db8::ff80/121", want: { address: "2001:db8::ff80", prefixLength: 121 } },
    { input: "2001:db8::ffc0/121", want: { address: "2001:db8::ff80", prefixLength: 121 } },
    { input: "10.0.0.0/33", want: undefined },
    { input: "::/129", want: undefined },
    { input: "10.0.0.0/", want: undefined },
    { input: "10.0.0.0/08", want: undefined },
    { input: "10.0.0.0/-1", want: undefined },
    { input: "10.0.0.0/8/8", want: undefined },
    { input: "300.1.1.1/8", want: undefined },
    { input: "010.0.0.1", want: undefined },
    { input: "fe80::1%eth0/64", want: undefined },
    { input: "example.com/8", want: undefined },
    { input: "", want: undefined },
    { input: " 10.0.0.0/8", want: undefined },
  ];
  for (const c of cases) {
    it(`${JSON.stringify(c.input)} → ${c.want === undefined ? "invalid" : `${c.want.address}/${c.want.prefixLength}`}`, () => {
      assert.deepEqual(parseCidr(c.input), c.want);
    });
  }
});
