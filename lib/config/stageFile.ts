/**
 * Which configuration file a stage uses: `fleet.config.<stage>.json` when it exists, else
 * `fleet.config.json`. The same rule serves `serverless package` (what is bundled and what the
 * stack is generated from) and the CLI, so both read what the stage runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** A stage name as serverless accepts it (letters, digits, hyphens). */
const STAGE = /^[a-zA-Z0-9-]{1,64}$/;

export function configFileFor(dir: string, stage?: string, exists: (path: string) => boolean = existsSync): string {
  if (stage !== undefined) {
    if (!STAGE.test(stage)) throw new Error(`stage "${stage}" is not a valid stage name (letters, digits and hyphens)`);
    const staged = join(dir, `fleet.config.${stage}.json`);
    if (exists(staged)) return staged;
  }
  return join(dir, 'fleet.config.json');
}
