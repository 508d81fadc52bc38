/**
 * Serverless reads `${source:address}` anywhere in the resources it is given as a variable to
 * resolve: a shell `${var:-default}` in the scripts the SSM documents embed made every
 * configuration with `haproxy` fail `serverless package` ("Unrecognized configuration variable
 * sources"). The generated stack must hold none (CloudFormation's own `${AWS::...}` aside).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDeployment } from '../../deploy/cloudformation';
import { parseConfigText } from '../../lib/config/load';

const ROOT = join(__dirname, '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

describe('no serverless variable syntax in the generated stack', () => {
  it.each(['fleet.config.json', 'docs/fleet.config.haproxy.json', 'docs/fleet.config.elastic-ip.json', 'docs/fleet.config.private.json'])('%s', (file) => {
    const pieces = generateDeployment(parseConfigText(read(file), file), {
      applyScript: read('lib/haproxy/apply-config.sh'),
      measureScript: read('lib/haproxy/measure.sh'),
    });
    const text = JSON.stringify(pieces);
    const found = [...text.matchAll(/\$\{(?!AWS::)[A-Za-z_][\w-]*:[^}]*\}/g)].map((m) => m[0]);
    expect(found).toEqual([]);
  });
});
