/** The renderer: deterministic text, and every rendered configuration passes `haproxy -c -dW`. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { haproxySchema, type HaproxyConfig } from '../../lib/config/haproxySchema';
import { configDigest, renderConfig, type Member, type RenderState } from '../../lib/haproxy/render';
import { haproxyCheck, needsHaproxy } from './binary';
import { TokenError } from '../../lib/tokens';

const id = (n: number) => `i-0${n.toString(16).padStart(16, '0')}`;
const ip = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255 || 1}`;
const members = (from: number, count: number): Member[] => Array.from({ length: count }, (_, i) => ({ instanceId: id(from + i), ip: ip(from + i) }));

const config = (raw: Record<string, unknown>): HaproxyConfig => haproxySchema.parse(raw);

const SMALL = config({
  backends: [
    { name: 'app', servers: { autoScalingGroup: 'app-asg' }, port: 8080, check: { httpPath: '/healthz' }, stickOnSource: true },
    { name: 'client-1', mode: 'tcp', servers: { tags: { client: 'one' } }, port: 5432 },
  ],
  listeners: [{ port: 20001, backend: 'client-1' }],
  httpFrontends: [{ name: 'web', port: 8081, routes: [{ host: 'api.example.com', pathPrefix: '/v1', backend: 'app' }], defaultBackend: 'app' }],
});
const SMALL_STATE: RenderState = { peers: members(1, 3), servers: { app: members(100, 4), 'client-1': members(200, 2) } };

describe('renderConfig (pure)', () => {
  it('is byte-identical whatever order AWS listed members in', () => {
    const shuffled: RenderState = {
      peers: [...SMALL_STATE.peers].reverse(),
      servers: { 'client-1': [...SMALL_STATE.servers['client-1']!].reverse(), app: [...SMALL_STATE.servers.app!].reverse() },
    };
    expect(renderConfig(SMALL, shuffled)).toBe(renderConfig(SMALL, SMALL_STATE));
    expect(configDigest(renderConfig(SMALL, shuffled))).toBe(configDigest(renderConfig(SMALL, SMALL_STATE)));
  });

  it('names every peer and server by instance id, at its private IP', () => {
    const text = renderConfig(SMALL, SMALL_STATE);
    expect(text).toContain(`    peer ${id(1)} ${ip(1)}:10000`);
    expect(text).toContain(`    server ${id(100)} ${ip(100)}:8080 check inter 2s fall 3 rise 2`);
    expect(text).toContain('    stick-table type ip size 1m expire 30m peers fleet');
  });

  it('a wildcard host is a suffix match', () => {
    const h = config({
      backends: [{ name: 'app', servers: { autoScalingGroup: 'g' }, port: 80 }],
      httpFrontends: [{ name: 'web', port: 80, routes: [{ host: '*.example.com', backend: 'app' }] }],
    });
    expect(renderConfig(h, SMALL_STATE)).toContain('acl route0_host hdr(host),field(1,:) -m end -i .example.com');
  });

  it('serves the health check endpoint (the file replaces the whole configuration)', () => {
    expect(renderConfig(SMALL, { ...SMALL_STATE, health: { protocol: 'HTTP', port: 8404, path: '/healthz' } })).toContain(
      'frontend health\n    bind :8404\n    mode http\n    monitor-uri /healthz',
    );
    expect(renderConfig(SMALL, { ...SMALL_STATE, health: { protocol: 'TCP', port: 8404 } })).toContain('frontend health\n    bind :8404\n    mode tcp');
  });

  it('a member change changes the digest; nothing else does', () => {
    const more = { ...SMALL_STATE, servers: { ...SMALL_STATE.servers, app: members(100, 5) } };
    expect(configDigest(renderConfig(SMALL, more))).not.toBe(configDigest(renderConfig(SMALL, SMALL_STATE)));
  });

  it.each([
    ['an instance id that is not one', { instanceId: 'i-0abc\nbackend evil', ip: '10.0.0.1' }],
    ['an address that is not IPv4', { instanceId: id(9), ip: '10.0.0.1:80 backup' }],
  ])('refuses %s from AWS', (_what, bad) => {
    expect(() => renderConfig(SMALL, { ...SMALL_STATE, peers: [...SMALL_STATE.peers, bad] })).toThrow(RangeError);
  });

  it.each([
    ['a backend name with a space', { backends: [{ name: 'app x', servers: { autoScalingGroup: 'g' }, port: 80 }] }, 'backends.0.name'],
    [
      'a host with a quote',
      {
        backends: [{ name: 'app', servers: { autoScalingGroup: 'g' }, port: 80 }],
        httpFrontends: [{ name: 'web', port: 80, routes: [{ host: 'a"b', backend: 'app' }] }],
      },
      'httpFrontends.0.routes.0.host',
    ],
    [
      'a path with a newline',
      {
        backends: [{ name: 'app', servers: { autoScalingGroup: 'g' }, port: 80 }],
        httpFrontends: [{ name: 'web', port: 80, routes: [{ pathPrefix: '/a\nbackend b', backend: 'app' }] }],
      },
      'httpFrontends.0.routes.0.pathPrefix',
    ],
    [
      'a tcp listener to an http backend',
      { backends: [{ name: 'app', servers: { autoScalingGroup: 'g' }, port: 80 }], listeners: [{ port: 9000, backend: 'app' }] },
      'listeners.0.backend',
    ],
    [
      'two listeners on one port',
      {
        backends: [{ name: 'db', mode: 'tcp', servers: { autoScalingGroup: 'g' }, port: 5432 }],
        listeners: [
          { port: 9000, backend: 'db' },
          { port: 9000, backend: 'db' },
        ],
      },
      'listeners.1.port',
    ],
    [
      'a quote in a path (HAProxy would read it)',
      { backends: [{ name: 'app', servers: { autoScalingGroup: 'g' }, port: 80, check: { httpPath: "/it's" } }] },
      'backends.0.check.httpPath',
    ],
    [
      'a zero timeout (HAProxy warns: missing timeouts)',
      { backends: [{ name: 'app', servers: { autoScalingGroup: 'g' }, port: 80 }], timeouts: { client: '0' } },
      'timeouts.client',
    ],
    [
      'a frontend named like a rendered listener',
      {
        backends: [
          { name: 'db', mode: 'tcp', servers: { autoScalingGroup: 'g' }, port: 5432 },
          { name: 'app', servers: { autoScalingGroup: 'g' }, port: 80 },
        ],
        listeners: [{ port: 8081, backend: 'db' }],
        httpFrontends: [{ name: 'tcp_8081', port: 8082, defaultBackend: 'app' }],
      },
      'httpFrontends.0.name',
    ],
    [
      'a listener on the peers port',
      { backends: [{ name: 'db', mode: 'tcp', servers: { autoScalingGroup: 'g' }, port: 5432 }], listeners: [{ port: 10000, backend: 'db' }] },
      'listeners.0.port',
    ],
  ])('the configuration refuses %s', (_what, raw, path) => {
    const r = haproxySchema.safeParse(raw);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

const run = needsHaproxy('test/haproxy/render.test.ts');

describe('addresses', () => {
  it.each(['2001:db8::g', '2001:db8::1]:80', '1:2:3:4:5:6:7:8:9', ':', '10.0.0.256', '[::1]', '::1 backend x'])('refuses %j as a member address', (bad) => {
    const h = config({ backends: [{ name: 'app', servers: { autoScalingGroup: 'g' }, port: 80 }] });
    expect(() => renderConfig(h, { peers: [], servers: { app: [{ instanceId: id(1), ip: bad }] } })).toThrow(TokenError);
  });
});

describe.runIf(run)('rendered configurations pass haproxy -c with warnings as errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hfc-render-'));
  const check = (name: string, text: string, peer: string) => {
    const file = join(dir, `${name}.cfg`);
    writeFileSync(file, text);
    return haproxyCheck(file, peer);
  };

  it('a small fleet: peers, an HTTP frontend with routes, a TCP listener, sticky sessions, the health endpoint', () => {
    const r = check('small', renderConfig(SMALL, { ...SMALL_STATE, health: { protocol: 'HTTP', port: 8404, path: '/healthz' } }), id(1));
    expect(r.output).not.toContain('WARNING');
    expect(r.ok, r.output).toBe(true);
  });

  it('without a shared stick table no peers section: the text does not depend on the load balancers, and passes without -L matching', () => {
    const h = config({ backends: [{ name: 'app', servers: { autoScalingGroup: 'g' }, port: 80 }] });
    const health = { protocol: 'TCP' as const, port: 8404 };
    const one = renderConfig(h, { peers: members(1, 1), servers: { app: members(100, 2) }, health });
    expect(one).not.toMatch(/^peers /m);
    expect(renderConfig(h, { peers: members(1, 5), servers: { app: members(100, 2) }, health })).toBe(one);
    expect(check('no-peers', one, 'i-0ffffffffffffffff').ok).toBe(true);
  });

  it('IPv6 peers and servers ([address]:port) pass, next to IPv4 ones', () => {
    const h = config({ backends: [{ name: 'app', servers: { autoScalingGroup: 'g' }, port: 8080, stickOnSource: true }] });
    const text = renderConfig(h, {
      peers: [
        { instanceId: id(1), ip: '2001:db8::10' },
        { instanceId: id(2), ip: '10.0.0.2' },
      ],
      servers: { app: [{ instanceId: id(3), ip: '2001:db8:0:1::3' }, { instanceId: id(5), ip: '2001:DB8:0:0:0:0:0:05' }, ...members(4, 1)] },
      health: { protocol: 'TCP', port: 8404 },
    });
    expect(text).toContain(`    peer ${id(1)} [2001:db8::10]:10000`);
    expect(text).toContain(`    server ${id(3)} [2001:db8:0:1::3]:8080`);
    // In the form HAProxy reports it, which the node script compares with
    expect(text).toContain(`    server ${id(5)} [2001:db8::5]:8080`);
    const r = check('ipv6', text, id(1));
    expect(r.ok, r.output).toBe(true);
  });

  it('a TCP health endpoint, a wildcard route and an empty backend', () => {
    const h = config({
      backends: [{ name: 'app', servers: { autoScalingGroup: 'g' }, port: 80 }],
      httpFrontends: [
        {
          name: 'web',
          port: 8080,
          routes: [
            { host: '*.example.com', backend: 'app' },
            { pathPrefix: '/v2', backend: 'app' },
          ],
          defaultBackend: 'app',
        },
      ],
    });
    const r = check('tcp-health', renderConfig(h, { peers: members(1, 1), servers: {}, health: { protocol: 'TCP', port: 8404 } }), id(1));
    expect(r.ok, r.output).toBe(true);
  });

  it('the local peer must be one of the peers (else HAProxy drops the section: a warning, refused)', () => {
    expect(check('wrong-peer', renderConfig(SMALL, SMALL_STATE), 'i-0ffffffffffffffff').ok).toBe(false);
  });

  it('1,000 backend servers', () => {
    const state: RenderState = { peers: members(1, 10), servers: { app: members(1000, 1000), 'client-1': [] } };
    const text = renderConfig(SMALL, state);
    expect(text.match(/^\s+server /gm)).toHaveLength(1000);
    const r = check('thousand', text, id(1));
    expect(r.ok, r.output).toBe(true);
  });

  it('300 client ports, each to its own TCP backend', () => {
    const raw = {
      backends: Array.from({ length: 300 }, (_, i) => ({ name: `client-${i}`, mode: 'tcp', servers: { tags: { client: `c${i}` } }, port: 5432 })),
      listeners: Array.from({ length: 300 }, (_, i) => ({ port: 20000 + i, backend: `client-${i}` })),
    };
    const h = config(raw);
    const servers = Object.fromEntries(h.backends.map((b, i) => [b.name, members(5000 + i * 2, 2)]));
    const text = renderConfig(h, { peers: members(1, 3), servers });
    expect(text.match(/^frontend tcp_/gm)).toHaveLength(300);
    const r = check('ports', text, id(1));
    expect(r.ok, r.output).toBe(true);
  });

  it('hostile tag values select servers but never reach the file', () => {
    // Everything the schema lets through for a tag (no control characters): quotes, braces, `#`, `${}`.
    const hostile = 'x" } backend evil server e 1.2.3.4:1 # ${HOME} \\';
    const h = config({ backends: [{ name: 'app', servers: { tags: { role: hostile, [hostile.slice(0, 20)]: hostile } }, port: 80 }] });
    // With the health endpoint, as planConfig always renders it (HAProxy will not start without a listener).
    const text = renderConfig(h, { peers: members(1, 2), servers: { app: members(300, 3) }, health: { protocol: 'TCP', port: 8404 } });
    expect(text).not.toContain('evil');
    expect(text).not.toContain('${HOME}');
    const r = check('hostile', text, id(2));
    expect(r.ok, r.output).toBe(true);
  });
});
