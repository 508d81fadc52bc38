/**
 * Failover through the alarm function's bundle as built (esbuild with serverless.yml's own
 * settings, scripts/bundleOptions.mts), not through the TypeScript sources: what the tree-shaken
 * ES module build of the SDK, zod and Powertools turned into is what moves the address here.
 *
 * The deployed bundle exports `createHandler` beside `handler`, so the scenario can give it the
 * simulated account's configuration, clock and logger; but its SDK clients are its own, built
 * inside the bundle (lib/aws/failoverClients.ts) and reachable from no export. So the bundle the
 * scenario runs is built with the deployed options from an entry that is functions/alarm.ts plus
 * one re-export, `defaultFailoverClients`: the test checks that this build takes exactly the
 * deployed bundle's inputs, then serves the simulated account to those clients through their own
 * middleware stacks, as test/harness/clients.ts does for the sources. Every call is therefore
 * serialised, signed and retried by the bundle's copy of the SDK, and only answered by the account.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FailoverClients } from '../../lib/aws/failoverClients';
import type { AlarmOutcome } from '../../lib/handlers/alarm';
import type { HandlerDeps } from '../../lib/handlers/deps';
import { functionBundle } from '../../scripts/bundleOptions.mjs';
import { alarmEventBridgeEvent, alarmSnsEvent } from '../../sim/envelopes';
import { FailoverWorld } from '../harness/failoverWorld';

const ROOT = join(__dirname, '..', '..');

/** What the alarm bundle exports, plus the re-export of its own clients. */
interface AlarmBundle {
  handler: (event: unknown, context: unknown) => Promise<AlarmOutcome[]>;
  createHandler: (deps: HandlerDeps<FailoverClients>) => (event: unknown, context: unknown) => Promise<AlarmOutcome[]>;
  defaultFailoverClients: () => FailoverClients;
}

const context = { getRemainingTimeInMillis: () => 30000, awsRequestId: 'bundle-alarm', functionName: 'alarm' };
const out = mkdtempSync(join(tmpdir(), 'hfc-alarm-bundle-'));
let deployedInputs: string[];
let scenarioInputs: string[];
let deployed: AlarmBundle;
let bundle: AlarmBundle;

beforeAll(async () => {
  // The bundle runs baseDeps() when it loads (the bundled fleet.config.json, the environment
  // serverless.yml gives every function); its clients find credentials and region in the environment.
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIASIMULATED');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'simulated');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
  vi.stubEnv('ALARM_TOPIC_ARN', 'arn:aws:sns:eu-west-1:123456789012:haproxy-fleet-control-dev-alarms');
  vi.stubEnv('CONFIG_DOCUMENT_NAME', 'haproxy-fleet-control-dev-ConfigDocument');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');

  const asDeployed = functionBundle('alarm', join(out, 'alarm.cjs'));
  const deployedBuild = await build({ ...asDeployed, metafile: true });
  const { entryPoints: _entry, ...options } = asDeployed;
  const scenarioBuild = await build({
    ...options,
    stdin: {
      contents: "export * from './functions/alarm';\nexport { defaultFailoverClients } from './lib/aws/failoverClients';\n",
      resolveDir: ROOT,
      sourcefile: 'alarm-with-clients.ts',
      loader: 'ts',
    },
    outfile: join(out, 'alarm-with-clients.cjs'),
    metafile: true,
  });
  const inputs = (m: Metafile) => Object.keys(m.inputs).filter((p) => p !== 'alarm-with-clients.ts');
  deployedInputs = inputs(deployedBuild.metafile);
  scenarioInputs = inputs(scenarioBuild.metafile);

  const load = createRequire(__filename);
  deployed = load(join(out, 'alarm.cjs')) as AlarmBundle;
  bundle = load(join(out, 'alarm-with-clients.cjs')) as AlarmBundle;
}, 120_000);

afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(out, { recursive: true, force: true });
});

