/**
 * Ownership markers. A fleet's resources are marked with a key derived from everything that
 * identifies it: owner id, fleet name, Auto Scaling group, hosted zone and record name. Two
 * deployments that share an account (prod and staging both called "edge", say) therefore never
 * claim each other's records or checks, even with the default owner id.
 *
 * Records cannot be tagged: a record is ours when its SetIdentifier starts with
 * `<ownerId>:<fleet>:<key>:`; the rest is the instance id. A health check is ours when its
 * CallerReference starts with `hfc-<key>-`: ListHealthChecks returns the reference, so ownership
 * costs no extra call, and a check whose tagging failed is still known.
 *
 *   SetIdentifier   hfc:edge:3f2a9c:i-0123456789abcdef0
 *   CallerReference hfc-3f2a9c1b-i-0123456789abcdef0-5d41402abc-1
 *                       key       instance     settings   generation
 *
 * The reference is deterministic: every run that creates a check for the same node and settings
 * sends the same one, so concurrent runs (the schedule during a burst of lifecycle events) and
 * the SDK's retries all get the same check back from Route 53, never a second one. Route 53
 * refuses the reference of a deleted check for days (HealthCheckAlreadyExists), which happens
 * when a node comes back with the same settings (out of the warm pool, out of Standby, its
 * address moved away and back): the executor then takes the next generation (2, 3, ...), in the
 * same order in every run, so concurrent runs still meet on one check. References written with
 * the old per-pass nonces (up to 12 base-36 characters) are still recognised as ours.
 */
import { ownershipTags } from './tags';
import { createHash } from 'node:crypto';
import type { HealthCheckSpec } from './types';

/** What identifies a fleet's resources. */
export interface Owned {
  name: string;
  ownerId: string;
  autoScalingGroupName: string;
  dns: { hostedZoneId: string; recordName: string };
}

const sha = (s: string, len: number) => createHash('sha256').update(s).digest('hex').slice(0, len);

function ownerKey(fleet: Owned, len: number): string {
  return sha([fleet.ownerId, fleet.name, fleet.autoScalingGroupName, fleet.dns.hostedZoneId, fleet.dns.recordName].join('\n'), len);
}

export function setIdentifierPrefix(fleet: Owned): string {
  return `${fleet.ownerId}:${fleet.name}:${ownerKey(fleet, 6)}:`;
}

export function setIdentifier(fleet: Owned, instanceId: string): string {
  return `${setIdentifierPrefix(fleet)}${instanceId}`;
}

/** The instance id of one of our records, or undefined when the record is not ours. */
export function instanceOfSetIdentifier(fleet: Owned, setId: string | undefined): string | undefined {
  const prefix = setIdentifierPrefix(fleet);
  return setId?.startsWith(prefix) ? setId.slice(prefix.length) : undefined;
}

export function callerReferencePrefix(fleet: Owned): string {
  return `hfc-${ownerKey(fleet, 8)}-`;
}

/** Canonical text of a spec: same settings, same text, whatever the key order. */
function canonical(spec: HealthCheckSpec): string {
  return JSON.stringify(
    Object.entries(spec)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** How many generations the executor tries before giving up on a node for this run. */
export const MAX_GENERATION = 20;

export function callerReference(fleet: Owned, instanceId: string, spec: HealthCheckSpec, generation = 1): string {
  if (!Number.isInteger(generation) || generation < 1 || generation > MAX_GENERATION)
    throw new RangeError(`generation ${generation} must be 1-${MAX_GENERATION}`);
  return `${callerReferencePrefix(fleet)}${instanceId}-${sha(canonical(spec), 10)}-${generation}`;
}

/**
 * The reference of the next generation for the same node and settings, or undefined when the
 * reference is not a generation reference or the last generation has been tried.
 */
export function nextGeneration(ref: string): string | undefined {
  const m = /^(.*-[0-9a-f]{10}-)([1-9][0-9]?)$/.exec(ref);
  if (!m) return undefined;
  const next = Number(m[2]) + 1;
  return next > MAX_GENERATION ? undefined : `${m[1]}${next}`;
}

/** The reference without its generation: equal for the same fleet, node and settings. */
export function withoutGeneration(ref: string): string {
  return ref.replace(/-[0-9a-z]{1,12}$/, '');
}

/** The instance id of one of our health checks, or undefined when the check is not ours. */
export function instanceOfCallerReference(fleet: Owned, ref: string | undefined): string | undefined {
  const prefix = callerReferencePrefix(fleet);
  if (!ref?.startsWith(prefix)) return undefined;
  const m = /^(i-[0-9a-f]+)-[0-9a-f]{10}-[0-9a-z]{1,12}$/.exec(ref.slice(prefix.length));
  return m?.[1];
}

/** Tags for people and cost reports; ownership itself rests on the CallerReference. */
export function healthCheckTags(fleet: Owned, instanceId: string): Record<string, string> {
  return { Name: `${fleet.name} ${instanceId}`, ...ownershipTags(fleet, instanceId) };
}
