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
 *   CallerReference hfc-3f2a9c1b-i-0123456789abcdef0-5d41402abc-lx2k9q1
 *                       key       instance     settings   nonce
 *
 * The nonce is chosen once per reconcile pass: the SDK's retries of one create send the same
 * reference (so Route 53 returns the same check, never a second one), while a later pass uses a
 * new one. A deterministic reference would be refused by Route 53 for days after the check it
 * named was deleted (HealthCheckAlreadyExists), which happens whenever a node's address moves
 * away and back. Two concurrent passes may each create a check; the planner keeps the one the
 * record uses and deletes the other.
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

/**
 * A nonce for one reconcile pass, safe in a CallerReference: the wall-clock time (base 36) and
 * four random characters, so two passes never share one, even within a millisecond.
 */
export function passNonce(now: Date = new Date(), random: () => number = Math.random): string {
  return `${now.getTime().toString(36).slice(-8)}${Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0')}`;
}

export function callerReference(fleet: Owned, instanceId: string, spec: HealthCheckSpec, nonce: string): string {
  if (!/^[0-9a-z]{1,12}$/.test(nonce)) throw new RangeError(`nonce "${nonce}" must be 1-12 characters of 0-9 and a-z`);
  return `${callerReferencePrefix(fleet)}${instanceId}-${sha(canonical(spec), 10)}-${nonce}`;
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
