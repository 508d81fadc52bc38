/**
 * Ownership markers. Records cannot be tagged, so a record is ours when its SetIdentifier starts
 * with `<ownerId>:<fleet>:`; the rest is the instance id. A health check is ours when its
 * CallerReference starts with `hfc-<hash of owner and fleet>-`: ListHealthChecks returns the
 * reference, so ownership costs no extra call, and a check whose tagging failed is still known.
 *
 *   SetIdentifier   hfc:edge:i-0123456789abcdef0
 *   CallerReference hfc-3f2a9c1b-i-0123456789abcdef0-5d41402abc-1
 *                       owner+fleet  instance     settings   generation
 *
 * The reference is deterministic (a retried create returns the same check), includes a hash of
 * the settings (new settings, new check) and a generation, because Route 53 refuses the reference
 * of a deleted check forever: the next generation is tried then.
 */
import { createHash } from 'node:crypto';
import type { HealthCheckSpec } from './types';

interface Owned {
  name: string;
  ownerId: string;
}

const sha = (s: string, len: number) => createHash('sha256').update(s).digest('hex').slice(0, len);

export function setIdentifierPrefix(fleet: Owned): string {
  return `${fleet.ownerId}:${fleet.name}:`;
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
  return `hfc-${sha(`${fleet.ownerId}\n${fleet.name}`, 8)}-`;
}

/** Canonical text of a spec: same settings, same text, whatever the key order. */
function canonical(spec: HealthCheckSpec): string {
  return JSON.stringify(Object.entries(spec).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)));
}

export function callerReference(fleet: Owned, instanceId: string, spec: HealthCheckSpec, generation = 1): string {
  return `${callerReferencePrefix(fleet)}${instanceId}-${sha(canonical(spec), 10)}-${generation}`;
}

/** The instance id of one of our health checks, or undefined when the check is not ours. */
export function instanceOfCallerReference(fleet: Owned, ref: string | undefined): string | undefined {
  const prefix = callerReferencePrefix(fleet);
  if (!ref?.startsWith(prefix)) return undefined;
  const m = /^(i-[0-9a-f]+)-[0-9a-f]{10}-\d+$/.exec(ref.slice(prefix.length));
  return m?.[1];
}

/** The same reference one generation later (after Route 53 refused a deleted check's reference). */
export function nextGeneration(ref: string): string {
  return ref.replace(/-(\d+)$/, (_, n: string) => `-${Number(n) + 1}`);
}

/** Tags for people and cost reports; ownership itself rests on the CallerReference. */
export function healthCheckTags(fleet: Owned, instanceId: string): Record<string, string> {
  return {
    Name: `${fleet.name} ${instanceId}`,
    'hfc:owner': fleet.ownerId,
    'hfc:fleet': fleet.name,
    'hfc:instance-id': instanceId,
  };
}
