/** Runs the `hfc` CLI (cli/main.ts) on a world's simulated account, its configuration written where the CLI reads it. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main';
import type { FleetWorld } from './fleetWorld';

export async function runCli(world: FleetWorld, argv: readonly string[]) {
  const cwd = mkdtempSync(join(tmpdir(), 'hfc-cli-'));
  writeFileSync(join(cwd, 'fleet.config.json'), JSON.stringify(world.rawConfig));
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    cwd,
    env: {},
    clients: world.deps.clients,
    now: () => world.account.now(),
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}
