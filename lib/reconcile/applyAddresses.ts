/**
 * Apply an address plan, fastest-first: every move at once (AssociateAddress in parallel: the
 * failover itself), then the bookkeeping that can wait a few hundred milliseconds (our
 * `hfc:moved-to` marks, claims, releases, spare secondary IPs). Each action's failure is logged
 * and reported per address; nothing else is stopped by it.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { describeAwsError } from '../aws/errors';
import { encodePlacement } from '../aws/addresses';
import type { AddressMover } from './ports';
import { HOME_TAG, MOVED_AT_TAG, MOVED_TO_TAG, type AddressAction, type AddressPlan, type Placement } from '../plan/addressTypes';

type Of<K extends AddressAction['kind']> = Extract<AddressAction, { kind: K }>;

export interface AddressApplyResult {
  /** Addresses (or nodes, for secondary IPs) whose action failed, with the reason. */
  failed: Map<string, string>;
  /** Nodes whose address work failed (the home of a failed claim or move, a node left holding). */
  failedNodes: Set<string>;
}

export async function applyAddressPlan(plan: AddressPlan, addresses: AddressMover, logger: Logger, now: () => Date): Promise<AddressApplyResult> {
  const result: AddressApplyResult = { failed: new Map(), failedNodes: new Set() };
  const of = <K extends AddressAction['kind']>(kind: K) => plan.actions.filter((a): a is Of<K> => a.kind === kind);
  const attempt = async (key: string, nodes: (string | undefined)[], what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      result.failed.set(key, `${what}: ${describeAwsError(err)}`);
      for (const n of nodes) if (n) result.failedNodes.add(n);
      logger.error(`${what} failed`, { key, error: err as Error });
    }
  };

  const moves = of('associateAddress');
  for (const m of moves)
    logger.info('moving address', {
      allocationId: m.allocationId,
      publicIp: m.publicIp,
      from: m.from ? encodePlacement(m.from) : 'unassociated',
      to: encodePlacement(m.to),
      reason: m.reason,
    });
  // A peer without a free secondary IP gets one first (one extra round trip, only then).
  const placed = new Map<string, Placement>();
  await Promise.all(
    moves.map((m) =>
      attempt(m.allocationId, [m.from?.instanceId, m.to.instanceId], `moving ${m.publicIp}`, async () => {
        const to = m.assignIp ? { ...m.to, privateIp: (await addresses.assignSecondaryIps(m.to.eniId, 1))[0] ?? '' } : m.to;
        await addresses.associate(m.allocationId, to);
        placed.set(m.allocationId, to);
      }),
    ),
  );

  const at = now().toISOString();
  await Promise.all([
    ...moves
      .filter((m) => !result.failed.has(m.allocationId))
      .map((m) =>
        attempt(`${m.allocationId}:mark`, [], `marking the move of ${m.publicIp}`, () =>
          addresses.tagAddress(m.allocationId, { [MOVED_TO_TAG]: encodePlacement(placed.get(m.allocationId)!), [MOVED_AT_TAG]: at }),
        ),
      ),
    ...of('claimAddress').map((c) => {
      logger.info('claiming address', { ...c });
      return attempt(`${c.allocationId}:claim`, [c.instanceId], `claiming ${c.allocationId} for ${c.instanceId}`, () =>
        addresses.tagAddress(c.allocationId, { [HOME_TAG]: c.instanceId }),
      );
    }),
    ...of('releaseAddress').map((r) => {
      logger.info('releasing address', { ...r });
      // Conditional on the old value: a stale release never erases another run's fresh claim.
      return attempt(`${r.allocationId}:release`, [r.instanceId], `releasing ${r.allocationId}`, () =>
        addresses.untagAddress(r.allocationId, [{ Key: HOME_TAG, Value: r.instanceId }]),
      );
    }),
    ...of('assignSecondaryIps').map((s) => {
      logger.info('assigning secondary private IPs', { ...s });
      return attempt(`${s.instanceId}:ips`, [], `assigning secondary IPs to ${s.instanceId}`, () => addresses.assignSecondaryIps(s.eniId, s.count));
    }),
  ]);
  for (const s of plan.stuck) logger.warn('address left where it is', { ...s });
  return result;
}
