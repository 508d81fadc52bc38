/**
 * Reads what lib/haproxy/measure.sh printed on a load balancer (its stdout, through SSM). Strict:
 * a line that is not one the script prints makes the whole answer unreadable, and an unreadable
 * answer counts as no measurement (a drain then waits for the next one or its timeout), never
 * as zero sessions.
 */
import type { NodeLoad } from '../plan/types';

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/** @returns the load, or why the output is not readable */
export function parseMeasureOutput(stdout: string): NodeLoad | { error: string } {
  let connections: number | undefined;
  let workers = false;
  let end = false;
  const servers: NodeLoad['servers'] = {};
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    if (end) return { error: 'a line after "end"' };
    const f = line.trim().split(/\s+/);
    if (f[0] === 'end' && f.length === 1) end = true;
    else if (f[0] === 'workers' && f.length === 2 && /^[1-9]\d*$/.test(f[1]!)) workers = true;
    else if (f[0] === 'connections' && f.length === 2 && /^\d+$/.test(f[1]!)) connections = Number(f[1]);
    else if (f[0] === 'server' && f.length === 4 && /^\d+$/.test(f[2]!) && /^(\d+|-)$/.test(f[3]!)) {
      const name = f[1]!;
      if (!INSTANCE_ID.test(name)) return { error: `unexpected server name in "${line.slice(0, 200)}"` };
      servers[name] ??= { sessions: 0, weights: [] };
      const s = servers[name];
      s.sessions += Number(f[2]);
      // "-": the current worker does not list it (an old worker still does): it takes nothing new.
      s.weights.push(f[3] === '-' ? 0 : Number(f[3]));
    } else return { error: `unexpected line "${line.slice(0, 200)}"` };
  }
  if (!end) return { error: 'cut short (no "end" line)' };
  if (!workers || connections === undefined) return { error: 'no "workers" or "connections" line' };
  return { connections, servers };
}
