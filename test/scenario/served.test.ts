/**
 * The served account as `npm run sim:serve` sets it up (the repository's fleet.config.json and the
 * sample events in events/), driven over HTTP by the functions' own handlers with the product's
 * clients pointed at it as AWS_ENDPOINT_URL points them: every sample event, in the story's order
 * (scripts/sampleStory.mts), must change the account as AWS would. CI tells the same story through
 * `serverless invoke local` itself (npm run invoke:samples); this is its fast, in-process twin.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGICAL_IDS } from '../../deploy/cloudformation';
import { createHandler as createAlarmHandler } from '../../functions/alarm';
import { createHandler as createLifecycleHandler } from '../../functions/lifecycle';
import { createHandler as createReconcileHandler } from '../../functions/reconcile';
import { main as hfc } from '../../cli/main';
import { createClients } from '../../lib/aws/clients';
import { parseConfig } from '../../lib/config/load';
import { SimAccount } from '../../sim/account';
import { type ServedAccount, serveAccount } from '../../sim/wire/server';
import { runStory, steps } from '../../scripts/sampleStory.mjs';
import { controlHandler } from '../../scripts/simControl.mjs';
import { readSamples, seedAccount } from '../../scripts/simSeed.mjs';

let served: ServedAccount;
let account: SimAccount;

beforeAll(async () => {
  let offsetMs = 0;
  account = new SimAccount({ clock: () => Date.now() + offsetMs });
  const config = parseConfig(JSON.parse(readFileSync('fleet.config.json', 'utf8')));
  const seeded = seedAccount(account, config, readSamples('events'));
  const clock = {
    advance(seconds: number) {
      offsetMs += seconds * 1000;
      account.tick();
    },
  };
  served = await serveAccount(account, { control: controlHandler(account, seeded, clock, () => served.dispatcher, 'events') });
});

afterAll(async () => {
  await served?.close();
});

describe('the sample events against the served account', () => {
  it('tells every sample event in events/', () => {
    const told = new Set(steps.map((s) => `${s.event}.json`));
    expect(readdirSync('events').filter((f) => f.endsWith('.json') && !told.has(f))).toEqual([]);
  });

  it('each changes the account as AWS would, through the handlers and the wire', async () => {
    const deps = {
      config: parseConfig(JSON.parse(readFileSync('fleet.config.json', 'utf8'))),
      settings: { dryRun: false },
      clients: createClients({ region: account.region, endpoint: served.url, credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' }, maxAttempts: 3 }),
      logger: new Logger({ serviceName: 'haproxy-fleet-control', logLevel: 'SILENT' }),
      now: () => account.now(),
    };
    const handlers: Record<string, (event: unknown, context: never) => Promise<unknown>> = {
      lifecycle: createLifecycleHandler(deps),
      reconcile: createReconcileHandler(deps),
      alarm: createAlarmHandler(deps),
    };
    const context = { getRemainingTimeInMillis: () => 30000, awsRequestId: 'served', functionName: 'served' } as never;
    const lines: string[] = [];
    const problems = await runStory({
      control: async (method, path) => {
        const res = await fetch(`${served.url}${path}`, { method });
        if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
        return res.json();
      },
      invoke: async (fn, event) => {
        try {
          const out = await handlers[fn]!(JSON.parse(readFileSync(`events/${event}.json`, 'utf8')), context);
          return { out: JSON.stringify(out, null, 4), ok: true };
        } catch (err) {
          return { out: String((err as Error).stack), ok: false };
        }
      },
      log: (line) => lines.push(line),
    });
    expect(problems, lines.join('\n')).toEqual([]);
    expect(lines).toHaveLength(steps.length);
    // Everything reached the account over HTTP: nothing else is wired to it.
    expect(account.callsWhere({ mutating: true }).length).toBeGreaterThan(20);
  });

  it('hfc status and plan against it show the result: the two nodes left, registered, their addresses home, in sync', async () => {
    const run = async (...argv: string[]) => {
      let stdout = '';
      const code = await hfc(argv, {
        cwd: process.cwd(),
        env: {},
        clients: createClients({ region: account.region, endpoint: served.url, credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' } }),
        now: () => account.now(),
        stdout: (t) => {
          stdout += t;
        },
        stderr: () => undefined,
      });
      return { code, stdout };
    };
    // Auto Scaling finishes the termination the story let go.
    await fetch(`${served.url}/_sim/advance?seconds=5`, { method: 'POST' });
    const status = await run('status', '--json');
    expect(status.code).toBe(0);
    const [fleet] = JSON.parse(status.stdout).fleets;
    const left = account.autoScaling.instances('edge-haproxy').map((i) => i.instanceId);
    expect(left).toHaveLength(2);
    expect(fleet.loadBalancers.map((n: { instanceId: string }) => n.instanceId).sort()).toEqual([...left].sort());
    for (const n of fleet.loadBalancers) {
      expect(n.lifecycleState).toBe('InService');
      expect(n.records).toHaveLength(1);
    }
    expect((await run('plan')).code).toBe(0);
  });
});

describe('an haproxy fleet served (docs/fleet.config.haproxy.json)', () => {
  it('the launch sample pushes the rendered configuration through SSM over the wire, then completes the launch', async () => {
    const account = new SimAccount();
    const config = parseConfig(JSON.parse(readFileSync('docs/fleet.config.haproxy.json', 'utf8')));
    const seeded = seedAccount(account, config, readSamples('events'));
    const served = await serveAccount(account, {
      control: controlHandler(account, seeded, { advance: (s) => account.advance(s) }, () => served.dispatcher, 'events'),
    });
    try {
      expect(account.autoScaling.instances('web-app')).toHaveLength(2);
      const deps = {
        config,
        // The variables serverless invoke local resolves from the stack the account carries.
        settings: {
          dryRun: false,
          configDocumentName: seeded.physical[LOGICAL_IDS.configDocument]!,
          measureDocumentName: seeded.physical[LOGICAL_IDS.measureDocument]!,
        },
        clients: createClients({ region: account.region, endpoint: served.url, credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' }, maxAttempts: 3 }),
        logger: new Logger({ serviceName: 'haproxy-fleet-control', logLevel: 'SILENT' }),
        now: () => account.now(),
      };
      const lifecycle = createLifecycleHandler(deps);
      const event = JSON.parse(readFileSync('events/sns-lifecycle-launching.json', 'utf8'));
      const context = { getRemainingTimeInMillis: () => 30000, awsRequestId: 'served', functionName: 'served' } as never;
      await lifecycle(event, context);
      // The command runs on the agents; the next delivery (Auto Scaling's heartbeat-driven retry, or the schedule) completes the launch.
      account.advance(5);
      await lifecycle(event, context);
      const sent = account.callsWhere({ service: 'ssm', op: 'SendCommand', failed: false });
      expect(sent.length).toBeGreaterThan(0);
      expect((sent[0]!.input as { DocumentName: string }).DocumentName).toBe(seeded.physical[LOGICAL_IDS.configDocument]);
      expect(account.autoScaling.instances('edge-haproxy').find((i) => i.instanceId === 'i-0a1b2c3d4e5f60718')?.state).toMatch(/InService|Pending:Proceed/);
    } finally {
      await served.close();
    }
  });
});
