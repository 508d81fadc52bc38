/**
 * The `haproxy` section of a fleet: what the rendered configuration holds besides the fleet's
 * own members. Every value that reaches the configuration file is validated here, so nothing a
 * user writes can break out of its place in the file (no spaces, quotes, newlines or `#`).
 */
import { z } from 'zod';

/** A proxy, backend or peers-section name as HAProxy accepts it. */
const ident = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, "_", ".", ":" and "-"');
const port = z.int().min(1).max(65535);
/** An HAProxy time such as 5s, 500ms, 1m: not zero (HAProxy refuses or warns), at most 9 digits. */
const duration = z.string().regex(/^[1-9]\d{0,8}(us|ms|s|m|h|d)?$/, 'must be an HAProxy time such as 5s, 500ms or 1m (not 0)');
const hostname = z.string().regex(/^(?:\*\.)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/, 'must be a host name');
// No quote, parenthesis, space or `#`: HAProxy's tokenizer would read them.
const pathPrefix = z.string().max(255).regex(/^\/[A-Za-z0-9._~!$&*+,;=:@%/-]*$/, 'must be a URL path starting with "/" (no spaces, quotes, parentheses or "#")');

const backend = z.strictObject({
  name: ident,
  mode: z.enum(['http', 'tcp']).default('http'),
  balance: z.enum(['roundrobin', 'leastconn', 'source', 'first', 'static-rr']).default('roundrobin'),
  /** Where the servers come from: an Auto Scaling group, or instances carrying these tags. */
  servers: z.union([
    z.strictObject({ autoScalingGroup: z.string().min(1).max(255) }),
    z.strictObject({ tags: z.record(z.string().min(1).max(128), z.string().max(256)).refine((t) => Object.keys(t).length > 0, 'needs at least one tag') }),
  ]),
  port,
  check: z
    .strictObject({
      enabled: z.boolean().default(true),
      interval: duration.default('2s'),
      fall: z.int().min(1).max(100).default(3),
      rise: z.int().min(1).max(100).default(2),
      /** HTTP backends: check with a GET of this path instead of a TCP connect. */
      httpPath: pathPrefix.optional(),
    })
    .default({ enabled: true, interval: '2s', fall: 3, rise: 2 }),
  /** Share a stick table (client address -> server) between the fleet's nodes through `peers`. */
  stickOnSource: z.boolean().default(false),
});

export const haproxySchema = z
  .strictObject({
    peers: z.strictObject({ section: ident.default('fleet'), port: port.default(10000) }).default({ section: 'fleet', port: 10000 }),
    maxconn: z.int().min(1).max(10_000_000).default(50_000),
    /** How long an old worker may keep long connections after a reload (every push reloads). */
    hardStopAfter: duration.default('5m'),
    timeouts: z
      .strictObject({ connect: duration.default('5s'), client: duration.default('60s'), server: duration.default('60s') })
      .default({ connect: '5s', client: '60s', server: '60s' }),
    backends: z.array(backend).min(1),
    /** TCP listeners, typically one port per client, each to its own backend. */
    listeners: z.array(z.strictObject({ port, backend: ident })).default([]),
    /** HTTP frontends with host/path routes. */
    httpFrontends: z
      .array(
        z.strictObject({
          name: ident,
          port,
          routes: z.array(z.strictObject({ host: hostname.optional(), pathPrefix: pathPrefix.optional(), backend: ident })).default([]),
          defaultBackend: ident.optional(),
        }),
      )
      .default([]),
  })
  .superRefine((h, ctx) => {
    const backends = new Map<string, 'http' | 'tcp'>();
    h.backends.forEach((b, i) => {
      if (backends.has(b.name)) ctx.addIssue({ code: 'custom', path: ['backends', i, 'name'], message: `backend "${b.name}" is defined twice` });
      backends.set(b.name, b.mode);
    });
    const ports = new Map<number, string>([[h.peers.port, 'peers.port']]);
    const usePort = (p: number, where: (string | number)[]) => {
      const other = ports.get(p);
      if (other) ctx.addIssue({ code: 'custom', path: where, message: `port ${p} is also used by ${other}` });
      else ports.set(p, where.join('.'));
    };
    const useBackend = (name: string, mode: 'http' | 'tcp', where: (string | number)[]) => {
      const m = backends.get(name);
      if (!m) ctx.addIssue({ code: 'custom', path: where, message: `backend "${name}" is not defined` });
      else if (m !== mode) ctx.addIssue({ code: 'custom', path: where, message: `backend "${name}" is mode ${m}, but is used from a ${mode} frontend` });
    };
    h.listeners.forEach((l, i) => {
      usePort(l.port, ['listeners', i, 'port']);
      useBackend(l.backend, 'tcp', ['listeners', i, 'backend']);
    });
    h.httpFrontends.forEach((f, i) => {
      usePort(f.port, ['httpFrontends', i, 'port']);
      // Listeners are rendered as `tcp_<port>` and the health endpoint as `health`.
      if (/^tcp_\d+$/.test(f.name) || f.name === 'health') ctx.addIssue({ code: 'custom', path: ['httpFrontends', i, 'name'], message: `"${f.name}" is a name the renderer uses itself` });
      f.routes.forEach((r, j) => {
        useBackend(r.backend, 'http', ['httpFrontends', i, 'routes', j, 'backend']);
        if (!r.host && !r.pathPrefix) ctx.addIssue({ code: 'custom', path: ['httpFrontends', i, 'routes', j], message: 'needs a host, a pathPrefix or both' });
      });
      if (f.defaultBackend) useBackend(f.defaultBackend, 'http', ['httpFrontends', i, 'defaultBackend']);
    });
    h.backends.forEach((b, i) => {
      if (b.check.httpPath && b.mode !== 'http') ctx.addIssue({ code: 'custom', path: ['backends', i, 'check', 'httpPath'], message: 'is for http backends only' });
    });
  });

export type HaproxyConfig = z.output<typeof haproxySchema>;
export type HaproxyBackend = HaproxyConfig['backends'][number];
