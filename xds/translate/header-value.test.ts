import assert from "node:assert/strict";
import { escapeHeaderValue } from "./header-value.js";

describe("escapeHeaderValue (upstream's escapeHeaderValue)", () => {
  const table: { value: string; want: string }[] = [
    { value: "plain", want: "plain" },
    { value: "100%", want: "100%%" },
    { value: "%HOSTNAME%", want: "%HOSTNAME%" },
    { value: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%", want: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%" },
    { value: "%DOWNSTREAM_PEER_CERT_V_END% %RESPONSE_CODE_DETAILS%", want: "%DOWNSTREAM_PEER_CERT_V_END% %RESPONSE_CODE_DETAILS%" },
    { value: "%PROTOCOL%%HOSTNAME%", want: "%PROTOCOL%%HOSTNAME%" },
    { value: "%REQ(X-Header)%", want: "%REQ(X-Header)%" },
    { value: "%REQ(:authority)%", want: "%REQ(:authority)%" },
    { value: "%REQ(X-A?X-B)%", want: "%REQ(X-A?X-B)%" },
    { value: "%REQ(x_a?:path):12%", want: "%REQ(x_a?:path):12%" },
    // Everything else Envoy could evaluate stays literal.
    { value: "%START_TIME%", want: "%%START_TIME%%" },
    { value: "%ENVIRONMENT(HOME)%", want: "%%ENVIRONMENT(HOME)%%" },
    { value: "%FILTER_STATE(a)%", want: "%%FILTER_STATE(a)%%" },
    { value: "%RESP(X-A)%", want: "%%RESP(X-A)%%" },
    { value: "%REQ(a b)%", want: "%%REQ(a b)%%" },
    { value: "%REQ(X-A):x%", want: "%%REQ(X-A):x%%" },
    // Envoy refuses lengths past 2^64-1: 20 digits or more stay literal (upstream would push them).
    { value: "%REQ(X-A):9999999999999999999%", want: "%REQ(X-A):9999999999999999999%" },
    { value: "%REQ(X-A):99999999999999999999%", want: "%%REQ(X-A):99999999999999999999%%" },
    { value: "%hostname%", want: "%%hostname%%" },
    { value: "%HOSTNAME", want: "%%HOSTNAME" },
    // As upstream: the doubled value "%%%%HOSTNAME%%%%" has its inner "%%HOSTNAME%%" restored.
    { value: "%%HOSTNAME%%", want: "%%%HOSTNAME%%%" },
  ];
  for (const { value, want } of table) it(`${JSON.stringify(value)} → ${JSON.stringify(want)}`, () => assert.equal(escapeHeaderValue(value), want));
});
