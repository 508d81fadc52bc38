/**
 * Schema of the fleet configuration file (`fleet.config.json`), with the defaults applied when a
 * field is omitted. docs/configuration.md documents exactly these fields.
 */
import { z } from 'zod';
import { isToken, portSchema, tokenSchema, TOKENS } from '../tokens';
import { ALWAYS, crossField, intIn, num, oneOfLiterals } from './fields';
import { haproxySchema } from './haproxySchema';
import { checksPerNode } from '../plan/families';
import { ROUTE53_LIMITS } from '../plan/limits';
import { heartbeatHeadroomSeconds } from './schedule';

/** Fleet and owner names end up in SetIdentifiers, CallerReferences, tags and hook names. */
const slug = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, 'must be 1-32 characters of a-z, 0-9 and "-", not starting or ending with "-"');

/** A DNS name as Route 53 stores it: lower case, with the trailing dot. */
const dnsName = z
  .string()
  .max(253)
  .regex(/^(?:[a-zA-Z0-9_](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}\.?$/, 'must be a fully qualified domain name such as lb.example.com')
  .transform((s) => (s.endsWith('.') ? s : `${s}.`).toLowerCase());

const hostedZoneId = z
  .string()
  .regex(/^(?:\/hostedzone\/)?Z[A-Z0-9]{1,32}$/, 'must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ')
  .transform((s) => s.replace(/^\/hostedzone\//, ''));

const healthCheck = z
  .strictObject({
    protocol: z.enum(['HTTP', 'HTTPS', 'TCP']),
    port: portSchema,
    /**
     * Request path for HTTP/HTTPS checks. Route 53 requests it; with `haproxy` the rendered
     * configuration answers it (`monitor-uri`), so there it must also be one token of the file
     * (the fleet's rules below).
     */
    path: tokenSchema('route53Path').optional(),
    /** When set, the check passes only if the first 5,120 bytes of the body contain it (Route 53 only). */
    searchString: tokenSchema('tagText').min(1).max(255).optional(),
    /** Host header (and SNI for HTTPS) sent with the check; the address checked stays the node's. */
    host: tokenSchema('fqdn').optional(),
    /** Seconds between checks; fixed when the check is created (a change replaces every check). */
    requestInterval: oneOfLiterals([10, 30]).default(30),
    failureThreshold: intIn(1, 10).default(3),
    /**
     * dns.address private-ipv4 only: each node's check is of type CLOUDWATCH_METRIC on its managed
     * alarm (Route 53's checkers cannot reach a private address); what the check says while the
     * alarm has too little data.
     */
    insufficientDataHealthStatus: z.enum(['Healthy', 'Unhealthy', 'LastKnownStatus']).default('LastKnownStatus'),
  })
  .superRefine(
    crossField((hc, ctx) => {
      if (hc.protocol !== 'TCP') return;
      for (const key of ['path', 'searchString', 'host'] as const) {
        if (hc[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is not allowed for a TCP health check' });
      }
    }),
    ALWAYS,
  )
  .transform((hc) => (hc.protocol === 'TCP' ? hc : { ...hc, path: hc.path ?? '/' }));

const hook = (defaultResult: 'CONTINUE' | 'ABANDON', defaultTimeout = 300) =>
  z
    .strictObject({
      /** Defaults to `<fleet>-hfc-launching` / `<fleet>-hfc-terminating`. */
      name: z
        .string()
        .regex(/^[A-Za-z0-9\-_/]{1,255}$/, 'must be 1-255 characters of A-Z, a-z, 0-9, "-", "_" and "/"')
        .optional(),
      heartbeatTimeoutSeconds: intIn(30, 7200, 'a number of seconds').default(defaultTimeout),
      defaultResult: z.enum(['CONTINUE', 'ABANDON']).default(defaultResult),
    })
    .default({ heartbeatTimeoutSeconds: defaultTimeout, defaultResult });

/**
 * Per-node alarms. Nodes are found by DescribeAlarms with `namePrefix`; each alarm maps to its
 * node by an InstanceId dimension (or, for an alarm event, an `hfc:instance-id` alarm tag).
 * With `manage`, the control plane creates one alarm per node (named `<namePrefix><instance id>`,
 * dimension InstanceId) as it joins and deletes it as it leaves.
 */
const alarmsSchema = z.strictObject({
  /** Defaults to `hfc-<ownerId>-<fleet>-`, the names of the managed alarms. */
  namePrefix: tokenSchema('awsName').max(200).optional(),
  manage: z.boolean().default(false),
  metric: z
    .strictObject({
      namespace: z.string().min(1).default('AWS/EC2'),
      name: z.string().min(1).default('StatusCheckFailed'),
      statistic: z.enum(['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount']).default('Maximum'),
      /** 10, 20 or 30 s (high-resolution metrics) or a multiple of 60. */
      periodSeconds: z
        .int()
        .refine((p) => p === 10 || p === 20 || p === 30 || (p >= 60 && p % 60 === 0), 'must be 10, 20, 30 or a multiple of 60')
        .default(60),
      evaluationPeriods: intIn(1, 100).default(2),
      threshold: z.number().default(1),
      comparisonOperator: z
        .enum(['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'])
        .default('GreaterThanOrEqualToThreshold'),
      treatMissingData: z.enum(['breaching', 'notBreaching', 'ignore', 'missing']).default('missing'),
    })
    .default({
      namespace: 'AWS/EC2',
      name: 'StatusCheckFailed',
      statistic: 'Maximum',
      periodSeconds: 60,
      evaluationPeriods: 2,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'missing',
    }),
});

export const fleetSchema = z
  .strictObject({
    name: slug,
    /** Marks what this deployment owns; two deployments sharing a zone need different owner ids. */
    ownerId: slug.default('hfc'),
    autoScalingGroupName: tokenSchema('awsName').max(255),
    dns: z.strictObject({
      hostedZoneId,
      recordName: dnsName,
      /** A, or AAAA for dns.address ipv6 (set from dns.address when left out). */
      recordType: z.enum(['A', 'AAAA']).optional(),
      ttl: intIn(0, 2147483647, 'a number of seconds').default(60),
      weight: intIn(0, 255).default(100),
      /**
       * A node's own weight, from this instance tag (0-255; 0: standby, answered only when every
       * node with a weight above 0 is unhealthy). Without the tag, or with a value that is not
       * 0-255, the node gets `weight` (the run says why).
       */
      weightTag: tokenSchema('tagText').min(1).max(128).default('hfc:weight'),
      /**
       * How long a leaving node keeps running after its record is deleted, before its
       * terminating action is completed: Route 53 takes up to ~60 s to apply a change everywhere
       * and resolvers then cache the answer for the TTL. Like ELB's deregistration delay.
       */
      deregistrationDelaySeconds: intIn(0, 3600, 'a number of seconds').default(120),
      /**
       * Which address a node registers: its public IPv4, or its home Elastic IP (needs
       * `elasticIps`; a node that launches when no pool address is free registers its own public
       * IPv4 and keeps it: lib/plan/addresses.ts, keepOwnAddress).
       */
      address: z.enum(['public-ipv4', 'elastic-ip', 'private-ipv4', 'ipv6']).default('public-ipv4'),
      /**
       * Dual stack: each node also gets a weighted AAAA record on its primary IPv6 address, beside
       * its A record (with public-ipv4 or elastic-ip, a health check of its own probing the IPv6
       * address; with private-ipv4, the same CLOUDWATCH_METRIC check as the A record). A node
       * without an IPv6 address is not registered (lib/plan/families.ts).
       */
      dualStack: z.boolean().default(false),
    }),
    healthCheck,
    /** Elastic IP entry points: a pool of addresses, each homed on a node, moved on failure. */
    elasticIps: z
      .strictObject({
        /** Pool membership: addresses tagged `hfc:pool` = this value. Defaults to `<ownerId>:<fleet name>`. */
        pool: tokenSchema('awsName').max(256).optional(),
        /** Free secondary private IPs each node keeps to receive peers' addresses. */
        sparePrivateIps: intIn(0, 8).default(1),
        /** A recovered node must stay out of ALARM this long before its addresses move back. */
        failbackHoldDownSeconds: intIn(0, 3600, 'a number of seconds').default(60),
      })
      .optional(),
    /** The per-node alarms that say a node has failed. */
    alarms: alarmsSchema.optional(),
    /**
     * Route 53's quotas a fleet must fit in (docs/scaling.md): checked when the configuration is
     * loaded (so `serverless package` refuses a fleet that cannot fit) and again by every run,
     * which registers no node past them and says why the others wait.
     */
    limits: z
      .strictObject({
        /** The most load balancers the group can hold (its MaxSize): each needs a weighted record and a health check. */
        maxNodes: intIn(1, 100_000).optional(),
        /** The account's health-check quota (200 by default; raised through Service Quotas). */
        healthCheckQuota: intIn(1, 1_000_000).default(ROUTE53_LIMITS.healthChecksPerAccount),
      })
      .default({ healthCheckQuota: ROUTE53_LIMITS.healthChecksPerAccount }),
    /** The HAProxy configuration the control plane renders and pushes to every node. */
    haproxy: haproxySchema.optional(),
    lifecycleHooks: z
      .strictObject({
        /** A node that never became ready must not serve: ABANDON at timeout. */
        launching: hook('ABANDON'),
        /** A node that is going away anyway: CONTINUE at timeout. */
        terminating: hook('CONTINUE'),
      })
      .default({
        launching: { heartbeatTimeoutSeconds: 300, defaultResult: 'ABANDON' },
        terminating: { heartbeatTimeoutSeconds: 300, defaultResult: 'CONTINUE' },
      }),
    /**
     * Hooks on the application groups of `haproxy` backends: a launching server is completed
     * once every online load balancer has a configuration that includes it, a terminating one
     * once none has it any more. CONTINUE at timeout by default: the application tier keeps
     * scaling even when the control plane cannot reach the load balancers.
     */
    appLifecycleHooks: z.strictObject({ launching: hook('CONTINUE'), terminating: hook('CONTINUE', 600) }).default({
      launching: { heartbeatTimeoutSeconds: 300, defaultResult: 'CONTINUE' },
      // Room for the servers' drain (haproxy.drain.servers, 300 s by default) and the run after it.
      terminating: { heartbeatTimeoutSeconds: 600, defaultResult: 'CONTINUE' },
    }),
  })
  .superRefine(
    crossField(
      (f, ctx) => {
        if (f.dns.address === 'elastic-ip' && !f.elasticIps && !ctx.invalid(['elasticIps'])) {
          ctx.addIssue({ code: 'custom', path: ['dns', 'address'], message: '"elastic-ip" needs an elasticIps section (the pool the addresses come from)' });
        }
      },
      (f, ctx) => {
        // The rendered file serves the health check path itself (monitor-uri): one token there.
        const path = f.healthCheck.path;
        // (A path that fails its own rule is reported there already.)
        if (f.haproxy && f.healthCheck.protocol === 'HTTP' && isToken('route53Path', path) && !isToken('requestPath', path) && !ctx.invalid(['healthCheck'])) {
          ctx.addIssue({
            code: 'custom',
            path: ['healthCheck', 'path'],
            message: `${TOKENS.requestPath.rule}: with haproxy, the rendered configuration answers it`,
          });
        }
      },
      (f, ctx) => {
        if (!f.haproxy || f.healthCheck.protocol === 'HTTPS' || ctx.invalid(['healthCheck']) || ctx.invalid(['haproxy'])) return;
        // The rendered configuration serves the health check endpoint itself (render.ts).
        const port = num(f.healthCheck.port);
        if (port === undefined) return;
        if (port === f.haproxy.peers.port)
          ctx.addIssue({ code: 'custom', path: ['haproxy', 'peers', 'port'], message: `port ${port} is the health check's port` });
        for (const key of ['listeners', 'httpFrontends'] as const)
          f.haproxy[key].forEach((l, i) => {
            if (l.port === port)
              ctx.addIssue({
                code: 'custom',
                path: ['haproxy', key, i, 'port'],
                message: `port ${port} is the health check's port (the rendered configuration serves it)`,
              });
          });
      },
      (f, ctx) => {
        if (f.elasticIps && f.dns.address !== 'elastic-ip' && !ctx.invalid(['dns', 'address'])) {
          // EC2 gives a node a new public IPv4 whenever its home address moves away and back:
          // registering that would change DNS on every failover.
          ctx.addIssue({
            code: 'custom',
            path: ['dns', 'address'],
            message: 'must be "elastic-ip" when elasticIps is set (a node\'s own public IPv4 changes whenever its address moves)',
          });
        }
      },
      (f, ctx) => {
        const max = num(f.limits?.maxNodes);
        if (max !== undefined && max > ROUTE53_LIMITS.weightedRecordsPerName && !ctx.invalid(['limits']))
          ctx.addIssue({
            code: 'custom',
            path: ['limits', 'maxNodes'],
            message: `${max} nodes do not fit in one record name: Route 53 allows at most ${ROUTE53_LIMITS.weightedRecordsPerName} weighted records per name and type; split the group into fleets with their own record names (docs/scaling.md)`,
          });
      },
      (f, ctx) => {
        // Route 53's checkers cannot reach a private address: the check watches the node's
        // managed alarm instead, which must be on a standard-resolution metric with a plain
        // statistic (docs/aws-facts.md, Route 53: health checks).
        if (f.dns.address !== 'private-ipv4' || ctx.invalid(['alarms'])) return;
        if (!f.alarms?.manage) {
          ctx.addIssue({
            code: 'custom',
            path: ['dns', 'address'],
            message:
              '"private-ipv4" needs alarms with "manage": true: Route 53 cannot probe a private address, so each node\'s record uses a CLOUDWATCH_METRIC health check on the alarm the control plane keeps for it',
          });
        } else if (f.alarms.metric.periodSeconds < 60) {
          ctx.addIssue({
            code: 'custom',
            path: ['alarms', 'metric', 'periodSeconds'],
            message: 'must be 60 or more with dns.address "private-ipv4": Route 53 health checks support alarms on standard-resolution metrics only',
          });
        }
      },
      (f, ctx) => {
        // The record type follows the address family.
        if (ctx.invalid(['dns'])) return;
        const want = f.dns.address === 'ipv6' ? 'AAAA' : 'A';
        if (f.dns.recordType !== undefined && f.dns.recordType !== want)
          ctx.addIssue({ code: 'custom', path: ['dns', 'recordType'], message: `must be ${want} with dns.address "${f.dns.address}" (or left out)` });
        if (f.dns.dualStack && f.dns.address === 'ipv6')
          ctx.addIssue({
            code: 'custom',
            path: ['dns', 'dualStack'],
            message:
              'dns.address "ipv6" registers AAAA records only; for an A and an AAAA record per node set dns.address to the IPv4 kind ("public-ipv4", "elastic-ip" or "private-ipv4") with dns.dualStack true',
          });
      },
      (f, ctx) => {
        if (f.elasticIps && !f.alarms && !ctx.invalid(['alarms']))
          ctx.addIssue({ code: 'custom', path: ['alarms'], message: 'elasticIps needs an alarms section: failover is driven by per-node alarms' });
      },
      (f, ctx) => {
        // The scheduled reconcile (every minute) completes the action once the delay has passed:
        // leave it that much time before the hook's own timeout would do it.
        if (ctx.invalid(['lifecycleHooks', 'terminating', 'heartbeatTimeoutSeconds']) || ctx.invalid(['dns', 'deregistrationDelaySeconds'])) return;
        const heartbeat = num(f.lifecycleHooks?.terminating?.heartbeatTimeoutSeconds ?? 300);
        const delay = num(f.dns.deregistrationDelaySeconds ?? 120);
        if (heartbeat !== undefined && delay !== undefined && delay + 90 > heartbeat) {
          ctx.addIssue({
            code: 'custom',
            path: ['dns', 'deregistrationDelaySeconds'],
            message: `must be at most the terminating hook's heartbeatTimeoutSeconds (${heartbeat}) minus 90, so that the scheduled reconcile releases the node before the hook times out`,
          });
        }
        // A load balancer's drain follows its delay, within the same hook timer.
        const lbDrain = f.haproxy && !ctx.invalid(['haproxy', 'drain']) ? num(f.haproxy.drain?.loadBalancers?.timeoutSeconds) : undefined;
        if (heartbeat !== undefined && delay !== undefined && lbDrain !== undefined && delay + lbDrain + 90 > heartbeat) {
          ctx.addIssue({
            code: 'custom',
            path: ['haproxy', 'drain', 'loadBalancers', 'timeoutSeconds'],
            message: `with the deregistration delay (${delay} s) must be at most the terminating hook's heartbeatTimeoutSeconds (${heartbeat}) minus 90, so that the scheduled reconcile releases the node before the hook times out`,
          });
        }
      },
      (f, ctx) => {
        // A leaving application server's drain runs within its terminating hook's timer.
        if (!f.haproxy || ctx.invalid(['haproxy', 'drain']) || ctx.invalid(['appLifecycleHooks', 'terminating', 'heartbeatTimeoutSeconds'])) return;
        const heartbeat = num(f.appLifecycleHooks?.terminating?.heartbeatTimeoutSeconds ?? 600);
        const drain = num(f.haproxy.drain?.servers?.timeoutSeconds ?? 300);
        if (heartbeat !== undefined && drain !== undefined && drain + 90 > heartbeat) {
          ctx.addIssue({
            code: 'custom',
            path: ['haproxy', 'drain', 'servers', 'timeoutSeconds'],
            message: `must be at most the application terminating hook's heartbeatTimeoutSeconds (${heartbeat}) minus 90 (appLifecycleHooks.terminating), so that the scheduled reconcile removes the server before the hook times out`,
          });
        }
      },
    ),
    ALWAYS,
  )
  .transform((f) => ({
    ...f,
    elasticIps: f.elasticIps ? { ...f.elasticIps, pool: f.elasticIps.pool ?? `${f.ownerId}:${f.name}` } : undefined,
    alarms: f.alarms ? { ...f.alarms, namePrefix: f.alarms.namePrefix ?? `hfc-${f.ownerId}-${f.name}-` } : undefined,
    dns: { ...f.dns, recordType: f.dns.address === 'ipv6' ? ('AAAA' as const) : ('A' as const) },
    haproxy: f.haproxy
      ? withLbDrainTimeout(f.haproxy, f.lifecycleHooks.terminating.heartbeatTimeoutSeconds - f.dns.deregistrationDelaySeconds - 90)
      : undefined,
    lifecycleHooks: {
      launching: { ...f.lifecycleHooks.launching, name: f.lifecycleHooks.launching.name ?? `${f.name}-hfc-launching` },
      terminating: { ...f.lifecycleHooks.terminating, name: f.lifecycleHooks.terminating.name ?? `${f.name}-hfc-terminating` },
    },
    appLifecycleHooks: {
      launching: { ...f.appLifecycleHooks.launching, name: f.appLifecycleHooks.launching.name ?? `${f.name}-hfc-app-launching` },
      terminating: { ...f.appLifecycleHooks.terminating, name: f.appLifecycleHooks.terminating.name ?? `${f.name}-hfc-app-terminating` },
    },
  }));

/**
 * A load balancer's drain timeout defaults to what its terminating hook leaves after the
 * deregistration delay and 90 s for the scheduled run (the schema refuses less than 0 there).
 */
function withLbDrainTimeout<H extends { drain: { loadBalancers: { maxConnections: number; timeoutSeconds?: number | undefined } } }>(h: H, room: number) {
  const lb = h.drain.loadBalancers;
  return { ...h, drain: { ...h.drain, loadBalancers: { ...lb, timeoutSeconds: lb.timeoutSeconds ?? Math.max(0, room) } } };
}

/** The application groups a fleet's HAProxy backends take their servers from. */
export function appGroupsOf(f: { haproxy?: { backends: { servers: object }[] } | undefined }): string[] {
  const groups = (f.haproxy?.backends ?? []).flatMap((b) =>
    'autoScalingGroup' in b.servers ? [(b.servers as { autoScalingGroup: string }).autoScalingGroup] : [],
  );
  return [...new Set(groups)].sort();
}

const RESERVED_CONCURRENCY_RULE = 'must be a number of executions from 1 to 1000, or false (no reservation)';

export const configSchema = z
  .strictObject({
    fleets: z.array(fleetSchema).min(1, 'must list at least one fleet'),
    /** Deployment settings, read by serverless.yml only. */
    deployment: z
      .strictObject({
        /** How lifecycle notifications reach the lifecycle function. */
        lifecycleEvents: z.enum(['eventbridge', 'sns']).default('eventbridge'),
        /** The scheduled reconcile; an EventBridge rate or cron expression. */
        schedule: z
          .string()
          .regex(/^(rate|cron)\(.+\)$/, 'must be an EventBridge rate(...) or cron(...) expression')
          .default('rate(1 minute)'),
        /**
         * Reserved concurrency of each function: 1 serialises each function (one decider at a
         * time, the default), false reserves nothing (for accounts whose concurrency quota cannot
         * spare three units; runs may then overlap, which the code tolerates: docs/operations.md, "Serialised
         * by default").
         */
        reservedConcurrency: z.union([intIn(1, 1000, '', RESERVED_CONCURRENCY_RULE), z.literal(false)], { error: RESERVED_CONCURRENCY_RULE }).default(1),
        /**
         * The stage this file is deployed as, when it is fleet.config.json (default "dev"): any other
         * stage needs its own fleet.config.<stage>.json, so that two stages never put two control
         * planes on the same groups by accident (lib/config/stageFile.ts).
         */
        stage: z
          .string()
          .regex(/^[a-zA-Z0-9-]{1,64}$/, 'must be a serverless stage name (letters, digits and hyphens)')
          .optional(),
        /**
         * Alarms on the control plane itself (deploy/operatorView.ts): failed events, function
         * errors, sustained throttling, a stalled schedule, a node waiting longer than
         * `maxWaitSeconds`; they notify the stack's operator topic, and `email` when given.
         */
        operatorAlarms: z
          .strictObject({
            enabled: z.boolean().default(true),
            email: z.email('must be an email address').optional(),
            maxWaitSeconds: intIn(60, 86_400, 'a number of seconds').default(900),
          })
          .default({ enabled: true, maxWaitSeconds: 900 }),
      })
      .default({ lifecycleEvents: 'eventbridge', schedule: 'rate(1 minute)', reservedConcurrency: 1, operatorAlarms: { enabled: true, maxWaitSeconds: 900 } }),
  })
  .superRefine(
    crossField((cfg, ctx) => {
      const seen = (key: (f: (typeof cfg.fleets)[number]) => string, what: string) => {
        const first = new Map<string, number>();
        cfg.fleets.forEach((f, i) => {
          const k = key(f);
          if (typeof k !== 'string' || ctx.invalid(['fleets', i])) return; // reported by its own field
          const j = first.get(k);
          if (j === undefined) first.set(k, i);
          else ctx.addIssue({ code: 'custom', path: ['fleets', i], message: `${what} "${k}" is also used by fleets[${j}]` });
        });
      };
      seen((f) => f.name, 'fleet name');
      // Launches queued behind Route 53's quota live on the schedule's heartbeats: the launching
      // hook must outlast two scheduled runs (lib/config/schedule.ts).
      const schedule = cfg.deployment?.schedule;
      if (typeof schedule === 'string' && !ctx.invalid(['deployment', 'schedule'])) {
        const headroom = heartbeatHeadroomSeconds(schedule);
        cfg.fleets.forEach((f, i) => {
          const hb = num(f.lifecycleHooks?.launching?.heartbeatTimeoutSeconds ?? 300);
          if (hb !== undefined && hb <= headroom && !ctx.invalid(['fleets', i, 'lifecycleHooks']))
            ctx.addIssue({
              code: 'custom',
              path: ['fleets', i, 'lifecycleHooks', 'launching', 'heartbeatTimeoutSeconds'],
              message: `must be more than ${headroom} s with the schedule ${schedule}: a launch queued behind Route 53's health-check quota gets its heartbeat from the scheduled reconcile, which needs two of its runs before the hook times out`,
            });
        });
      }
      // Every fleet's checks count against the one account quota. (A node's check is replaced by
      // creating the new one first: the plan counts that, and spreads a fleet-wide settings change
      // over runs when the quota has no room for it: docs/scaling.md.)
      const sized = cfg.fleets.filter((f, i) => typeof f.limits?.maxNodes === 'number' && !ctx.invalid(['fleets', i, 'limits']));
      // A dual-stack node has two checks (A and AAAA), unless both watch its alarm (private-ipv4).
      const need = sized.reduce((n, f) => n + (f.limits.maxNodes ?? 0) * checksPerNode(f.dns ?? {}), 0);
      const quotas = cfg.fleets.map((f) => num(f.limits?.healthCheckQuota) ?? ROUTE53_LIMITS.healthChecksPerAccount);
      const quota = Math.min(...quotas);
      // The quota is the account's, one value: fleets that state different ones are a mistake.
      const differs = quotas.findIndex((q) => q !== quotas[0]);
      if (differs > 0 && !ctx.invalid(['fleets', differs, 'limits']))
        ctx.addIssue({
          code: 'custom',
          path: ['fleets', differs, 'limits', 'healthCheckQuota'],
          message: `is ${quotas[differs]} but fleets[0] states ${quotas[0]}: it is the account's one Route 53 health-check quota, the same for every fleet`,
        });
      // Fleets that share a record name share its 100 weighted records.
      const byName = new Map<string, number[]>();
      cfg.fleets.forEach((f, i) => {
        if (typeof f.dns?.recordName === 'string' && typeof f.limits?.maxNodes === 'number')
          byName.set(f.dns.recordName, [...(byName.get(f.dns.recordName) ?? []), i]);
      });
      for (const [name, idx] of byName) {
        const total = idx.reduce((n, i) => n + (cfg.fleets[i]!.limits.maxNodes ?? 0), 0);
        if (idx.length > 1 && total > ROUTE53_LIMITS.weightedRecordsPerName)
          ctx.addIssue({
            code: 'custom',
            path: ['fleets', idx.at(-1)!, 'limits', 'maxNodes'],
            message: `fleets ${idx.map((i) => `[${i}]`).join(', ')} share the record name ${name} and can hold ${total} nodes together: Route 53 allows ${ROUTE53_LIMITS.weightedRecordsPerName} weighted records per name and type (docs/scaling.md)`,
          });
      }
      if (sized.length && need > quota)
        ctx.addIssue({
          code: 'custom',
          path: ['fleets', cfg.fleets.indexOf(sized.at(-1)!), 'limits', 'maxNodes'],
          message: `the fleets' nodes can need ${need} Route 53 health checks (one per node, two per dual-stack node), but the account's health-check quota is ${quota}: request a higher quota (Service Quotas, Route 53, "Health checks") and set limits.healthCheckQuota to it, or lower limits.maxNodes (docs/scaling.md)`,
        });
      // One group, one fleet: two fleets completing each other's lifecycle actions would race.
      seen((f) => f.autoScalingGroupName, 'autoScalingGroupName');
      // An application group serves one fleet, and is never a load-balancer group: whose hooks
      // an event belongs to must be unambiguous.
      const owner = new Map(cfg.fleets.map((f, i) => [f.autoScalingGroupName, i]));
      cfg.fleets.forEach((f, i) => {
        for (const g of appGroupsOf(f)) {
          const j = owner.get(g);
          if (j !== undefined && j !== i)
            ctx.addIssue({ code: 'custom', path: ['fleets', i, 'haproxy'], message: `application group "${g}" is also used by fleets[${j}]` });
          if (j === i)
            ctx.addIssue({ code: 'custom', path: ['fleets', i, 'haproxy'], message: `application group "${g}" is this fleet's own load-balancer group` });
          owner.set(g, i);
        }
      });
    }),
    ALWAYS,
  );

/** One managed fleet, with every default applied. */
export type FleetConfig = z.output<typeof fleetSchema>;
/** The whole configuration file, with every default applied. */
export type Config = z.output<typeof configSchema>;
