/**
 * Nothing a user writes, and nothing AWS answers, breaks out of its place in the rendered file.
 *
 * For every user-settable string of a fleet (each name together with every reference to it), a
 * property puts arbitrary and hostile strings there and asserts one of two outcomes: the
 * configuration is refused with a problem naming that field, or it renders to exactly the
 * sections and lines the configuration's structure calls for, with the value as one whole token
 * where it belongs. Hostile members from AWS (instance ids, addresses) are never written. A sample
 * of accepted hostile values is checked with the real `haproxy -c -dW`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config/load';
import type { FleetConfig } from '../../lib/config/schema';
import { ConfigError } from '../../lib/errors';
import { renderConfig, SERVER_STATE_FILE, type Member, type RenderState } from '../../lib/haproxy/render';
import { TokenError } from '../../lib/tokens';
import { haproxyCheck, needsHaproxy } from './binary';

const id = (n: number) => `i-0${n.toString(16).padStart(16, '0')}`;
const members = (from: number, count: number): Member[] => Array.from({ length: count }, (_, i) => ({ instanceId: id(from + i), ip: `10.0.${from}.${i + 1}` }));

/** A fleet that uses every part of the renderer. */
function baseConfig(): Record<string, any> {
  return {
    fleets: [
      {
        name: 'edge',
        autoScalingGroupName: 'edge-haproxy',
        dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com' },
        healthCheck: { protocol: 'HTTP', port: 8404, path: '/healthz', host: 'health.example.com' },
        haproxy: {
          peers: { section: 'fleet', port: 10000 },
          hardStopAfter: '5m',
          timeouts: { connect: '5s', client: '60s', server: '60s' },
          backends: [
            { name: 'app', servers: { autoScalingGroup: 'app-asg' }, port: 8080, check: { httpPath: '/ready', interval: '2s' }, stickOnSource: true },
            { name: 'client1', mode: 'tcp', servers: { tags: { client: 'one' } }, port: 5432 },
          ],
          listeners: [{ port: 20001, backend: 'client1' }],
          httpFrontends: [
            {
              name: 'web',
              port: 8081,
              routes: [
                { host: 'api.example.com', pathPrefix: '/v1', backend: 'app' },
                { host: '*.example.org', backend: 'app' },
              ],
              defaultBackend: 'app',
            },
          ],
        },
      },
    ],
  };
}

/**
 * The user-settable strings: a field path (as problems name it) and where the value goes in the
 * raw configuration (a name and every reference to it change together).
 */
const FIELDS: { field: string; set: (c: Record<string, any>, v: string) => void }[] = [
  { field: 'healthCheck.path', set: (c, v) => (c.fleets[0].healthCheck.path = v) },
  { field: 'healthCheck.host', set: (c, v) => (c.fleets[0].healthCheck.host = v) },
  { field: 'haproxy.peers.section', set: (c, v) => (c.fleets[0].haproxy.peers.section = v) },
  { field: 'haproxy.hardStopAfter', set: (c, v) => (c.fleets[0].haproxy.hardStopAfter = v) },
  { field: 'haproxy.timeouts.client', set: (c, v) => (c.fleets[0].haproxy.timeouts.client = v) },
  {
    field: 'haproxy.backends[0].name',
    set: (c, v) => {
      const h = c.fleets[0].haproxy;
      h.backends[0].name = v;
      for (const r of h.httpFrontends[0].routes) r.backend = v;
      h.httpFrontends[0].defaultBackend = v;
    },
  },
  {
    field: 'haproxy.backends[1].name',
    set: (c, v) => {
      c.fleets[0].haproxy.backends[1].name = v;
      c.fleets[0].haproxy.listeners[0].backend = v;
    },
  },
  { field: 'haproxy.backends[0].check.httpPath', set: (c, v) => (c.fleets[0].haproxy.backends[0].check.httpPath = v) },
  { field: 'haproxy.backends[0].check.interval', set: (c, v) => (c.fleets[0].haproxy.backends[0].check.interval = v) },
  { field: 'haproxy.backends[0].servers.autoScalingGroup', set: (c, v) => (c.fleets[0].haproxy.backends[0].servers.autoScalingGroup = v) },
  { field: 'haproxy.backends[1].servers.tags.client', set: (c, v) => (c.fleets[0].haproxy.backends[1].servers.tags.client = v) },
  { field: 'haproxy.httpFrontends[0].name', set: (c, v) => (c.fleets[0].haproxy.httpFrontends[0].name = v) },
  { field: 'haproxy.httpFrontends[0].routes[0].host', set: (c, v) => (c.fleets[0].haproxy.httpFrontends[0].routes[0].host = v) },
  { field: 'haproxy.httpFrontends[0].routes[1].host', set: (c, v) => (c.fleets[0].haproxy.httpFrontends[0].routes[1].host = v) },
  { field: 'haproxy.httpFrontends[0].routes[0].pathPrefix', set: (c, v) => (c.fleets[0].haproxy.httpFrontends[0].routes[0].pathPrefix = v) },
  { field: 'autoScalingGroupName', set: (c, v) => (c.fleets[0].autoScalingGroupName = v) },
];