/** A fleet of `n` nodes with their home addresses and alarms (the sources' functions), and the bundle's alarm handler on the same account. */
async function fleetOf(n: number, opts: ConstructorParameters<typeof FailoverWorld>[0] = {}) {
  const world = new FailoverWorld({ eips: n, ...opts });
  world.account.autoScaling.takeNotifications();
  const ids = await world.launch(n);
  await world.schedule(); // alarms now exist for every node
  const homeOf = (id: string) => world.eipTable().find((r) => r.home === id)!.publicIp;

  // The bundle's own clients, answered by this account; each call they send is noted as well.
  const clients = bundle.defaultFailoverClients();
  const sent: string[] = [];
  for (const client of Object.values(clients))
    client.middlewareStack.add(
      (next: (args: unknown) => Promise<unknown>, ctx: { commandName?: string }) => (args: unknown) => {
        sent.push((ctx.commandName ?? '').replace(/Command$/, ''));
        return next(args);
      },
      { step: 'initialize', name: 'countBundleCalls', override: true },
    );
  const noClient = { middlewareStack: { add: () => undefined } }; // the alarm bundle carries no Route 53 or SSM client
  world.account.attachAll({ ...clients, route53: noClient, ssm: noClient });
  const handler = bundle.createHandler({ ...world.deps, clients });

  /** CloudWatch's pending notifications, each delivered to the bundle's handler. */
  const deliver = async (via: 'sns' | 'eventbridge' = 'sns') => {
    const sns = world.account.cloudWatch.takeNotifications();
    const changes = world.account.cloudWatch.takeStateChanges();
    const events =
      via === 'sns'
        ? sns.map((m) => alarmSnsEvent(world.account, m))
        : changes.map((c) => alarmEventBridgeEvent(world.account, c.alarm, c.newState, c.oldState));
    const outcomes: AlarmOutcome[] = [];
    for (const e of events) outcomes.push(...(await handler(e, context)));
    return outcomes;
  };
  return { world, ids, homeOf, clients, sent, handler, deliver };
}

describe('the alarm function as bundled', () => {
  it('loads as deployed, with its handler built at load and createHandler exported; the scenario bundle has exactly its inputs', () => {
    expect(typeof deployed.handler).toBe('function');
    expect(typeof deployed.createHandler).toBe('function');
    expect(scenarioInputs.sort()).toEqual(deployedInputs.sort());
    // The SDK in the bundle is its own copy, from the SDK's ES module build, not the test's.
    expect(bundle.defaultFailoverClients().ec2).not.toBeInstanceOf(EC2Client);
    expect(deployedInputs.some((p) => /@aws-sdk\/client-ec2\/dist-es\//.test(p))).toBe(true);
  });

  it("a node fails: the bundle moves its address to the healthy peer in its AZ, in the failover path's calls, all sent by the bundle's SDK", async () => {
    // Prepare: nodes alternate AZs a, b, a, b
    const { world, ids, homeOf, sent, deliver } = await fleetOf(4);
    const [failed] = ids;
    const az = world.nodes().find((m) => m.instanceId === failed)!.availabilityZone;
    const peer = world.nodes().find((m) => m.instanceId !== failed && m.availabilityZone === az)!;
    expect(world.holderOf(homeOf(failed!))).toBe(failed);

    // Act
    world.fail(failed!);
    const mark = world.account.mark();
    const [outcome] = await deliver();

    // Assess: the address really moved in the account
    expect(outcome?.status).toBe('handled');
    expect(world.holderOf(homeOf(failed!))).toBe(peer.instanceId);
    const ops = world.account.callsSince(mark).map((c) => c.op);
    expect(ops.slice(0, 4).sort()).toEqual(['DescribeAddresses', 'DescribeAlarms', 'DescribeAutoScalingGroups', 'DescribeInstances']);
    expect(ops[4]).toBe('AssociateAddress');
    expect(ops.slice(5).sort()).toEqual(['AssignPrivateIpAddresses', 'CreateTags']);
    expect(sent.sort()).toEqual(ops.sort());
    expect(world.account.callsSince(mark).filter((c) => c.service === 'route53')).toEqual([]);
  });

  it('via EventBridge too; a duplicate delivery moves nothing more', async () => {
    const { world, ids, homeOf, sent, handler } = await fleetOf(2, { via: 'eventbridge' });
    const [a, b] = ids;
    world.fail(a!);
    world.account.cloudWatch.takeNotifications();
    const [change] = world.account.cloudWatch.takeStateChanges();
    const event = alarmEventBridgeEvent(world.account, change!.alarm, change!.newState, change!.oldState);
    await handler(event, context);
    await handler(event, context);
    expect(world.holderOf(homeOf(a!))).toBe(b);
    expect(sent.filter((op) => op === 'AssociateAddress')).toHaveLength(1);
  });

  it("a malformed alarm event is rejected by the bundle's parsers before any AWS call, with the error's own name (keepNames)", async () => {
    const { world, handler, sent } = await fleetOf(1);
    world.fail(world.nodes()[0]!.instanceId);
    const [notification] = world.account.cloudWatch.takeNotifications();
    const event = alarmSnsEvent(world.account, notification!);
    event.Records[0]!.Sns.Message = '{"AlarmName": 5}';
    const mark = world.account.mark();
    const error = await handler(event, context).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'EventParseError', message: expect.stringMatching(/^Records\[0\]\.Sns\.Message\.AlarmName/) });
    expect(world.account.callsSince(mark)).toEqual([]);
    expect(sent).toEqual([]);
  });
});
