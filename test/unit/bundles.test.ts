/**
 * What each function's deployed bundle carries (built with serverless.yml's own esbuild
 * settings): the alarm function is the failover path, so its cold start must not pay for the
 * Route 53 and SSM clients it never calls.
 */
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { functionBundle } from '../../scripts/bundleOptions.mjs';

async function inputsOf(fn: string): Promise<string[]> {
  const r = await build({ ...functionBundle(fn), write: false, outfile: `${fn}.cjs`, metafile: true, minify: false, sourcemap: false });
  return Object.keys((r.metafile as Metafile).inputs);
}
const clientOf = (inputs: string[], client: string) => inputs.some((p) => p.includes(`@aws-sdk/client-${client}/`));

describe('bundles', () => {
  it('the alarm function carries the clients of the failover path, and no Route 53 or SSM client', async () => {
    const inputs = await inputsOf('alarm');
    for (const c of ['ec2', 'cloudwatch', 'auto-scaling']) expect(clientOf(inputs, c), c).toBe(true);
    for (const c of ['route-53', 'ssm']) expect(clientOf(inputs, c), c).toBe(false);
  }, 60_000);

  it('the lifecycle function carries every client it calls (the check above can see a client)', async () => {
    const inputs = await inputsOf('lifecycle');
    for (const c of ['route-53', 'ssm', 'auto-scaling', 'ec2']) expect(clientOf(inputs, c), c).toBe(true);
  }, 60_000);
});
