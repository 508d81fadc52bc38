/**
 * `npm run sim:serve`: the simulated AWS account as a local AWS endpoint on 127.0.0.1, seeded as
 * the stage's configuration and the sample events in events/ expect (scripts/simSeed.mts), for
 * `serverless invoke local` and `hfc` against it. Its state lives while it runs; its clock follows
 * the wall clock (lifecycle heartbeats expire in real time) and moves on with the control
 * endpoint (scripts/simControl.mts).
 *
 *   npm run sim:serve [-- --port 4599] [--stage dev] [--config file] [--events dir] [--quiet]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseConfig } from '../lib/config/load';
import { configFileFor } from '../lib/config/stageFile';
import { SimAccount } from '../sim/account';
import { serveAccount } from '../sim/wire/server';
import { controlHandler } from './simControl.mjs';
import { readSamples, seedAccount } from './simSeed.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4599' },
    stage: { type: 'string' },
    config: { type: 'string' },
    events: { type: 'string', default: 'events' },
    quiet: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`sim:serve: ${message}`);
  process.exit(1);
}

const configPath = resolve(values.config ?? configFileFor(process.cwd(), values.stage));
let config: ReturnType<typeof parseConfig>;
try {
  config = parseConfig(JSON.parse(readFileSync(configPath, 'utf8')));
} catch (err) {
  fail(`cannot use ${configPath}: ${(err as Error).message}`);
}
const eventsDir = resolve(values.events);
const samples = readSamples(eventsDir);

// The account's clock is the wall clock plus what the control endpoint has moved it on. The
// offset is kept in a file that scripts/sim-clock.cjs, preloaded into `serverless invoke local`,
// reads, so the functions see the account's time.
let offsetMs = 0;
const clockFile = resolve('.sim', `clock-${values.port}`);
mkdirSync(dirname(clockFile), { recursive: true });
writeFileSync(clockFile, '0\n');
const preload = join(dirname(fileURLToPath(import.meta.url)), 'sim-clock.cjs');
const account = new SimAccount({ clock: () => Date.now() + offsetMs, region: process.env.AWS_REGION ?? 'eu-west-1' });
const seeded = seedAccount(account, config, samples, values.stage ? { stage: values.stage } : {});
const clock = {
  advance(seconds: number) {
    offsetMs += seconds * 1000;
    writeFileSync(clockFile, `${offsetMs}\n`);
    account.tick();
  },
};
setInterval(() => account.tick(), 1000).unref();

let served: Awaited<ReturnType<typeof serveAccount>>;
try {
  served = await serveAccount(account, {
    port: Number(values.port),
    control: controlHandler(account, seeded, clock, () => served.dispatcher, eventsDir),
    ...(values.quiet ? {} : { log: (line: string) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${line}`) }),
  });
} catch (err) {
  fail((err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `port ${values.port} is in use (another sim:serve?): pass --port` : (err as Error).message);
}

const url = served.url;
const lines = [
  `Simulated AWS account (${account.accountId}, ${account.region}) serving on ${url}`,
  `  configuration: ${configPath}`,
  ...seeded.fleets.map(
    (f) =>
      `  fleet ${f.name}: group ${f.group} (in service: ${f.nodes.join(', ')}${seeded.sampleInstances[f.group] ? `; launching: ${seeded.sampleInstances[f.group]}` : ''}), zone ${f.zoneId} ${f.recordName}${f.pool.length ? `, ${f.pool.length} Elastic IPs in its pool` : ''}`,
  ),
  `  stack ${seeded.stackName} (serverless invoke local resolves the functions' Refs from it)`,
  ...seeded.notes.map((n) => `  note: ${n}`),
  '',
  'In another shell:',
  `  export AWS_ENDPOINT_URL=${url} AWS_ACCESS_KEY_ID=sim AWS_SECRET_ACCESS_KEY=sim AWS_REGION=${account.region}`,
  `  export HFC_SIM_CLOCK_FILE=${clockFile} NODE_OPTIONS="--require ${preload}"   # the functions follow the account's clock`,
  '',
  'Sample events that fit it, in an order that tells the story (prepare makes what an event announces true):',
  ...[
    'sns-test-notification',
    'sns-lifecycle-launching',
    'eventbridge-lifecycle-launching',
    'scheduled',
    'alarm-sns-alarm',
    'alarm-eventbridge-ok',
    'alarm-lambda-action-alarm',
    'ec2-rebalance-recommendation',
    'ec2-spot-interruption-warning',
    'ec2-state-change-stopping',
    'sns-lifecycle-terminating',
    'eventbridge-lifecycle-terminating',
    'ec2-state-change-shutting-down',
  ]
    .map((name) => samples.find((s) => s.file.endsWith(`/${name}.json`)))
    .filter((s) => s !== undefined)
    .map((s) => {
      const file = `events/${s.file.split('/').pop()}`;
      const prep = ['alarm', 'terminating', 'ec2'].includes(s.kind) ? `curl -s -X POST '${url}/_sim/prepare?event=${file}' && ` : '';
      return `  ${prep}npx serverless invoke local -f ${s.fn} -p ${file}`;
    }),
  '',
  `Then: npx hfc status    State: curl -s ${url}/_sim/state    Clock: curl -s -X POST '${url}/_sim/advance?seconds=60'`,
  'Requests, as they arrive:',
];
console.log(lines.join('\n'));
