/**
 * What each function's deployed bundle carries (built with serverless.yml's own esbuild
 * settings): the alarm function is the failover path, so its cold start must not pay for the
 * Route 53 and SSM clients it never calls. Each function's floor (scripts/floor/, what
 * `npm run bench:bundle` holds its module load to) carries exactly the function's SDK clients.
 */
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { floorBundle, functionBundle } from '../../scripts/bundleOptions.mjs';

async function inputsOf(fn: string, options: (fn: string) => BuildOptions = functionBundle): Promise<string[]> {
  const r = await build({ ...options(fn), write: false, outfile: `${fn}.cjs`, metafile: true, minify: false, sourcemap: false });
  return Object.keys((r.metafile as Metafile).inputs);
}
const clientOf = (inputs: string[], client: string) => inputs.some((p) => p.includes(`@aws-sdk/client-${client}/`));
const clientsOf = (inputs: string[]) => [...new Set(inputs.flatMap((p) => /@aws-sdk\/client-([a-z0-9-]+)\//.exec(p)?.[1] ?? []))].sort();

describe('bundles', () => {
  it('the alarm function carries the clients of the failover path, and no Route 53 or SSM client', async () => {
    const inputs = await inputsOf('alarm');
    for (const c of ['ec2', 'cloudwatch', 'auto-scaling']) expect(clientOf(inputs, c), c).toBe(true);
    for (const c of ['route-53', 'ssm']) expect(clientOf(inputs, c), c).toBe(false);
  }, 60_000);

  it("the alarm function carries no Powertools Metrics (its cold start is the failover's: lib/metrics/emfLines.ts); the others do", async () => {
    const metrics = (inputs: string[]) => inputs.some((p) => p.includes('@aws-lambda-powertools/metrics/'));
    expect(metrics(await inputsOf('alarm'))).toBe(false);
    expect(metrics(await inputsOf('reconcile'))).toBe(true);
  }, 60_000);

  it("zod's messages in English only: no other locale in any bundle (deploy/esbuild-plugins.cjs)", async () => {
    for (const fn of ['alarm', 'reconcile']) {
      const locales = (await inputsOf(fn)).filter((p) => p.includes('zod/v4/locales/')).map((p) => p.split('/').pop());
      expect(locales.sort(), fn).toEqual(['en.js', 'index.js']);
    }
  }, 60_000);

  it('the lifecycle function carries every client it calls (the check above can see a client)', async () => {
    const inputs = await inputsOf('lifecycle');
    for (const c of ['route-53', 'ssm', 'auto-scaling', 'ec2']) expect(clientOf(inputs, c), c).toBe(true);
  }, 60_000);

  it("the alarm function's bundle is built from the SDK's ES module build, which esbuild can tree-shake (mainFields module first), not its CommonJS one", async () => {
    const sdk = (await inputsOf('alarm')).filter((p) => /node_modules\/@(aws-sdk|smithy)\//.test(p));
    expect(sdk.filter((p) => p.includes('/dist-es/')).length).toBeGreaterThan(100);
    expect(sdk.filter((p) => p.includes('/dist-cjs/'))).toEqual([]);
  }, 60_000);

  for (const fn of ['lifecycle', 'reconcile', 'alarm'])
    it(`the ${fn} function's floor (scripts/floor/${fn}.ts) carries exactly the function's SDK clients`, async () => {
      const [fun, floor] = await Promise.all([inputsOf(fn), inputsOf(fn, floorBundle)]);
      expect(clientsOf(floor)).toEqual(clientsOf(fun));
      expect(clientsOf(fun).length).toBeGreaterThan(0);
      // Only the SDK (and the clients' shared settings): nothing of the function's own.
      expect(floor.filter((p) => !p.includes('node_modules/') && !p.startsWith('scripts/floor/'))).toEqual(['lib/aws/clientDefaults.ts']);
    }, 60_000);
});
