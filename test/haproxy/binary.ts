/**
 * Whether the real haproxy binary is here. In CI (CI=true) it must be: .ci/run installs it. On a
 * developer machine without it, the tests that need it are skipped, loudly, with the command
 * that installs it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

export const HAVE_HAPROXY = spawnSync('haproxy', ['-v']).status === 0;
export const INSTALL_HINT = 'sudo apt-get update && sudo apt-get install -y haproxy';

/** Call at the top of a file that needs haproxy; returns true when its tests should run. */
export function needsHaproxy(file: string): boolean {
  if (HAVE_HAPROXY) return true;
  if (process.env.CI === 'true') throw new Error(`haproxy is required in CI (${file}): apt-get install -y haproxy`);
  console.warn(`\n!!! SKIPPED ${file}: the haproxy binary is not installed. Install it with: ${INSTALL_HINT}\n`);
  return false;
}

/**
 * `haproxy -c` with warnings as errors and the given local peer name, as the apply script runs it:
 * on a copy without the server-state lines (they name state the node keeps, not configuration:
 * lib/haproxy/apply-config.sh, step 3); output and exit code.
 */
export function haproxyCheck(file: string, peer: string): { ok: boolean; output: string } {
  const copy = `${file}.check`;
  writeFileSync(
    copy,
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => !/^\s*(server-state-file|load-server-state-from-file)\s/.test(l))
      .join('\n'),
  );
  const r = spawnSync('haproxy', ['-c', '-dW', '-f', copy, '-L', peer], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}
