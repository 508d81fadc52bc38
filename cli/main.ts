/**
 * The `hfc` command line (bin/hfc.cjs). Every command reads the same fleet configuration and runs
 * the same observe and plan code as the functions, in a dry run: nothing here changes AWS but
 * `hfc adopt --apply` (cli/adopt.ts).
 * Errors are one line (the stack with --debug); exit 1 on an error, 2 from `plan` when changes
 * are pending, else 0.
 */
import { describeAwsError } from '../lib/aws/errors';
import { FleetControlError } from '../lib/errors';
import { parseArgs, USAGE, UsageError } from './args';
import { type CliEnvironment, loadContext } from './context';
import { type FleetView, inspectFleet } from './inspect';
import { readCheckHealth } from './checkHealth';
import { fleetPlan, renderPlan } from './plan';
import { fleetStatus, renderStatus } from './status';
import { renderWhy, whyNode } from './why';
import { type Check, doctorChecks } from './doctorChecks';
import { doctorFacts } from './doctorFacts';
import { renderDoctor } from './doctorRender';
import { type AdoptionPlan, adoptionFacts, applyAdoption, planAdoption, renderAdoption } from './adopt';

export interface CliIo extends Partial<CliEnvironment> {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

export async function main(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const stdout = io.stdout ?? ((t: string) => void process.stdout.write(t));
  const stderr = io.stderr ?? ((t: string) => void process.stderr.write(t));
  const debug = argv.includes('--debug');
  try {
    const args = parseArgs(argv);
    if (args.command === 'help') {
      stdout(USAGE);
      return 0;
    }
    const env = io.env ?? process.env;
    // A shell that kept a local endpoint's variables must not pass the simulated fleet off as the real one.
    if (!io.clients && env.AWS_ENDPOINT_URL) stderr(`hfc: calls go to AWS_ENDPOINT_URL=${env.AWS_ENDPOINT_URL}, not to AWS itself\n`);
    const ctx = loadContext(args, {
      env,
      cwd: io.cwd ?? process.cwd(),
      ...(io.clients ? { clients: io.clients } : {}),
      ...(io.now ? { now: io.now } : {}),
    });
    const views: FleetView[] = [];
    for (const fleet of ctx.fleets) views.push(await inspectFleet(ctx, fleet, args.debug));
    // Route 53's verdict on each check, for the views that show it.
    if (args.command === 'status' || args.command === 'why')
      for (const view of views)
        view.checkHealth = await readCheckHealth(
          ctx,
          view.observed.healthChecks.map((c) => c.id),
        );
    const print = (data: unknown, text: string) => stdout(args.json ? `${JSON.stringify(data, null, 2)}\n` : text);
    switch (args.command) {
      case 'status': {
        const fleets = views.map(fleetStatus);
        print({ fleets }, renderStatus(fleets));
        return 0;
      }
      case 'plan': {
        const fleets = views.map(fleetPlan);
        const inSync = fleets.every((f) => f.inSync);
        print({ inSync, fleets }, renderPlan(fleets));
        return inSync ? 0 : 2;
      }
      case 'doctor': {
        const checks: Check[] = [];
        for (const view of views) checks.push(...doctorChecks(await doctorFacts(ctx, view)));
        const failed = checks.some((c) => c.status === 'fail');
        print({ ok: !failed, checks }, renderDoctor(checks));
        return failed ? 1 : 0;
      }
      case 'adopt': {
        const region = ctx.alarmTopicArn?.split(':')[3];
        const plans: AdoptionPlan[] = [];
        const failures: string[] = [];
        for (const view of views) {
          const facts = await adoptionFacts(ctx, view);
          const plan = planAdoption(view, facts.foreign, facts.untagged, region);
          plans.push(plan);
          if (args.apply) failures.push(...(await applyAdoption(ctx, view, plan, args.debug)));
        }
        print(
          { applied: args.apply, plans, failures },
          `${renderAdoption(plans, args.apply, ctx.fleets[0]!.dns.weightTag)}${failures.map((f) => `failed: ${f}\n`).join('')}`,
        );
        return failures.length ? 1 : 0;
      }
      case 'why': {
        const id = args.positional[0]!;
        const why = whyNode(views, id);
        if (!why)
          throw new UsageError(`${id} is in no group of ${ctx.fleets.map((f) => `fleet ${f.name}`).join(', ')} (load balancers or application servers)`);
        print(why, renderWhy(why));
        return 0;
      }
    }
  } catch (err) {
    stderr(`hfc: ${explain(err)}\n`);
    if (debug && (err as Error).stack) stderr(`${(err as Error).stack}\n`);
    return 1;
  }
}

/** One line for an error: what failed, and for the usual setup mistakes, what to do. */
export function explain(err: unknown): string {
  const chain: Error[] = [];
  for (let e = err as Error | undefined; e && chain.length < 10; e = (e as { cause?: Error }).cause) chain.push(e);
  const root = chain.at(-1)!;
  if (chain.some((e) => e.name === 'CredentialsProviderError'))
    return 'no AWS credentials: configure a profile (--profile, AWS_PROFILE) or credentials in the environment; for a local endpoint set AWS_ENDPOINT_URL and any key pair';
  if (/Region is missing/.test(root.message)) return 'no AWS region: pass --region or set AWS_REGION (or a profile with a region)';
  if (err instanceof UsageError || err instanceof FleetControlError) return (err as Error).message;
  return describeAwsError(err);
}
