/**
 * What Route 53 thinks of our health checks now (GetHealthCheckStatus: each checker's last
 * observation). A check is healthy when more than 18% of the checkers report success
 * (docs/aws-facts.md, Route 53: health checks); an unreadable status is `unknown`, never a guess.
 * Read-only; four at a time (the API's own rate is low).
 */
import { GetHealthCheckStatusCommand } from '@aws-sdk/client-route-53';
import { inParallel } from '../lib/parallel';
import type { CliContext } from './context';

export type CheckHealth = 'Healthy' | 'Unhealthy' | 'unknown';

export async function readCheckHealth(ctx: CliContext, ids: readonly string[]): Promise<Map<string, CheckHealth>> {
  const out = new Map<string, CheckHealth>();
  await inParallel([...ids], 4, async (id) => {
    try {
      const res = await ctx.clients.route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
      const seen = res.HealthCheckObservations ?? [];
      const ok = seen.filter((o) => o.StatusReport?.Status?.startsWith('Success')).length;
      out.set(id, seen.length === 0 ? 'unknown' : ok / seen.length > 0.18 ? 'Healthy' : 'Unhealthy');
    } catch {
      out.set(id, 'unknown');
    }
  });
  return out;
}
