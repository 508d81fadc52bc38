/**
 * Which configuration file a stage uses, and the check that two stages never manage the same
 * groups by accident.
 *
 *   file                       used by                        its stage
 *   -------------------------  -----------------------------  -------------------------------------
 *   fleet.config.<stage>.json  that stage, when it exists     <stage> (deployment.stage, if set, must match)
 *   fleet.config.json          every other stage              deployment.stage, default "dev": any
 *                                                               other stage is refused
 *
 * Two stacks on one group would both complete its lifecycle actions and both write its records:
 * `serverless package` refuses a stage whose file is another stage's, and a group that another
 * fleet.config file in the same directory also manages. The CLI reads by the same rule.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { appGroupsOf, type Config } from './schema';

/** A stage name as serverless accepts it (letters, digits, hyphens). */
const STAGE = /^[a-zA-Z0-9-]{1,64}$/;
const DEFAULT_STAGE = 'dev';

export function configFileFor(dir: string, stage?: string, exists: (path: string) => boolean = existsSync): string {
  if (stage !== undefined) {
    if (!STAGE.test(stage)) throw new Error(`stage "${stage}" is not a valid stage name (letters, digits and hyphens)`);
    const staged = join(dir, `fleet.config.${stage}.json`);
    if (exists(staged)) return staged;
  }
  return join(dir, 'fleet.config.json');
}

/** The groups a raw configuration's fleets manage: load balancers' and applications' (read loosely: any file). */
function groupsOf(raw: unknown): string[] {
  const fleets = (raw as { fleets?: unknown })?.fleets;
  if (!Array.isArray(fleets)) return [];
  return fleets.flatMap((f: { autoScalingGroupName?: unknown; haproxy?: { backends?: { servers?: { autoScalingGroup?: unknown } }[] } }) => [
    ...(typeof f?.autoScalingGroupName === 'string' ? [f.autoScalingGroupName] : []),
    ...(Array.isArray(f?.haproxy?.backends)
      ? f.haproxy.backends.map((b) => b?.servers?.autoScalingGroup).filter((g): g is string => typeof g === 'string')
      : []),
  ]);
}

/**
 * Problems that make packaging `file` as `stage` unsafe (empty when none): the file belongs to
 * another stage, or another fleet.config file next to it manages one of its groups.
 */
export function stageProblems(file: string, config: Config, stage: string, dir: string, opts: { sharedGroups?: boolean } = {}): string[] {
  const problems: string[] = [];
  const name = basename(file);
  const own = name === 'fleet.config.json' ? (config.deployment.stage ?? DEFAULT_STAGE) : (config.deployment.stage ?? stage);
  if (own !== stage)
    problems.push(
      name === 'fleet.config.json'
        ? `stage "${stage}" would deploy fleet.config.json, which is stage "${own}"'s (deployment.stage${config.deployment.stage ? '' : ', default "dev"'}): create fleet.config.${stage}.json for this stage, or set deployment.stage to "${stage}" if this file is its own`
        : `${name} says deployment.stage "${own}", but it is being deployed as stage "${stage}"`,
    );
  const mine = new Set(config.fleets.flatMap((f) => [f.autoScalingGroupName, ...appGroupsOf(f)]));
  for (const other of readdirSync(dir)
    .filter((f) => /^fleet\.config(\.[a-zA-Z0-9-]+)?\.json$/.test(f) && f !== name)
    .sort()) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, other), 'utf8'));
    } catch {
      continue; // not ours to judge here: that file's own stage reports it
    }
    const shared = groupsOf(raw).filter((g) => mine.has(g));
    if (shared.length && !opts.sharedGroups)
      problems.push(
        `${name} and ${other} both manage Auto Scaling group ${[...new Set(shared)].join(', ')}: two stages would put two control planes on it (each stage's file must name its own groups; stages in different accounts or regions may share a name: --param="sharedGroups=allow")`,
      );
  }
  return problems;
}