/** Pieces that break tokenizers, and ordinary ones, so that many draws are near-valid. */
const HOSTILE = [
  '\n',
  '\r',
  ' ',
  '\t',
  '#',
  '"',
  "'",
  '\\',
  '${HOME}',
  '%[src]',
  '%41',
  '%zz',
  '{',
  '}',
  '(',
  ')',
  '-',
  '*',
  '*.',
  '.',
  '?',
  ':',
  '/',
  '\u0000',
  '\u2028',
  'é',
  'listen x',
  'server s1 169.254.169.254:80',
];
const ORDINARY = ['a', 'b', 'x1', 'api', 'example', 'com', '5', 's', 'ms', 'v1', '/'];
const hostileString = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE, ...ORDINARY, ...ORDINARY), { minLength: 0, maxLength: 8 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
);

const STATE: RenderState = { peers: members(1, 3), servers: {} };

function render(fleet: FleetConfig): string {
  const servers = { [fleet.haproxy!.backends[0]!.name]: members(2, 2), [fleet.haproxy!.backends[1]!.name]: members(3, 1) };
  const hc = fleet.healthCheck;
  return renderConfig(fleet.haproxy!, {
    ...STATE,
    servers,
    health: { protocol: hc.protocol, port: hc.port, ...(hc.protocol !== 'TCP' ? { path: hc.path } : {}) },
  });
}

