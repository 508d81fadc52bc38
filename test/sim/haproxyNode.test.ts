/** The simulated HAProxy node decides as lib/haproxy/apply-config.sh does, and answers as lib/haproxy/measure.sh does. */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseLocalPeerReport } from '../../lib/haproxy/localPeer';
import { parseMeasureOutput } from '../../lib/haproxy/measureOutput';
import { SimHaproxyNode } from '../../sim/haproxyNode';

const S1 = 'i-0111111111111111a';
const S2 = 'i-0222222222222222b';
let version = 0;
const push = (node: SimHaproxyNode, text: string) =>
  node.apply({
    payload: [gzipSync(text).toString('base64')],
    digest: [createHash('sha256').update(text).digest('hex')],
    version: [String(++version)],
  });
const file = (balance: string, servers: string[], extra = '') =>
  ['global', '    maxconn 100', extra, 'backend app', `    balance ${balance}`, ...servers.map((s) => `    server ${s}`), ''].join('\n');

describe('SimHaproxyNode', () => {
  it('server-only changes at run time, anything else by reload; a removed server with sessions has them cut', () => {
    const node = new SimHaproxyNode();
    push(node, file('roundrobin', [`${S1} 10.0.0.1:80`]));
    expect(node.reloads).toBe(1);
    expect(push(node, file('roundrobin', [`${S1} 10.0.0.1:80`, `${S2} 10.0.0.2:80 weight 0`])).stdout).toContain('at run time');
    node.setSessions(S2, 2);
    expect(push(node, file('roundrobin', [`${S1} 10.0.0.1:80`])).stdout).toContain('at run time');
    expect(node.cut.get(`app/${S2}`)).toBe(2);
    expect(push(node, file('roundrobin', [`${S1} 10.0.0.1:80`], '    nbthread 2')).stdout).not.toContain('at run time');
    expect([node.reloads, node.runtimeApplies]).toEqual([2, 2]);
  });

  it('a server added to a static-rr (or map-hashed source) backend reloads, as the script falls back; removing one there is a runtime change', () => {
    for (const balance of ['static-rr', 'source']) {
      const node = new SimHaproxyNode();
      push(node, file(balance, [`${S1} 10.0.0.1:80`]));
      expect(push(node, file(balance, [`${S1} 10.0.0.1:80`, `${S2} 10.0.0.2:80`])).stdout).not.toContain('at run time');
      expect(push(node, file(balance, [`${S2} 10.0.0.2:80`])).stdout).toContain('at run time');
    }
  });

  it("ends every successful push with the apply script's local peer report, from how its HAProxy was started; a refused push has none", () => {
    const node = new SimHaproxyNode(S1, 'ip-10-0-0-9');
    const text = file('roundrobin', [`${S2} 10.0.0.2:80`]);
    const report = (stdout = '') => parseLocalPeerReport(stdout);
    // -L <its instance id> by default
    expect(report(push(node, text).stdout)).toEqual({ verdict: 'ok', running: S1, source: '-L' });
    // Another -L; without -L (the host name); the same file again (already applied) reports too
    node.localPeer = 'lb-1';
    expect(report(push(node, text).stdout)).toEqual({ verdict: 'mismatch', running: 'lb-1', expected: S1, source: '-L' });
    node.localPeer = null;
    const again = push(node, text).stdout!;
    expect(again).toMatch(
      /^already applied version \d+ digest [0-9a-f]{64}\nhfc-local-peer: mismatch running=ip-10-0-0-9 expected=i-0111111111111111a source=hostname\n$/,
    );
    // An apply script from before the report; a refused push
    node.reportsLocalPeer = false;
    expect(report(push(node, file('roundrobin', [`${S1} 10.0.0.1:80`])).stdout)).toBeUndefined();
    node.reportsLocalPeer = true;
    node.refusing = 'haproxy -c failed';
    expect(push(node, file('roundrobin', [])).stdout).toBeUndefined();
  });

  it('measures in the format the control plane reads: sessions and highest weight per server asked about', () => {
    const node = new SimHaproxyNode();
    push(node, `${file('roundrobin', [`${S1} 10.0.0.1:80 weight 0`])}backend api\n    balance roundrobin\n    server ${S1} 10.0.0.1:81 weight 0\n`);
    node.setSessions(S1, 3);
    node.connections = 7;
    const out = node.measure({ servers: [`${S1},${S2}`] });
    expect(parseMeasureOutput(out.stdout!)).toEqual({ connections: 7, servers: { [S1]: { sessions: 6, weights: [0] } } });
  });
});
