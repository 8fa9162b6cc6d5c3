// Schemas of the HTTPProxy policies: rate limits, load balancing, health checks, timeouts, retries,
// rewrites, redirects, direct responses, cookies, authorization and JWT verification.
import {
  COOKIE_SAME_SITE_VALUES,
  CROSS_SCHEME_REDIRECTS,
  LOAD_BALANCER_STRATEGIES,
  RATE_LIMIT_UNITS,
  REDIRECT_RESPONSE_CODES,
  REDIRECT_SCHEMES,
  RETRY_ON_VALUES,
} from "../types/httpproxy.js";
import { DURATION_PATTERN, HOSTNAME_PATTERN, duration, headerMatchCondition, headerValue } from "./common.js";
import { array, boolean, int32, integer, map, object, string, stringEnum, uint32, type JSONSchemaProps } from "./openapi.js";

/** Local (per Envoy) and global (rate limit service) rate limiting. */
export function rateLimitPolicy(description: string): JSONSchemaProps {
  const local = object(
    "A token bucket in each Envoy.",
    {
      requests: uint32("Requests allowed per unit.", { minimum: 1 }),
      unit: stringEnum("The period requests are counted over.", RATE_LIMIT_UNITS),
      burst: uint32("Requests allowed above the limit in a short burst."),
      responseStatusCode: uint32("Status of rate-limited responses (400-599); default 429.", { minimum: 400, maximum: 599 }),
      responseHeadersToAdd: array("Headers added to rate-limited responses.", headerValue("A header to add.")),
    },
    ["requests", "unit"],
  );
  const entry = object("One key-value generator; set exactly one field.", {
    genericKey: object(
      "A static key and value.",
      {
        key: string('Descriptor key; default "generic_key".'),
        value: string("Descriptor value.", { minLength: 1 }),
      },
      ["value"],
    ),
    requestHeader: object(
      "The value of a request header (no entry when it is absent).",
      {
        headerName: string("Header to read.", { minLength: 1 }),
        descriptorKey: string("Descriptor key.", { minLength: 1 }),
      },
      ["headerName", "descriptorKey"],
    ),
    requestHeaderValueMatch: object(
      'Key "header_match" with a static value, generated when the headers match (or, with expectMatch false, do not).',
      {
        headers: array("Header matches, all of which must hold.", headerMatchCondition("A header match."), { minItems: 1 }),
        expectMatch: boolean("Generate the entry on a match (true) or on a mismatch (false).", { default: true }),
        value: string("Descriptor value.", { minLength: 1 }),
      },
      ["value"],
    ),
    remoteAddress: object('Key "remote_address" with the client address.', {}),
  });
  const global = object("Descriptors sent to the external rate limit service.", {
    disabled: boolean("Do not apply the default global policy of the Contour configuration."),
    descriptors: array(
      "Descriptors to generate.",
      object("A list of key-value generators.", { entries: array("The generators.", entry, { minItems: 1 }) }, ["entries"]),
      { minItems: 1 },
    ),
  });
  return object(description, { local, global });
}

/** How requests are spread over endpoints. */
export function loadBalancerPolicy(description: string): JSONSchemaProps {
  const hashPolicy = object("One request attribute to hash; set exactly one of the options.", {
    terminal: boolean("Stop at this policy when its attribute is present."),
    headerHashOptions: object("Hash a request header.", { headerName: string("Header name.", { minLength: 1 }) }, ["headerName"]),
    queryParameterHashOptions: object(
      "Hash a query parameter.",
      { parameterName: string("Query parameter name.", { minLength: 1 }) },
      ["parameterName"],
    ),
    hashSourceIP: boolean("Hash the client address."),
  });
  return object(description, {
    strategy: string(`One of ${LOAD_BALANCER_STRATEGIES.join(", ")}; default RoundRobin. Any other value is served as RoundRobin with a warning, as upstream does.`),
    requestHashPolicies: array("Attributes hashed by the RequestHash strategy.", hashPolicy),
  });
}

/** Authorization settings of a virtual host or route. */
export function authorizationPolicy(description: string): JSONSchemaProps {
  return object(description, {
    disabled: boolean("Turn off authorization in this scope."),
    context: map("Sent to the authorization server; inner scopes override matching keys.", string("A context value.")),
  });
}

/** Active HTTP health checks of a route's services. */
export function httpHealthCheckPolicy(description: string): JSONSchemaProps {
  return object(
    description,
    {
      path: string("Path requested."),
      host: string('Host header; default "contour-envoy-healthcheck".'),
      intervalSeconds: integer("Seconds between checks."),
      timeoutSeconds: integer("Seconds to wait for an answer."),
      unhealthyThresholdCount: integer("Failures before an endpoint is unhealthy.", { minimum: 0 }),
      healthyThresholdCount: integer("Successes before an endpoint is healthy.", { minimum: 0 }),
      expectedStatuses: array(
        "Healthy status ranges; default just 200.",
        object(
          "The half-open range [start, end).",
          {
            start: integer("First status (inclusive).", { minimum: 100, maximum: 599 }),
            end: integer("Last status (exclusive).", { minimum: 101, maximum: 600 }),
          },
          ["start", "end"],
        ),
      ),
    },
    ["path"],
  );
}

/** Active TCP health checks of a tcpproxy's services. */
export function tcpHealthCheckPolicy(description: string): JSONSchemaProps {
  return object(description, {
    intervalSeconds: integer("Seconds between checks."),
    timeoutSeconds: integer("Seconds to wait for a connection."),
    unhealthyThresholdCount: uint32("Failures before an endpoint is unhealthy."),
    healthyThresholdCount: uint32("Successes before an endpoint is healthy."),
  });
}

