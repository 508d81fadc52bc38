/** Reading the apply script's `hfc-local-peer:` report (lib/haproxy/localPeer.ts). */
import { describe, expect, it } from 'vitest';
import { conclusive, parseLocalPeerReport } from '../../lib/haproxy/localPeer';

const ID = 'i-0123456789abcdef0';
const applied = `applied version 5 digest ${'a'.repeat(64)}`;

describe('parseLocalPeerReport', () => {
  it.each([
    [`hfc-local-peer: ok running=${ID} source=-L`, { verdict: 'ok', running: ID, source: '-L' }],
    [`hfc-local-peer: ok running=${ID} source=localpeer`, { verdict: 'ok', running: ID, source: 'localpeer' }],
    [
      `hfc-local-peer: mismatch running=ip-10-0-1-7 expected=${ID} source=hostname`,
      { verdict: 'mismatch', running: 'ip-10-0-1-7', expected: ID, source: 'hostname' },
    ],
    // A name with characters the script does not print as they are (`?`), and the `?` of an empty one.
    [`hfc-local-peer: mismatch running=lb?1 expected=${ID} source=-L`, { verdict: 'mismatch', running: 'lb?1', expected: ID, source: '-L' }],
    [`hfc-local-peer: mismatch running=? expected=${ID} source=-L`, { verdict: 'mismatch', running: '?', expected: ID, source: '-L' }],
    [
      'hfc-local-peer: unknown no HAProxy master process (pid file /run/haproxy.pid)',
      { verdict: 'unknown', reason: 'no HAProxy master process (pid file /run/haproxy.pid)' },
    ],
  ])('%s', (line, report) => {
    expect(parseLocalPeerReport(`${applied}\n${line}\n`)).toEqual(report);
  });

  it("is found in SSM's plugin Output (stdout, then the stderr marker and stderr), with CRLF line ends too", () => {
    const output = `${applied}\r\nhfc-local-peer: ok running=${ID} source=-L\r\n\n----------ERROR-------\napply-config: reloading: more than servers changed\n`;
    expect(parseLocalPeerReport(output)).toEqual({ verdict: 'ok', running: ID, source: '-L' });
  });

  it('none: an apply script from before the report, or output without it', () => {
    expect(parseLocalPeerReport(`${applied}\n`)).toBeUndefined();
    expect(parseLocalPeerReport('')).toBeUndefined();
    // Only a line that starts with the prefix counts.
    expect(parseLocalPeerReport(`apply-config: hfc-local-peer: ok running=${ID} source=-L\n`)).toBeUndefined();
  });

  it('the last report counts', () => {
    expect(parseLocalPeerReport(`hfc-local-peer: ok running=${ID} source=-L\nhfc-local-peer: unknown later\n`)).toEqual({
      verdict: 'unknown',
      reason: 'later',
    });
  });

  it.each([
    'hfc-local-peer: ok',
    `hfc-local-peer: ok running=${ID}`,
    `hfc-local-peer: ok running=${ID} source=cmdline`,
    `hfc-local-peer: ok running=${ID} source=-L expected=${ID}`,
    `hfc-local-peer: ok running=${ID} running=${ID} source=-L`,
    `hfc-local-peer: ok running= source=-L`,
    `hfc-local-peer: ok running=a$b source=-L`,
    `hfc-local-peer: ok running=${'a'.repeat(65)} source=-L`,
    `hfc-local-peer: mismatch running=${ID} source=-L`,
    `hfc-local-peer: mismatch running=x expected= source=-L`,
    `hfc-local-peer: fine running=${ID} source=-L`,
    'hfc-local-peer: unknown',
    'hfc-local-peer: unknown   ',
    `hfc-local-peer:  ok running=${ID} source=-L`,
  ])('not understood, never guessed: %s', (line) => {
    const report = parseLocalPeerReport(`${line}\n`);
    expect(report).toEqual({ verdict: 'unknown', reason: expect.stringMatching(/^report not understood: "hfc-local-peer: /) });
  });

  it("only stdout counts: a line on stderr (after SSM's marker) cannot pose as the report", () => {
    const output =
      'applied version 2\nhfc-local-peer: mismatch running=vm expected=i-1 source=hostname\n\n----------ERROR-------\nhfc-local-peer: ok running=i-1 source=-L\n';
    expect(parseLocalPeerReport(output)).toEqual({ verdict: 'mismatch', running: 'vm', expected: 'i-1', source: 'hostname' });
  });

  it('a report cut by the 2,500-character listing is not conclusive (doctor then reads the invocation whole)', () => {
    const cut = parseLocalPeerReport('hfc-local-peer: mismatch running=vm expec');
    expect(conclusive(cut)).toBe(false);
    expect(conclusive(parseLocalPeerReport('hfc-local-peer: ok running=i-1 source=-L'))).toBe(true);
    expect(conclusive(undefined)).toBe(false);
  });
});
