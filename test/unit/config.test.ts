import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envFlag, readRuntimeSettings } from '../../lib/config/env';
import { parseConfig, parseConfigText } from '../../lib/config/load';
import { ConfigError } from '../../lib/errors';

const minimal = (fleet: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  fleets: [
    {
      name: 'edge',
      autoScalingGroupName: 'edge-haproxy',
      dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com' },
      healthCheck: { protocol: 'HTTP', port: 8404 },
      ...fleet,
    },
  ],
  ...top,
});

/** The problems a configuration is rejected with (fails the test if it is accepted). */
function problems(raw: unknown): readonly string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('configuration was accepted');
}

describe('fleet configuration', () => {
  it('the repository fleet.config.json is valid', () => {
    expect(() => parseConfigText(readFileSync('fleet.config.json', 'utf8'))).not.toThrow();
  });

  it('applies the documented defaults', () => {
    // Act
    const cfg = parseConfig(minimal());
    // Assess
    expect(cfg.deployment).toEqual({
      lifecycleEvents: 'eventbridge',
      schedule: 'rate(1 minute)',
      reservedConcurrency: 1,
      operatorAlarms: { enabled: true, maxWaitSeconds: 900 },
    });
    expect(cfg.fleets[0]).toEqual({
      name: 'edge',
      ownerId: 'hfc',
      autoScalingGroupName: 'edge-haproxy',
      dns: {
        hostedZoneId: 'Z0EXAMPLE',
        recordName: 'lb.example.com.',
        recordType: 'A',
        ttl: 60,
        weight: 100,
        deregistrationDelaySeconds: 120,
        weightTag: 'hfc:weight',
        address: 'public-ipv4',
        dualStack: false,
      },
      healthCheck: { protocol: 'HTTP', port: 8404, path: '/', requestInterval: 30, failureThreshold: 3, insufficientDataHealthStatus: 'LastKnownStatus' },
      limits: { healthCheckQuota: 200 },
      lifecycleHooks: {
        launching: { name: 'edge-hfc-launching', heartbeatTimeoutSeconds: 300, defaultResult: 'ABANDON' },
        terminating: { name: 'edge-hfc-terminating', heartbeatTimeoutSeconds: 300, defaultResult: 'CONTINUE' },
      },
      appLifecycleHooks: {
        launching: { name: 'edge-hfc-app-launching', heartbeatTimeoutSeconds: 300, defaultResult: 'CONTINUE' },
        terminating: { name: 'edge-hfc-app-terminating', heartbeatTimeoutSeconds: 600, defaultResult: 'CONTINUE' },
      },
    });
  });

  it('normalises the zone id and the record name', () => {
    const cfg = parseConfig(minimal({ dns: { hostedZoneId: '/hostedzone/Z0EXAMPLE', recordName: 'LB.Example.COM.' } }));
    expect(cfg.fleets[0]!.dns).toMatchObject({ hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com.' });
  });

  it.each([
    ['port out of range', minimal({ healthCheck: { protocol: 'HTTP', port: 70000 } }), 'fleets[0].healthCheck.port: must be a port from 1 to 65535'],
    [
      'interval not 10 or 30',
      minimal({ healthCheck: { protocol: 'HTTP', port: 80, requestInterval: 15 } }),
      'fleets[0].healthCheck.requestInterval: must be 10 or 30',
    ],
    [
      'threshold above 10',
      minimal({ healthCheck: { protocol: 'TCP', port: 80, failureThreshold: 11 } }),
      'fleets[0].healthCheck.failureThreshold: must be a whole number from 1 to 10',
    ],
    [
      'an unknown protocol',
      minimal({ healthCheck: { protocol: 'UDP', port: 80 } }),
      'fleets[0].healthCheck.protocol: Invalid option: expected one of "HTTP"|"HTTPS"|"TCP"',
    ],
    [
      'path on a TCP check',
      minimal({ healthCheck: { protocol: 'TCP', port: 80, path: '/x' } }),
      'fleets[0].healthCheck.path: is not allowed for a TCP health check',
    ],
    [
      'path without a slash',
      minimal({ healthCheck: { protocol: 'HTTP', port: 80, path: 'health' } }),
      'fleets[0].healthCheck.path: must be a URL path of at most 255 characters starting with "/", without spaces or control characters',
    ],
    [
      'bad zone id',
      minimal({ dns: { hostedZoneId: 'example.com', recordName: 'lb.example.com' } }),
      'fleets[0].dns.hostedZoneId: must be a Route 53 hosted zone id',
    ],
    [
      'bad record name',
      minimal({ dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'not a name' } }),
      'fleets[0].dns.recordName: must be a fully qualified domain name',
    ],
    ['record type other than A', minimal({ dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', recordType: 'AAAA' } }), 'fleets[0].dns.recordType'],
    [
      'weight above 255',
      minimal({ dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', weight: 256 } }),
      'fleets[0].dns.weight: must be a whole number from 0 to 255',
    ],
    ['fleet name with upper case', minimal({ name: 'Edge' }), 'fleets[0].name: must be 1-32 characters'],
    ['unknown key (a typo)', minimal({ healthcheck: {} }), 'fleets[0]: Unrecognized key: "healthcheck"'],
    [
      'heartbeat too short',
      minimal({ lifecycleHooks: { launching: { heartbeatTimeoutSeconds: 10 } } }),
      'fleets[0].lifecycleHooks.launching.heartbeatTimeoutSeconds: must be a number of seconds from 30 to 7200',
    ],
    ['no fleets', { fleets: [] }, 'fleets: must list at least one fleet'],
    [
      "fleets stating different health-check quotas (it is the account's one quota)",
      {
        fleets: [
          { ...minimal().fleets[0], limits: { healthCheckQuota: 500 } },
          { ...minimal().fleets[0], name: 'edge2', autoScalingGroupName: 'g2', limits: { healthCheckQuota: 200 } },
        ],
      },
      "fleets[1].limits.healthCheckQuota: is 200 but fleets[0] states 500: it is the account's one Route 53 health-check quota",
    ],
    [
      'fleets sharing a record name past 100 nodes together',
      {
        fleets: [
          { ...minimal().fleets[0], limits: { maxNodes: 60, healthCheckQuota: 400 } },
          { ...minimal().fleets[0], name: 'edge2', autoScalingGroupName: 'g2', limits: { maxNodes: 60, healthCheckQuota: 400 } },
        ],
      },
      'fleets[1].limits.maxNodes: fleets [0], [1] share the record name lb.example.com. and can hold 120 nodes together',
    ],
    [
      "a launching hook the schedule's heartbeats cannot keep alive",
      minimal({}, { deployment: { schedule: 'rate(5 minutes)' } }),
      'fleets[0].lifecycleHooks.launching.heartbeatTimeoutSeconds: must be more than 630 s with the schedule rate(5 minutes)',
    ],
    [
      'a group that can outgrow one record name',
      minimal({ limits: { maxNodes: 101 } }),
      'fleets[0].limits.maxNodes: 101 nodes do not fit in one record name: Route 53 allows at most 100 weighted records per name and type; split the group into fleets with their own record names',
    ],
    [
      "fleets that can outgrow the account's health-check quota",
      {
        fleets: [
          { ...minimal().fleets[0], limits: { maxNodes: 100 } },
          {
            ...minimal().fleets[0],
            name: 'edge2',
            autoScalingGroupName: 'g2',
            dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb2.example.com' },
            limits: { maxNodes: 60, healthCheckQuota: 150 },
          },
        ],
      },
      "fleets[1].limits.maxNodes: the fleets' nodes can need 160 Route 53 health checks (one per node, two per dual-stack node), but the account's health-check quota is 150: request a higher quota",
    ],
    [
      'a deregistration delay the terminating hook would cut short',
      minimal({ dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', deregistrationDelaySeconds: 250 } }),
      "fleets[0].dns.deregistrationDelaySeconds: must be at most the terminating hook's heartbeatTimeoutSeconds (300) minus 90",
    ],
    [
      'bad schedule',
      minimal({}, { deployment: { schedule: 'every minute' } }),
      'deployment.schedule: must be an EventBridge rate(...) or cron(...) expression',
    ],
  ])('rejects %s, naming the field', (_name, raw, expected) => {
    expect(problems(raw).join('\n')).toContain(expected);
  });

  it('accepts fleets that fit in the quotas they state', () => {
    const two = {
      fleets: [
        { ...minimal().fleets[0], limits: { maxNodes: 100, healthCheckQuota: 400 } },
        {
          ...minimal().fleets[0],
          name: 'edge2',
          autoScalingGroupName: 'g2',
          dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb2.example.com' },
          limits: { maxNodes: 100, healthCheckQuota: 400 },
        },
      ],
    };
    expect(parseConfig(two).fleets.map((f) => f.limits)).toEqual([
      { maxNodes: 100, healthCheckQuota: 400 },
      { maxNodes: 100, healthCheckQuota: 400 },
    ]);
  });

  it('rejects two fleets on one group, and lists every problem at once', () => {
    const fleet = minimal().fleets[0]!;
    const raw = { fleets: [fleet, { ...fleet, name: 'edge2' }, { ...fleet, name: 'edge', autoScalingGroupName: 'other' }] };
    expect(problems(raw)).toEqual([
      'fleets[2]: fleet name "edge" is also used by fleets[0]',
      'fleets[1]: autoScalingGroupName "edge-haproxy" is also used by fleets[0]',
    ]);
  });

  it('reports a cross-field rule together with the problems of single fields', () => {
    // Prepare: a field problem, and a deregistration delay the terminating hook would cut short
    const raw = minimal({
      dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', deregistrationDelaySeconds: 250 },
      healthCheck: { protocol: 'HTTP', port: 80, requestInterval: 15 },
    });

    // Act & Assess: both, in one error
    expect(problems(raw)).toEqual([
      'fleets[0].healthCheck.requestInterval: must be 10 or 30',
      "fleets[0].dns.deregistrationDelaySeconds: must be at most the terminating hook's heartbeatTimeoutSeconds (300) minus 90, so that the scheduled reconcile releases the node before the hook times out",
    ]);
  });

  it('a rule whose inputs are invalid adds nothing of its own (no spurious duplicate names)', () => {
    const fleet = minimal().fleets[0]!;
    expect(
      problems({
        fleets: [
          { ...fleet, name: 7 },
          { ...fleet, name: 8, autoScalingGroupName: 'other' },
        ],
      }),
    ).toEqual(['fleets[0].name: Invalid input: expected string, received number', 'fleets[1].name: Invalid input: expected string, received number']);
  });

  it('a health check path or host that only Route 53 sees may hold what HAProxy could not', () => {
    const raw = minimal({ healthCheck: { protocol: 'HTTP', port: 80, path: '/api/v1/health(check)?a[]=1', host: 'svc_1.internal.example.com.' } });
    expect(parseConfig(raw).fleets[0]!.healthCheck).toMatchObject({ path: '/api/v1/health(check)?a[]=1', host: 'svc_1.internal.example.com.' });
  });

  it('with haproxy, the health check path must also be one token of the rendered file', () => {
    const raw = minimal({
      healthCheck: { protocol: 'HTTP', port: 8404, path: '/health(check)' },
      haproxy: { backends: [{ name: 'app', servers: { tags: { role: 'app' } }, port: 8080 }] },
    });
    expect(problems(raw)).toEqual([
      expect.stringMatching(/^fleets\[0\]\.healthCheck\.path: must be a URL path .*: with haproxy, the rendered configuration answers it$/),
    ]);
  });

  it.each([
    [
      'a delay out of range is reported once (not again by the rule that compares it with the heartbeat)',
      minimal({ dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', deregistrationDelaySeconds: 5000 } }),
      ['fleets[0].dns.deregistrationDelaySeconds: must be a number of seconds from 0 to 3600'],
    ],
    [
      'a heartbeat out of range says nothing about the delay it would bound',
      minimal({ lifecycleHooks: { terminating: { heartbeatTimeoutSeconds: 20 } } }),
      ['fleets[0].lifecycleHooks.terminating.heartbeatTimeoutSeconds: must be a number of seconds from 30 to 7200'],
    ],
    [
      'a backend with an unknown mode is not compared with the frontends that use it',
      minimal({
        haproxy: {
          backends: [{ name: 'web', mode: 'HTTP', servers: { tags: { a: 'b' } }, port: 80, check: { httpPath: '/x' } }],
          httpFrontends: [{ name: 'f', port: 81, defaultBackend: 'web' }],
        },
      }),
      ['fleets[0].haproxy.backends[0].mode: Invalid option: expected one of "http"|"tcp"'],
    ],
    [
      'a null backend does not hide a listener naming an undefined one',
      minimal({ haproxy: { backends: [null, { name: 'web', servers: { tags: { a: 'b' } }, port: 80 }], listeners: [{ port: 2000, backend: 'nope' }] } }),
      ['fleets[0].haproxy.backends[0]: Invalid input: expected object, received null', 'fleets[0].haproxy.listeners[0].backend: backend "nope" is not defined'],
    ],
    [
      'a misspelt servers source says what it may be',
      minimal({ haproxy: { backends: [{ name: 'web', servers: { autoscalingGroup: 'web-app' }, port: 80 }] } }),
      ['fleets[0].haproxy.backends[0].servers: must be {"autoScalingGroup": "<group name>"} or {"tags": {"<key>": "<value>", ...}}'],
    ],
  ])('%s', (_what, raw, expected) => {
    expect(problems(raw)).toEqual(expected);
  });

  it('reports a JSON syntax error with the file name', () => {
    expect(() => parseConfigText('{"fleets": [', 'my.json')).toThrow(/^my\.json is not valid JSON/);
  });
});

describe('environment', () => {
  it('DRY_RUN accepts true/false/1/0 and rejects anything else', () => {
    expect(readRuntimeSettings({ DRY_RUN: 'true' })).toEqual({ dryRun: true });
    expect(readRuntimeSettings({ DRY_RUN: '0' })).toEqual({ dryRun: false });
    expect(readRuntimeSettings({})).toEqual({ dryRun: false });
    expect(() => envFlag({ DRY_RUN: 'maybe' }, 'DRY_RUN')).toThrow('environment variable DRY_RUN="maybe" must be true or false');
  });
});

describe('documentation', () => {
  it("docs/configuration.md's example is valid", () => {
    const doc = readFileSync('docs/configuration.md', 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    expect(() => parseConfigText(example!, 'docs/configuration.md')).not.toThrow();
  });

  it.each([
    'docs/fleet.config.elastic-ip.json',
    'docs/fleet.config.haproxy.json',
    'docs/fleet.config.private.json',
    'docs/fleet.config.ipv6.json',
    'docs/fleet.config.dualstack.json',
  ])('%s is valid', (file) => {
    expect(() => parseConfigText(readFileSync(file, 'utf8'), file)).not.toThrow();
  });
});
