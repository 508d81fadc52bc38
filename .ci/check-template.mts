/**
 * Checks a packaged CloudFormation template (`serverless package` output) for what only the
 * full template shows: every DependsOn names a resource of it, every resource type has its
 * deploy permissions listed (deploy/deployPermissions.ts, docs/deploy-permissions.md), and,
 * with --shadow, every hook CONTINUEs and every function runs HFC_MODE=shadow; with --sns, the
 * hooks wait for the function's subscription. Exits non-zero naming each problem.
 *
 *   npx tsx .ci/check-template.mts .serverless/cloudformation-template-update-stack.json [--shadow] [--sns]
 */
import { readFileSync } from 'node:fs';
import { DEPLOY_PERMISSIONS } from '../deploy/deployPermissions';

const [file, ...flags] = process.argv.slice(2);
const t = JSON.parse(readFileSync(file!, 'utf8')) as { Resources: Record<string, { Type: string; DependsOn?: string | string[]; Properties?: any }> };
const resources = Object.entries(t.Resources);
const ids = new Set(Object.keys(t.Resources));
const problems: string[] = [];
const dependsOn = (r: { DependsOn?: string | string[] }) => ([] as string[]).concat(r.DependsOn ?? []);

for (const [id, r] of resources) {
  for (const d of dependsOn(r)) if (!ids.has(d)) problems.push(`${id} depends on ${d}, which the template does not have`);
  if (!(r.Type in DEPLOY_PERMISSIONS)) problems.push(`${id}: ${r.Type} has no deploy permissions in deploy/deployPermissions.ts`);
}
const hooks = resources.filter(([, r]) => r.Type === 'AWS::AutoScaling::LifecycleHook');
if (hooks.length === 0) problems.push('no lifecycle hook');
if (flags.includes('--shadow')) {
  for (const [id, r] of hooks)
    if (r.Properties.DefaultResult !== 'CONTINUE') problems.push(`${id}: DefaultResult ${r.Properties.DefaultResult} in shadow mode`);
  for (const [id, r] of resources)
    if (r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.HFC_MODE !== 'shadow') problems.push(`${id}: not HFC_MODE=shadow`);
}
if (flags.includes('--sns')) {
  if (!ids.has('LifecycleTopic')) problems.push('sns mode without LifecycleTopic');
  for (const [id, r] of hooks)
    if (!dependsOn(r).includes('LifecycleSnsSubscriptionLifecycle')) problems.push(`${id} does not wait for the function's subscription`);
}
if (problems.length) {
  console.error(`FAIL: ${file}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`template OK (${[...flags].join(' ') || 'active'}): ${resources.length} resources, ${hooks.length} hooks, every type's deploy permissions listed`);