/** Sections (header line) and their directives, split the way HAProxy's parser does: by line. */
function sections(text: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  let current: string[][] | undefined;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# Rendered by haproxy-fleet-control.')) continue;
    expect(line, 'no tab, CR, quote, backslash, # or control character in any line').toMatch(/^[\x21-\x7e ]+$/);
    expect(line).not.toMatch(/["'\\#]/);
    if (!line.startsWith(' ')) {
      expect(out.has(line), `section ${line} appears once`).toBe(false);
      current = [];
      out.set(line, current);
    } else {
      expect(line, 'directives are indented by four spaces, words by one').toMatch(/^ {4}\S+( \S+)*$/);
      current!.push(line.trim().split(' '));
    }
  }
  return out;
}

/** The whole shape the fleet's structure calls for: section headers in order, and each section's directives. */
function assessRendered(fleet: FleetConfig, text: string): void {
  const h = fleet.haproxy!;
  const got = sections(text);
  const [app, client] = h.backends as [(typeof h.backends)[0], (typeof h.backends)[0]];
  const web = h.httpFrontends[0]!;
  const frontends = [...h.httpFrontends].map((f) => f.name).sort();
  const backends = [app.name, client.name].sort();
  expect([...got.keys()]).toEqual([
    'global',
    'defaults',
    `peers ${h.peers.section}`,
    'frontend health',
    ...frontends.map((f) => `frontend ${f}`),
    'frontend tcp_20001',
    ...backends.map((b) => `backend ${b}`),
  ]);
  expect(got.get('global')).toEqual([
    ['maxconn', '50000'],
    ['hard-stop-after', h.hardStopAfter],
    ['server-state-file', SERVER_STATE_FILE],
  ]);
  expect(got.get('defaults')).toEqual([
    ['mode', 'http'],
    ['load-server-state-from-file', 'global'],
    ['timeout', 'connect', h.timeouts.connect],
    ['timeout', 'client', h.timeouts.client],
    ['timeout', 'server', h.timeouts.server],
  ]);
  expect(got.get(`peers ${h.peers.section}`)).toHaveLength(3);
  expect(got.get('frontend health')).toEqual([
    ['bind', ':8404'],
    ['mode', 'http'],
    ['monitor-uri', fleet.healthCheck.path],
  ]);
  const host0 = web.routes[0]!.host!;
  const host1 = web.routes[1]!.host!;
  const hostMatch = (host: string) => (host.startsWith('*.') ? ['-m', 'end', '-i', host.slice(1)] : ['-i', host]);
  expect(got.get(`frontend ${web.name}`)).toEqual([
    ['bind', ':8081'],
    ['mode', 'http'],
    ['acl', 'route0_host', 'hdr(host),field(1,:)', ...hostMatch(host0)],
    ['acl', 'route0_path', 'path_beg', web.routes[0]!.pathPrefix],
    ['use_backend', app.name, 'if', 'route0_host', 'route0_path'],
    ['acl', 'route1_host', 'hdr(host),field(1,:)', ...hostMatch(host1)],
    ['use_backend', app.name, 'if', 'route1_host'],
    ['default_backend', app.name],
  ]);
  expect(got.get('frontend tcp_20001')).toEqual([
    ['bind', ':20001'],
    ['mode', 'tcp'],
    ['default_backend', client.name],
  ]);
  expect(got.get(`backend ${app.name}`)).toEqual([
    ['mode', 'http'],
    ['balance', 'roundrobin'],
    ['option', 'httpchk', 'GET', app.check.httpPath],
    ['stick-table', 'type', 'ip', 'size', '1m', 'expire', '30m', 'peers', h.peers.section],
    ['stick', 'on', 'src'],
    ...members(2, 2).map((m) => ['server', m.instanceId, `${m.ip}:8080`, 'check', 'inter', app.check.interval, 'fall', '3', 'rise', '2']),
  ]);
  expect(got.get(`backend ${client.name}`)).toEqual([
    ['mode', 'tcp'],
    ['balance', 'roundrobin'],
    ...members(3, 1).map((m) => ['server', m.instanceId, `${m.ip}:5432`, 'check', 'inter', '2s', 'fall', '3', 'rise', '2']),
  ]);
}

/** Parses the configuration with `value` in `field`: the fleet when accepted, or the problems. */
function attempt(field: (typeof FIELDS)[number], value: string): { fleet: FleetConfig } | { problems: readonly string[] } {
  const raw = baseConfig();
  field.set(raw, value);
  try {
    return { fleet: parseConfig(raw).fleets[0]! };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { problems: err.problems };
  }
}

describe('every user-settable string is refused by name, or renders as one token in its place', () => {
  it('the base configuration renders to its expected shape', () => {
    const fleet = parseConfig(baseConfig()).fleets[0]!;
    assessRendered(fleet, render(fleet));
  });

  it.each(FIELDS)('$field', (field) => {
    fc.assert(
      fc.property(hostileString, (value) => {
        const r = attempt(field, value);
        if ('problems' in r) {
          expect(
            r.problems.some((p) => p.startsWith(`fleets[0].${field.field}:`)),
            `a problem names fleets[0].${field.field}: ${r.problems.join(' | ')}`,
          ).toBe(true);
          return;
        }
        assessRendered(r.fleet, render(r.fleet));
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it("the issue's escape is refused: a health check path that adds a proxy to the metadata service", () => {
    const r = attempt(FIELDS[0]!, '/healthz\nlisten x\n bind :2222\n mode tcp\n server s1 169.254.169.254:80');
    expect(r).toEqual({ problems: [expect.stringMatching(/^fleets\[0\]\.healthCheck\.path: must be a URL path/)] });
    expect(attempt(FIELDS[0]!, '/health z')).toEqual({ problems: [expect.stringMatching(/^fleets\[0\]\.healthCheck\.path: /)] });
  });
});

describe('hostile answers from AWS are never written', () => {
  const fleet = parseConfig(baseConfig()).fleets[0]!;
  const hostileMember = fc.record({ instanceId: fc.oneof(hostileString, fc.constant(id(9))), ip: fc.oneof(hostileString, fc.constant('10.9.9.9')) });

  it('a member whose id or address is not one renders nothing: the render throws, naming it', () => {
    fc.assert(
      fc.property(hostileMember, fc.boolean(), (m, asPeer) => {
        const valid =
          /^i-[0-9a-f]{8,17}$/.test(m.instanceId) &&
          /^(\d{1,3}\.){3}\d{1,3}$/.test(m.ip) &&
          m.ip.split('.').every((o) => Number(o) <= 255 && String(Number(o)) === o);
        const state: RenderState = asPeer
          ? { peers: [...members(1, 2), m], servers: {} }
          : { peers: members(1, 2), servers: { [fleet.haproxy!.backends[0]!.name]: [m] } };
        let text: string | undefined;
        try {
          text = renderConfig(fleet.haproxy!, state);
        } catch (err) {
          expect(err).toBeInstanceOf(TokenError);
          expect(valid).toBe(false);
          return;
        }
        expect(valid).toBe(true);
        expect(text).toContain(`${m.instanceId} ${m.ip}:`);
      }),
      { numRuns: 500, seed: 11 },
    );
  });
});

const live = needsHaproxy('test/haproxy/tokens.property.test.ts');

describe.runIf(live)('accepted hostile values pass haproxy -c -dW (real haproxy)', () => {
  it('a sample of accepted values in every field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hfc-tokens-'));
    let checked = 0;
    for (const field of FIELDS) {
      const accepted = fc
        .sample(
          hostileString.map((v) => attempt(field, v)),
          { numRuns: 300, seed: 3 },
        )
        .filter((r): r is { fleet: FleetConfig } => 'fleet' in r);
      // A few distinct accepted values per field: real haproxy takes ~10 ms a check.
      const distinct = [...new Map(accepted.map((r) => [render(r.fleet), r])).values()].slice(0, 3);
      for (const r of distinct) {
        const file = join(dir, `c${checked++}.cfg`);
        writeFileSync(file, render(r.fleet));
        const result = haproxyCheck(file, id(1));
        expect(result.ok, `${field.field}: ${result.output}`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(FIELDS.length);
  });
});
