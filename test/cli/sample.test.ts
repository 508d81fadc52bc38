/** The README's `hfc status` and `hfc plan` sample is what the CLI prints today (scripts/cliSample.mts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliSample } from '../../scripts/cliSample.mjs';

describe("the README's CLI sample", () => {
  it('is what the CLI prints on the sample fleet (regenerate: npx tsx scripts/cliSample.mts, then npm run figures)', async () => {
    const stored = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'measurements', 'cli.json'), 'utf8'));
    expect(await cliSample()).toEqual(stored);
  });
});
