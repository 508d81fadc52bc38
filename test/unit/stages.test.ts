/**
 * Per-stage configuration: fleet.config.<stage>.json when it exists, else fleet.config.json, for
 * the stack, the bundle and the CLI alike; and `serverless package` refuses a stage that would
 * put a second control plane on groups another stage's file manages.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../lib/config/load';
import { configFileFor, stageProblems } from '../../lib/config/stageFile';

const fleet = (group: string, extra: Record<string, unknown> = {}) => ({
  name: 'edge',
  autoScalingGroupName: group,
  dns: { hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com' },
  healthCheck: { protocol: 'HTTP', port: 8404 },
  ...extra,
});
/** A directory holding these configuration files (name -> raw config). */
function dir(files: Record<string, unknown>): string {
  const d = mkdtempSync(join(tmpdir(), 'hfc-stages-'));
  for (const [name, raw] of Object.entries(files)) writeFileSync(join(d, name), JSON.stringify(raw));
  return d;
}
const problems = (d: string, stage: string) => {
  const file = configFileFor(d, stage);
  return stageProblems(file, parseConfig(JSON.parse(readFileSync(file, 'utf8'))), stage, d);
};

describe('which file a stage uses', () => {
  it('fleet.config.<stage>.json when it exists, else fleet.config.json; a stage name that is not one is refused', () => {
    const d = dir({ 'fleet.config.json': { fleets: [fleet('dev-g')] }, 'fleet.config.prod.json': { fleets: [fleet('prod-g')] } });
    expect(configFileFor(d, 'prod')).toBe(join(d, 'fleet.config.prod.json'));
    expect(configFileFor(d, 'staging')).toBe(join(d, 'fleet.config.json'));
    expect(configFileFor(d)).toBe(join(d, 'fleet.config.json'));
    expect(() => configFileFor(d, '../x')).toThrow(/not a valid stage name/);
  });
});

describe('serverless package refuses a second control plane on the same groups', () => {
  it("fleet.config.json is stage dev's unless deployment.stage says otherwise; another stage is refused, naming the file to create", () => {
    const d = dir({ 'fleet.config.json': { fleets: [fleet('g')] } });
    expect(problems(d, 'dev')).toEqual([]);
    expect(problems(d, 'prod')).toEqual([
      'stage "prod" would deploy fleet.config.json, which is stage "dev"\'s (deployment.stage, default "dev"): create fleet.config.prod.json for this stage, or set deployment.stage to "prod" if this file is its own',
    ]);
    const named = dir({ 'fleet.config.json': { fleets: [fleet('g')], deployment: { stage: 'prod' } } });
    expect(problems(named, 'prod')).toEqual([]);
    expect(problems(named, 'dev')[0]).toContain('which is stage "prod"\'s (deployment.stage)');
  });

  it('a stage file whose deployment.stage names another stage is refused', () => {
    const d = dir({ 'fleet.config.prod.json': { fleets: [fleet('g')], deployment: { stage: 'staging' } } });
    expect(problems(d, 'prod')).toEqual(['fleet.config.prod.json says deployment.stage "staging", but it is being deployed as stage "prod"']);
  });

  it('two stage files that manage one group (load balancers or an application group) are refused, both ways', () => {
    const backends = (group: string) => ({
      haproxy: { backends: [{ name: 'app', mode: 'tcp', servers: { autoScalingGroup: group }, port: 8080 }], listeners: [{ port: 80, backend: 'app' }] },
    });
    const d = dir({
      'fleet.config.json': { fleets: [fleet('dev-g', backends('shared-app'))] },
      'fleet.config.prod.json': { fleets: [fleet('prod-g', backends('shared-app'))] },
      'fleet.config.staging.json': { fleets: [fleet('staging-g')] },
    });
    expect(problems(d, 'dev')).toEqual([
      'fleet.config.json and fleet.config.prod.json both manage Auto Scaling group shared-app: two stages would put two control planes on it (each stage\'s file must name its own groups; stages in different accounts or regions may share a name: --param="sharedGroups=allow")',
    ]);
    expect(problems(d, 'prod')[0]).toContain('fleet.config.prod.json and fleet.config.json both manage Auto Scaling group shared-app');
    expect(problems(d, 'staging')).toEqual([]);
  });

  it("serverless-vars.cjs refuses the repository's fleet.config.json for stage prod when packaging or deploying, and only warns for info, logs, remove", async () => {
    const vars = createRequire(import.meta.url)('../../deploy/serverless-vars.cjs') as { resources: (p: unknown) => Promise<unknown>; reset: () => void };
    const argv = process.argv;
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    (globalThis as { __hfcWarnings?: Set<string> }).__hfcWarnings?.clear(); // printed once per process
    try {
      for (const command of ['package', 'deploy']) {
        vars.reset();
        process.argv = [argv[0]!, 'serverless', command, '--stage', 'prod'];
        await expect(vars.resources({ options: { stage: 'prod' } })).rejects.toThrow(
          /stage "prod" would deploy fleet.config.json[\s\S]*nothing was packaged or deployed/,
        );
      }
      for (const command of ['info', 'remove', 'logs']) {
        vars.reset();
        process.argv = [argv[0]!, 'serverless', command, '--stage', 'prod'];
        await expect(vars.resources({ options: { stage: 'prod' } })).resolves.toBeDefined();
      }
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toContain('warning: stage "prod" would deploy fleet.config.json');
    } finally {
      process.argv = argv;
      stderr.mockRestore();
      vars.reset();
    }
  });

  it('stages in different accounts may share a group name, when told so (sharedGroups)', () => {
    const d = dir({ 'fleet.config.json': { fleets: [fleet('g')] }, 'fleet.config.prod.json': { fleets: [fleet('g')] } });
    const file = configFileFor(d, 'prod');
    const config = parseConfig(JSON.parse(readFileSync(file, 'utf8')));
    expect(stageProblems(file, config, 'prod', d)[0]).toContain('--param="sharedGroups=allow"');
    expect(stageProblems(file, config, 'prod', d, { sharedGroups: true })).toEqual([]);
  });
});

describe("the bundle's configuration (deploy/esbuild-plugins.cjs)", () => {
  it("swaps the repository's fleet.config.json import for the stage's file, and no other file of that name", async () => {
    // Prepare: an entry importing the repository's file, and one importing an unrelated file of the same name
    const { stageConfig } = createRequire(import.meta.url)('../../deploy/esbuild-plugins.cjs') as { stageConfig: (file: string) => import('esbuild').Plugin };
    const d = dir({ 'fleet.config.prod.json': { marker: 'prod-file' }, 'fleet.config.json': { marker: 'unrelated-file' } });
    const repoFile = join(__dirname, '..', '..', 'fleet.config.json');
    writeFileSync(join(d, 'entry.js'), `import a from ${JSON.stringify(repoFile)}; import b from './fleet.config.json'; console.log(a, b);`);

    // Act
    const out = await build({
      entryPoints: [join(d, 'entry.js')],
      bundle: true,
      write: false,
      plugins: [stageConfig(join(d, 'fleet.config.prod.json'))],
      format: 'cjs',
    });
    const text = out.outputFiles[0]!.text;

    // Assess
    expect(text).toContain('prod-file');
    expect(text).toContain('unrelated-file');
    expect(text).not.toContain('edge-haproxy');
  });
});
