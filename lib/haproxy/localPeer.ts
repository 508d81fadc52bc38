/**
 * Reads the apply script's report of the local peer name the running HAProxy master uses
 * (lib/haproxy/apply-config.sh, report_local_peer; docs/haproxy.md, "The local peer name"): one
 * line on stdout after every successful push,
 *
 *   hfc-local-peer: ok running=<name> source=<-L|localpeer|hostname>
 *   hfc-local-peer: mismatch running=<name> expected=<peer name> source=<-L|localpeer|hostname>
 *   hfc-local-peer: unknown <why>
 *
 * Strict, like the measure output's reader: a line that starts with the prefix but does not say
 * one of these is reported as not understood, never guessed at.
 */

export const LOCAL_PEER_PREFIX = 'hfc-local-peer: ';

/** Where SSM's combined plugin Output turns from stdout to stderr. */
export const SSM_STDERR_MARKER = '----------ERROR-------';

/** Whether a report is whole: a verdict on a name (a cut line reads as not understood). */
export function conclusive(report: LocalPeerReport | undefined): boolean {
  return report?.verdict === 'ok' || report?.verdict === 'mismatch';
}

export type LocalPeerSource = '-L' | 'localpeer' | 'hostname';

export type LocalPeerReport =
  | { verdict: 'ok'; running: string; source: LocalPeerSource }
  | { verdict: 'mismatch'; running: string; expected: string; source: LocalPeerSource }
  | { verdict: 'unknown'; reason: string };

/** A name as the script prints it: cut to 64 characters, `?` for any other character. */
const NAME = /^[A-Za-z0-9._?-]{1,64}$/;
const SOURCES: readonly string[] = ['-L', 'localpeer', 'hostname'];

/**
 * The report in a push's output (its stdout, or SSM's plugin Output: stdout then stderr), or
 * undefined when there is none (an apply script from before the report, or output cut before it).
 * The last report line of stdout counts (the script prints one).
 */
export function parseLocalPeerReport(output: string): LocalPeerReport | undefined {
  // SSM's plugin Output is stdout, then this marker, then stderr: the script prints its report on
  // stdout, so nothing after the marker (the reload command's output, HAProxy's answers) can pose as one.
  const stdout = output.split(SSM_STDERR_MARKER)[0]!;
  const line = stdout
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.startsWith(LOCAL_PEER_PREFIX))
    .at(-1);
  if (line === undefined) return undefined;
  const rest = line.slice(LOCAL_PEER_PREFIX.length);
  const notUnderstood = (): LocalPeerReport => ({ verdict: 'unknown', reason: `report not understood: "${line.slice(0, 200)}"` });
  const [verdict, ...words] = rest.split(' ');
  if (verdict === 'unknown') {
    const reason = words.join(' ').trim();
    return reason ? { verdict, reason } : notUnderstood();
  }
  const fields = new Map<string, string>();
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0 || fields.has(w.slice(0, eq))) return notUnderstood();
    fields.set(w.slice(0, eq), w.slice(eq + 1));
  }
  const running = fields.get('running');
  const source = fields.get('source');
  if (!running || !NAME.test(running) || !source || !SOURCES.includes(source)) return notUnderstood();
  if (verdict === 'ok' && fields.size === 2) return { verdict, running, source: source as LocalPeerSource };
  const expected = fields.get('expected');
  if (verdict === 'mismatch' && fields.size === 3 && expected && NAME.test(expected)) return { verdict, running, expected, source: source as LocalPeerSource };
  return notUnderstood();
}