/** Route timeouts. */
export function timeoutPolicy(description: string): JSONSchemaProps {
  return object(description, {
    response: duration('Time for the whole response; Envoy\'s default 15s. A Go duration or "infinity".'),
    idle: duration('Time without activity on the request stream. A Go duration or "infinity".'),
    idleConnection: duration('Time an idle upstream connection is kept; Envoy\'s default 1h. A Go duration or "infinity".'),
  });
}

/** Route retries. */
export function retryPolicy(description: string): JSONSchemaProps {
  return object(description, {
    count: integer("Retries allowed: -1 disables them, 0 means Envoy's default of 1.", { minimum: -1, default: 1 }),
    perTryTimeout: duration('Timeout of each attempt. A Go duration or "infinity".'),
    retryOn: array("Conditions that trigger a retry (Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on).", stringEnum("A condition.", RETRY_ON_VALUES),),
    retriableStatusCodes: array("Statuses retried with retryOn retriable-status-codes.", uint32("An HTTP status.")),
  });
}

/** Path rewriting after routing. */
export function pathRewritePolicy(description: string): JSONSchemaProps {
  return object(description, {
    replacePrefix: array(
      "Prefix replacements.",
      object(
        "Replace one routing prefix, or every prefix of the include chain when prefix is unset.",
        {
          prefix: string("The prefix to replace; must equal one rendered by the include chain.", { minLength: 1 }),
          replacement: string("What replaces it.", { minLength: 1 }),
        },
        ["replacement"],
      ),
    ),
  });
}

/** Set-Cookie attribute rewrites. */
export function cookieRewritePolicies(description: string): JSONSchemaProps {
  const policy = object(
    "Rewrites for one cookie name.",
    {
      name: string("Cookie name.", { minLength: 1, maxLength: 4096, pattern: String.raw`^[^()<>@,;:\\"/\[\]?={} \t\x00-\x1f\x7f]+$` }),
      pathRewrite: object("New Path attribute.", { value: string("Path.", { minLength: 1, maxLength: 4096, pattern: String.raw`^[^;\x00-\x1f\x7f]+$` }) }, ["value"]),
      domainRewrite: object("New Domain attribute.", { value: string("Domain.", { minLength: 1, maxLength: 4096, pattern: HOSTNAME_PATTERN }) }, ["value"]),
      secure: boolean("New Secure attribute."),
      sameSite: stringEnum("New SameSite attribute.", COOKIE_SAME_SITE_VALUES),
    },
    ["name"],
  );
  return array(description, policy);
}

/** Answering with a redirect. */
export function requestRedirectPolicy(description: string): JSONSchemaProps {
  return object(description, {
    scheme: stringEnum("Scheme of the Location; default the request's.", REDIRECT_SCHEMES),
    hostname: string("Host of the Location (no wildcards); default the request's.", { minLength: 1, maxLength: 253, pattern: HOSTNAME_PATTERN }),
    port: int32("Port of the Location; default the request's.", { minimum: 1, maximum: 65535 }),
    statusCode: { type: "integer", description: "Redirect status; default 302.", enum: [...REDIRECT_RESPONSE_CODES], default: 302 },
    path: string('Path of the Location; starts with "/". Exclusive with prefix.', { pattern: String.raw`^\/.*$` }),
    prefix: string('Replaces the matched prefix; starts with "/". Exclusive with path.', { pattern: String.raw`^\/.*$` }),
  });
}

/** Answering directly. */
export function directResponsePolicy(description: string): JSONSchemaProps {
  return object(
    description,
    {
      statusCode: integer("Response status (200-599).", { minimum: 200, maximum: 599 }),
      body: string("Response body; none when unset. Keep it small."),
    },
    ["statusCode"],
  );
}

/** Following redirects inside Envoy. */
export function internalRedirectPolicy(description: string): JSONSchemaProps {
  return object(description, {
    maxInternalRedirects: uint32("Redirects followed for one request at most."),
    redirectResponseCodes: array(
      "Statuses treated as internal redirects; default just 302.",
      { type: "integer", description: "A redirect status.", enum: [...REDIRECT_RESPONSE_CODES] },
    ),
    allowCrossSchemeRedirect: stringEnum(
      "Whether the target may change scheme: SafeOnly lets an https request go to http or https, an http one only to http.",
      CROSS_SCHEME_REDIRECTS,
      { default: "Never" },
    ),
    denyRepeatedRouteRedirect: boolean("Refuse a target that leads back to a route already redirected from."),
  });
}

/** JWT verification of a route. */
export function jwtVerificationPolicy(description: string): JSONSchemaProps {
  return object(description, {
    require: string("The provider (of the virtual host) to require; overrides the default one."),
    disabled: boolean("Turn JWT verification off for the route."),
  });
}

/** Gradually raising traffic to new endpoints. */
export function slowStartPolicy(description: string): JSONSchemaProps {
  return object(
    description,
    {
      window: duration("Length of the slow start window, a Go duration.", DURATION_PATTERN),
      aggression: string('Speed of the ramp-up, a decimal > 0; "1.0" is linear.', {
        pattern: String.raw`^([0-9]+([.][0-9]+)?|[.][0-9]+)$`,
        default: "1.0",
      }),
      minWeightPercent: uint32("Starting share of traffic, in percent.", { maximum: 100, default: 10 }),
    },
    ["window"],
  );
}
