/**
 * What each kind of value may contain where it leaves our hands: a token of the HAProxy
 * configuration file, an SSM document parameter interpolated into a shell command, an argument
 * of the node script, or a tag value. One table, used twice: the configuration schema validates
 * user input with it (lib/config), and the renderer asserts it again on every value it writes
 * (lib/haproxy/render.ts), AWS's answers included. A value that passes can never end its line,
 * start a section, open a quote or a comment, or turn into an option.
 *
 * Why these characters. HAProxy's tokenizer splits a line on spaces and tabs, starts a comment at
 * `#`, treats `\` as an escape and `"`/`'` as quotes, and expands `${VAR}` only within double
 * quotes; a newline ends the directive. None of those may appear. A value starting with `-` would
 * read as a flag of `acl` or of the node script, so none starts with one.
 */
import { z } from 'zod';

interface TokenKind {
  /** The whole value must match. */
  pattern: RegExp;
  /** What a user reads when a value is refused: "must be ...". */
  rule: string;
}

/** RFC 3986 path characters minus quotes and parentheses; `%` only as a %XX escape. */
const PCHAR = '(?:[A-Za-z0-9._~!$&*+,;=:@/-]|%[0-9A-Fa-f]{2})';
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

export const TOKENS = {
  /** Proxy, backend and peers-section names. */
  haproxyName: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/,
    rule: 'must be 1-64 characters of A-Z, a-z, 0-9, "_", ".", ":" and "-", starting with a letter or digit',
  },
  /** A URL path prefix (`path_beg`): no query string, since `path` never has one. */
  urlPath: {
    pattern: new RegExp(`^/${PCHAR}{0,254}$`),
    rule: 'must be a URL path of at most 255 characters starting with "/" (letters, digits, -._~!$&*+,;=:@/ and %XX escapes; no spaces, quotes, parentheses, "#" or "?")',
  },
  /** A request target (health check path, `option httpchk`): a path and an optional query string. */
  requestPath: {
    pattern: new RegExp(`^(?=.{1,255}$)/${PCHAR}*(?:\\?(?:${PCHAR}|\\?)*)?$`),
    rule: 'must be a URL path of at most 255 characters (optionally with a ?query) starting with "/" (letters, digits, -._~!$&*+,;=:@/? and %XX escapes; no spaces, quotes, parentheses or "#")',
  },
  /**
   * A request path Route 53 sends, but that no file of ours holds (a fleet without `haproxy`):
   * no spaces or control characters, at most 255 characters.
   */
  route53Path: {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
    pattern: /^\/[^\s\u0000-\u001f\u007f]{0,254}$/,
    rule: 'must be a URL path of at most 255 characters starting with "/", without spaces or control characters',
  },
  /** A fully qualified domain name as Route 53 takes it (underscores and a trailing dot allowed): never written to a file. */
  fqdn: {
    pattern: /^(?=.{1,255}$)(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$/,
    rule: 'must be a domain name such as health.example.com',
  },
  /** A DNS host name. */
  hostName: {
    pattern: new RegExp(`^(?=.{1,253}$)(?:${LABEL}\\.)*${LABEL}$`),
    rule: 'must be a host name such as www.example.com (labels of letters, digits and "-")',
  },
  /** A route host: a host name, or `*.` and a host name for every subdomain. */
  routeHost: {
    pattern: new RegExp(`^(?=.{1,253}$)(?:\\*\\.)?(?:${LABEL}\\.)*${LABEL}$`),
    rule: 'must be a host name such as www.example.com, or *.example.com for every subdomain',
  },
  /** An HAProxy time: not zero (HAProxy refuses or warns), at most 9 digits. */
  haproxyTime: {
    pattern: /^[1-9]\d{0,8}(?:us|ms|s|m|h|d)?$/,
    rule: 'must be an HAProxy time such as 5s, 500ms or 1m (not 0)',
  },
  /** An EC2 instance id (peer and server names, the node script's --peer-name, tag values). */
  instanceId: { pattern: /^i-[0-9a-f]{8,17}$/, rule: 'must be an EC2 instance id such as i-0123456789abcdef0' },
  /** A dotted-quad IPv4 address. */
  ipv4: { pattern: new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`), rule: 'must be an IPv4 address such as 10.0.1.23' },
  /**
   * The characters of an IPv6 address (hex digits and colons, a dotted IPv4 tail allowed): what
   * may reach a configuration line; whether it is a valid address is checked apart (node:net).
   */
  ipv6: { pattern: /^(?=[0-9a-fA-F:.]*:)[0-9a-fA-F:.]{2,45}$/, rule: 'must be an IPv6 address such as 2001:db8::10' },
  /** SSM parameter `payload`: base64 (of the gzipped configuration). */
  ssmPayload: { pattern: /^[A-Za-z0-9+/]+={0,2}$/, rule: 'must be base64' },
  /** SSM parameter `digest` and tag hfc:config-digest: sha256, lower-case hex. */
  sha256: { pattern: /^[0-9a-f]{64}$/, rule: 'must be 64 lower-case hex digits (sha256)' },
  /** SSM parameter `version`: at most 18 digits, so bash's 64-bit arithmetic never overflows. */
  ssmVersion: { pattern: /^[0-9]{1,18}$/, rule: 'must be 1-18 digits' },
  /**
   * A name AWS stores and we compare or filter on, but that never reaches a file or a shell:
   * Auto Scaling group names, alarm name prefixes, pool names. No control characters (CloudWatch
   * refuses them in alarm names), and no `*` or `?`, which IAM resource ARNs read as wildcards.
   */
  awsName: {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
    pattern: /^[^\u0000-\u001f\u007f*?]+$/,
    rule: 'must not contain control characters (such as newlines), "*" or "?"',
  },
  /** Tag keys and values we filter on (EC2 filter wildcards in them are escaped by the adapters). */
  tagText: {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
    pattern: /^[^\u0000-\u001f\u007f]*$/,
    rule: 'must not contain control characters (such as newlines)',
  },
} as const satisfies Record<string, TokenKind>;

export type TokenKindName = keyof typeof TOKENS;

/** Whether `value` is a valid token of this kind. */
export function isToken(kind: TokenKindName, value: unknown): value is string {
  return typeof value === 'string' && TOKENS[kind].pattern.test(value);
}

/** A zod string schema for a token kind, refusing with the kind's rule. */
export function tokenSchema(kind: TokenKindName): z.ZodString {
  return z.string().regex(TOKENS[kind].pattern, TOKENS[kind].rule);
}

const PORT_RULE = 'must be a port from 1 to 65535';
/** A port: an integer 1-65535. */
export const portSchema = z.int({ error: PORT_RULE }).min(1, PORT_RULE).max(65535, PORT_RULE);

/** Thrown when a value about to be written is not a valid token: a bug or a hostile answer, never written. */
export class TokenError extends RangeError {
  constructor(
    readonly where: string,
    readonly kind: string,
    readonly value: unknown,
  ) {
    super(`${where}: ${JSON.stringify(value)} is refused: it ${kind in TOKENS ? TOKENS[kind as TokenKindName].rule : `must be ${kind}`}`);
    this.name = 'TokenError';
  }
}

/**
 * Returns `value` when it is a valid token of this kind.
 * @param where what it is, for the error (`backend web: server name`)
 * @throws TokenError otherwise
 */
export function assertToken(kind: TokenKindName, value: unknown, where: string): string {
  if (!isToken(kind, value)) throw new TokenError(where, kind, value);
  return value;
}

/** Returns `value` when it is an integer in [min, max]. @throws TokenError otherwise */
export function assertInt(value: unknown, min: number, max: number, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new TokenError(where, `an integer from ${min} to ${max}`, value);
  return value;
}
