import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { desiredHealthCheck } from '../../lib/plan/healthCheckSpec';
import { callerReference, instanceOfCallerReference, instanceOfSetIdentifier, MAX_GENERATION, nextGeneration, setIdentifier } from '../../lib/plan/naming';
import { A, FLEET, fleetConfig } from '../fixtures/fleet';

const dns = (over: Record<string, string> = {}) => ({ hostedZoneId: 'Z0EXAMPLE', recordName: 'lb.example.com', ...over });

/** Fleets that differ from FLEET in exactly one identifying field. */
const NEIGHBOURS = {
  'another owner id': fleetConfig({ ownerId: 'staging' }),
  'another fleet name': fleetConfig({ name: 'edge2' }),
  'another group': fleetConfig({ autoScalingGroupName: 'edge-haproxy-staging' }),
  'another zone': fleetConfig({ dns: dns({ hostedZoneId: 'Z0OTHER' }) }),
  'another record name': fleetConfig({ dns: dns({ recordName: 'lb2.example.com' }) }),
};

describe('ownership markers', () => {
  it('round-trips the instance id through the SetIdentifier and the CallerReference', () => {
    const ref = callerReference(FLEET, A, desiredHealthCheck(FLEET, '54.0.0.1'));
    expect(instanceOfSetIdentifier(FLEET, setIdentifier(FLEET, A))).toBe(A);
    expect(instanceOfCallerReference(FLEET, ref)).toBe(A);
  });

  it.each(Object.entries(NEIGHBOURS))('never claims the records or checks of a fleet with %s', (_what, other) => {
    const ref = callerReference(FLEET, A, desiredHealthCheck(FLEET, '54.0.0.1'));
    expect(instanceOfSetIdentifier(other, setIdentifier(FLEET, A))).toBeUndefined();
    expect(instanceOfCallerReference(other, ref)).toBeUndefined();
  });

  it('never claims a hand-made record or check', () => {
    expect(instanceOfSetIdentifier(FLEET, 'primary')).toBeUndefined();
    expect(instanceOfSetIdentifier(FLEET, undefined)).toBeUndefined();
    expect(instanceOfCallerReference(FLEET, 'console-2026-11-22')).toBeUndefined();
  });

  it('is deterministic: the same node and settings give the same reference in every run; other settings or a later generation a new one', () => {
    const spec = desiredHealthCheck(FLEET, '54.0.0.1');
    const ref = callerReference(FLEET, A, spec);
    expect(callerReference(FLEET, A, { ...spec })).toBe(ref);
    expect(callerReference(FLEET, A, spec, 1)).toBe(ref);
    expect(callerReference(FLEET, A, desiredHealthCheck(FLEET, '54.0.0.2'))).not.toBe(ref);
    expect(callerReference(FLEET, A, spec, 2)).not.toBe(ref);
    expect(instanceOfCallerReference(FLEET, callerReference(FLEET, A, spec, 2))).toBe(A);
  });

  it('refuses a generation outside 1..MAX_GENERATION', () => {
    for (const g of [0, -1, 1.5, MAX_GENERATION + 1]) expect(() => callerReference(FLEET, A, desiredHealthCheck(FLEET, '54.0.0.1'), g)).toThrow(RangeError);
  });

  it('walks the generations in order and stops after the last one', () => {
    const spec = desiredHealthCheck(FLEET, '54.0.0.1');
    expect(nextGeneration(callerReference(FLEET, A, spec, 1))).toBe(callerReference(FLEET, A, spec, 2));
    expect(nextGeneration(callerReference(FLEET, A, spec, 9))).toBe(callerReference(FLEET, A, spec, 10));
    expect(nextGeneration(callerReference(FLEET, A, spec, MAX_GENERATION))).toBeUndefined();
    expect(nextGeneration(callerReference(FLEET, A, spec).replace(/-1$/, '-lx2k9q1abcd'))).toBeUndefined();
  });

  it('still recognises references written with the old per-pass nonces as ours', () => {
    const old = callerReference(FLEET, A, desiredHealthCheck(FLEET, '54.0.0.1')).replace(/-1$/, '-lx2k9q1abcd');
    expect(instanceOfCallerReference(FLEET, old)).toBe(A);
  });

  it('any instance id, fleet name and generation fit in 64 characters and round-trip', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9a-f]{17}$/),
        fc.stringMatching(/^[a-z0-9]{1,32}$/),
        fc.integer({ min: 1, max: MAX_GENERATION }),
        (hex, name, generation) => {
          const fleet = fleetConfig({ name, ownerId: name });
          const id = `i-${hex}`;
          const ref = callerReference(fleet, id, desiredHealthCheck(fleet, '54.0.0.1'), generation);
          return ref.length <= 64 && instanceOfCallerReference(fleet, ref) === id && setIdentifier(fleet, id).length <= 128;
        },
      ),
    );
  });
});
