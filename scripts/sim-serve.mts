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
import { steps } from './sampleStory.mjs';
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
setInterval(() => {
  try {
    account.tick();
  } catch (err) {
    // A fault of the simulation must not stop the endpoint: say it and go on.
    console.error(`sim:serve: the account's clock tick failed: ${(err as Error).stack}`);
  }
}, 1000).unref();

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

// Only once the port is ours: a second sim:serve that fails to listen must not reset the clock of the first.
mkdirSync(dirname(clockFile), { recursive: true });
writeFileSync(clockFile, '0\n');
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
  `  export HFC_SIM_CLOCK_FILE=${clockFile} NODE_OPTIONS="\${NODE_OPTIONS:-} --require ${preload}"   # the functions follow the account's clock`,
  '',
  "Every sample event, in an order that tells one node's story (scripts/sampleStory.mts; prepare makes what an event announces true):",
  ...steps.map((step) => {
    const file = `events/${step.event}.json`;
    const advance = step.advance ? `curl -s -X POST '${url}/_sim/advance?seconds=${step.advance}' && ` : '';
    const prep = step.prepare ? `curl -s -X POST '${url}/_sim/prepare?event=${file}' && ` : '';
    return `  ${advance}${prep}npx serverless invoke local -f ${step.fn} -p ${file}`;
  }),
  '',
  `Then: npx hfc status    State: curl -s ${url}/_sim/state    Clock: curl -s -X POST '${url}/_sim/advance?seconds=60'`,
  'Requests, as they arrive:',
];
console.log(lines.join('\n'));
