/**
 * The `haproxy` section of a fleet: what the rendered configuration holds besides the fleet's
 * own members. Every value that reaches the configuration file is validated here with the token
 * kinds of lib/tokens.ts (the renderer asserts them again), so nothing a user writes can break
 * out of its place in the file.
 */
import { z } from 'zod';
import { portSchema as port, tokenSchema } from '../tokens';
import { ALWAYS, crossField, intIn } from './fields';

/** A proxy, backend or peers-section name as HAProxy accepts it. */
const ident = tokenSchema('haproxyName');
const duration = tokenSchema('haproxyTime');
const hostname = tokenSchema('routeHost');
const pathPrefix = tokenSchema('urlPath');

const backend = z.strictObject({
  name: ident,
  mode: z.enum(['http', 'tcp']).default('http'),
  balance: z.enum(['roundrobin', 'leastconn', 'source', 'first', 'static-rr']).default('roundrobin'),
  /** Where the servers come from: an Auto Scaling group, or instances carrying these tags. */
  servers: z.union(
    [
      z.strictObject({ autoScalingGroup: tokenSchema('awsName').max(255) }),
      z.strictObject({
        tags: z
          .record(tokenSchema('tagText').min(1).max(128), tokenSchema('tagText').max(256))
          .refine((t) => Object.keys(t).length > 0, 'needs at least one tag'),
      }),
    ],
    { error: 'must be {"autoScalingGroup": "<group name>"} or {"tags": {"<key>": "<value>", ...}}' },
  ),
  port,
  check: z
    .strictObject({
      enabled: z.boolean().default(true),
      interval: duration.default('2s'),
      fall: intIn(1, 100).default(3),
      rise: intIn(1, 100).default(2),
      /** HTTP backends: check with a GET of this path (a query string is allowed) instead of a TCP connect. */
      httpPath: tokenSchema('requestPath').optional(),
    })
    .default({ enabled: true, interval: '2s', fall: 3, rise: 2 }),
  /** Share a stick table (client address -> server) between the fleet's nodes through `peers`. */
  stickOnSource: z.boolean().default(false),
});

export const haproxySchema = z
  .strictObject({
    peers: z.strictObject({ section: ident.default('fleet'), port: port.default(10000) }).default({ section: 'fleet', port: 10000 }),
    maxconn: intIn(1, 10_000_000).default(50_000),
    /**
     * How long an old worker may keep long connections after a reload. Only structural changes
     * reload (a server added, removed, re-addressed or drained is changed at run time, without
     * touching connections: docs/haproxy.md).
     */
    hardStopAfter: duration.default('5m'),
    /**
     * Drains (docs/haproxy.md, "Draining"): a leaving application server is put in drain on every
     * load balancer (weight 0: no new connection, open ones go on) and its terminating action is
     * completed once its sessions are zero on all of them, or after `servers.timeoutSeconds`
     * (0: no drain, removed at once). A leaving load balancer, once its deregistration delay is
     * over, is released when its own connections are at most `loadBalancers.maxConnections`, or
     * after `loadBalancers.timeoutSeconds` (default: what its terminating hook leaves after the
     * delay and 90 s for the scheduled run).
     */
    drain: z
      .strictObject({
        servers: z.strictObject({ timeoutSeconds: intIn(0, 3600, 'a number of seconds').default(300) }).default({ timeoutSeconds: 300 }),
        loadBalancers: z
          .strictObject({
            maxConnections: intIn(0, 10_000_000).default(0),
            timeoutSeconds: intIn(0, 7200, 'a number of seconds').optional(),
          })
          .default({ maxConnections: 0 }),
      })
      .default({ servers: { timeoutSeconds: 300 }, loadBalancers: { maxConnections: 0 } }),
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
  .superRefine(
    crossField(
      (h, ctx) => {
        // Names, ports and modes of the parts that passed their own checks; the rest were reported.
        const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object';
        const backends = new Map<string, 'http' | 'tcp'>();
        h.backends.forEach((b, i) => {
          if (!isObject(b) || ctx.invalid(['backends', i, 'name'])) return;
          if (backends.has(b.name)) ctx.addIssue({ code: 'custom', path: ['backends', i, 'name'], message: `backend "${b.name}" is defined twice` });
          backends.set(b.name, ctx.invalid(['backends', i, 'mode']) ? (undefined as never) : b.mode);
        });
        const ports = new Map<number, string>();
        if (!ctx.invalid(['peers'])) ports.set(h.peers.port, 'peers.port');
        const usePort = (p: number, where: (string | number)[]) => {
          if (ctx.invalid(where)) return;
          const other = ports.get(p);
          if (other) ctx.addIssue({ code: 'custom', path: where, message: `port ${p} is also used by ${other}` });
          else ports.set(p, where.join('.'));
        };
        const useBackend = (name: string, mode: 'http' | 'tcp', where: (string | number)[]) => {
          if (ctx.invalid(where)) return;
          if (!backends.has(name)) {
            ctx.addIssue({ code: 'custom', path: where, message: `backend "${name}" is not defined` });
            return;
          }
          const m = backends.get(name);
          if (m && m !== mode) ctx.addIssue({ code: 'custom', path: where, message: `backend "${name}" is mode ${m}, but is used from a ${mode} frontend` });
        };
        (Array.isArray(h.listeners) ? h.listeners : []).forEach((l, i) => {
          if (!isObject(l)) return;
          usePort(l.port, ['listeners', i, 'port']);
          useBackend(l.backend, 'tcp', ['listeners', i, 'backend']);
        });
        (Array.isArray(h.httpFrontends) ? h.httpFrontends : []).forEach((f, i) => {
          if (!isObject(f)) return;
          usePort(f.port, ['httpFrontends', i, 'port']);
          // Listeners are rendered as `tcp_<port>` and the health endpoint as `health`.
          if (typeof f.name === 'string' && (/^tcp_\d+$/.test(f.name) || f.name === 'health'))
            ctx.addIssue({ code: 'custom', path: ['httpFrontends', i, 'name'], message: `"${f.name}" is a name the renderer uses itself` });
          (Array.isArray(f.routes) ? f.routes : []).forEach((r, j) => {
            if (!isObject(r)) return;
            useBackend(r.backend, 'http', ['httpFrontends', i, 'routes', j, 'backend']);
            if (!r.host && !r.pathPrefix && !ctx.invalid(['httpFrontends', i, 'routes', j]))
              ctx.addIssue({ code: 'custom', path: ['httpFrontends', i, 'routes', j], message: 'needs a host, a pathPrefix or both' });
          });
          if (f.defaultBackend) useBackend(f.defaultBackend, 'http', ['httpFrontends', i, 'defaultBackend']);
        });
      },
      (h, ctx) => {
        h.backends.forEach((b, i) => {
          if (!b || ctx.invalid(['backends', i, 'mode'])) return;
          if (b.check?.httpPath && b.mode !== 'http')
            ctx.addIssue({ code: 'custom', path: ['backends', i, 'check', 'httpPath'], message: 'is for http backends only' });
        });
      },
    ),
    ALWAYS,
  );

export type HaproxyConfig = z.output<typeof haproxySchema>;
export type HaproxyBackend = HaproxyConfig['backends'][number];
