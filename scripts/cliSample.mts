/**
 * The README's sample of `hfc status` and `hfc plan`: the real CLI, run on a simulated fleet in a
 * state worth showing (three nodes with Elastic IPs, one of them failed over, one launching).
 * `npx tsx scripts/cliSample.mts` writes docs/measurements/cli.json, which `npm run figures`
 * renders into the README; test/cli/sample.test.ts runs it again and fails when the CLI's output
 * no longer matches what the README shows.
 */
import { writeFileSync } from 'node:fs';
import { runCli } from '../test/harness/cli';
import { ALARM_TOPIC, FailoverWorld } from '../test/harness/failoverWorld';
import { GROUP } from '../test/harness/fleetWorld';

export interface CliSample {
  status: string;
  plan: string;
  planExit: number;
}

export async function cliSample(): Promise<CliSample> {
  const world = new FailoverWorld({ eips: 3 });
  world.account.autoScaling.takeNotifications();
  const ids = await world.launch(3);
  await world.schedule();
  for (const id of ids) world.recover(id);
  await world.deliverAlarms();
  world.fail(ids[0]!);
  await world.deliverAlarms();
  world.account.autoScaling.scaleOut(GROUP, 1);
  world.account.autoScaling.takeNotifications();
  const run = async (...argv: string[]) => {
    const r = await runCli(world, [...argv, '--alarm-topic-arn', ALARM_TOPIC]);
    return { out: r.stdout.trimEnd(), code: r.code };
  };
  const status = await run('status');
  const plan = await run('plan');
  return { status: status.out, plan: plan.out, planExit: plan.code };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sample = await cliSample();
  writeFileSync('docs/measurements/cli.json', `${JSON.stringify(sample, null, 2)}\n`);
  console.log('wrote docs/measurements/cli.json; now npm run figures');
}
