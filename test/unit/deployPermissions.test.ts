/**
 * docs/deploy-permissions.md against what the stack really needs: every CloudFormation resource
 * type the generated stacks can hold (every deployment shape) has its handlers' permissions in
 * deploy/deployPermissions.ts, and the document's example policy grants every one of them and
 * every call osls makes, but for the actions the document lists as left out (with why).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateDeployment } from '../../deploy/cloudformation';
import { DEPLOY_PERMISSIONS, FRAMEWORK_PERMISSIONS } from '../../deploy/deployPermissions';
import { parseConfig } from '../../lib/config/load';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const APPLY_SCRIPT = read('lib/haproxy/apply-config.sh');
const DOC = read('docs/deploy-permissions.md');

/** The resource types serverless adds to every stack of serverless.yml (deployment bucket, functions and their triggers). */
const SERVERLESS_TYPES = [
  'AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'AWS::Logs::LogGroup', 'AWS::Lambda::Function', 'AWS::Lambda::EventInvokeConfig',
  'AWS::Lambda::Permission', 'AWS::Events::Rule', 'AWS::SNS::Subscription',
];

/** Every deployment shape: the repository's configuration, both lifecycle modes, Elastic IPs, the configuration push, shadow mode. */
function stackTypes(): Set<string> {
  const types = new Set(SERVERLESS_TYPES);
  const configs = [read('fleet.config.json'), read('docs/fleet.config.elastic-ip.json'), read('docs/fleet.config.haproxy.json')].map((t) => JSON.parse(t));
  for (const raw of configs) {
    for (const lifecycleEvents of ['eventbridge', 'sns']) {
      for (const mode of ['active', 'shadow'] as const) {
        const config = parseConfig({ ...raw, deployment: { ...(raw.deployment ?? {}), lifecycleEvents } });
        for (const r of Object.values(generateDeployment(config, { applyScript: APPLY_SCRIPT, mode }).resources.Resources)) types.add(r.Type);
      }
    }
  }
  return types;
}

/** The actions the document's JSON policy blocks grant (an action may end in `*`). */
function granted(): string[] {
  const blocks = [...DOC.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!));
  return blocks.flatMap((p: { Statement: { Effect: string; Action: string | string[] }[] }) => p.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat()));
}

/** The actions the document lists under "Left out of the example policy". */
function leftOut(): string[] {
  const section = DOC.slice(DOC.indexOf('### Left out of the example policy'), DOC.indexOf('### Checking a principal'));
  return [...section.matchAll(/`([a-z0-9-]+:[A-Za-z*]+)`/g)].map((m) => m[1]!);
}

/** Calls IAM never authorizes (AWS STS user guide: GetCallerIdentity needs no permission and cannot be denied). */
const NEEDS_NO_PERMISSION = ['sts:GetCallerIdentity'];

const covers = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i').test(action);

describe('the deploying principal\'s permissions', () => {
  it('every resource type a stack can hold has its handlers\' permissions listed', () => {
    const missing = [...stackTypes()].filter((t) => !(t in DEPLOY_PERMISSIONS)).sort();
    expect(missing).toEqual([]);
  });

  it('the example policy grants every action of create, update, delete and read, and every osls call, but those it lists as left out', () => {
    const policy = granted();
    const out = leftOut();
    expect(policy.length).toBeGreaterThan(50);
    const needed = new Set([
      ...[...stackTypes()].flatMap((t) => { const p = DEPLOY_PERMISSIONS[t]!; return [...p.create, ...p.update, ...p.delete, ...p.read]; }),
      ...FRAMEWORK_PERMISSIONS.flatMap((f) => f.actions),
    ]);
    const uncovered = [...needed].filter((a) => !NEEDS_NO_PERMISSION.includes(a) && !policy.some((p) => covers(p, a)) && !out.some((o) => covers(o, a))).sort();
    expect(uncovered).toEqual([]);
  });

  it('every action is written service:Action', () => {
    const all = [...Object.values(DEPLOY_PERMISSIONS).flatMap((p) => [...p.create, ...p.update, ...p.delete, ...p.read]), ...FRAMEWORK_PERMISSIONS.flatMap((f) => f.actions)];
    expect(all.filter((a) => !/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a))).toEqual([]);
  });
});
