import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { desiredHealthCheck } from '../../lib/plan/healthCheckSpec';
import { callerReference, instanceOfCallerReference, instanceOfSetIdentifier, passNonce, setIdentifier } from '../../lib/plan/naming';
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
    const ref = callerReference(FLEET, A, desiredHealthCheck(FLEET, '54.0.0.1'), passNonce());
    expect(instanceOfSetIdentifier(FLEET, setIdentifier(FLEET, A))).toBe(A);
    expect(instanceOfCallerReference(FLEET, ref)).toBe(A);
  });

  it.each(Object.entries(NEIGHBOURS))('never claims the records or checks of a fleet with %s', (_what, other) => {
    const ref = callerReference(FLEET, A, desiredHealthCheck(FLEET, '54.0.0.1'), '1');
    expect(instanceOfSetIdentifier(other, setIdentifier(FLEET, A))).toBeUndefined();
    expect(instanceOfCallerReference(other, ref)).toBeUndefined();
  });

  it('never claims a hand-made record or check', () => {
    expect(instanceOfSetIdentifier(FLEET, 'primary')).toBeUndefined();
    expect(instanceOfSetIdentifier(FLEET, undefined)).toBeUndefined();
    expect(instanceOfCallerReference(FLEET, 'console-2026-11-22')).toBeUndefined();
  });

  it('same settings and nonce give the same reference; other settings or another pass a new one', () => {
    const spec = desiredHealthCheck(FLEET, '54.0.0.1');
    const ref = callerReference(FLEET, A, spec, 'abc');
    expect(callerReference(FLEET, A, { ...spec }, 'abc')).toBe(ref);
    expect(callerReference(FLEET, A, desiredHealthCheck(FLEET, '54.0.0.2'), 'abc')).not.toBe(ref);
    expect(callerReference(FLEET, A, spec, 'abd')).not.toBe(ref);
  });

  it('refuses a nonce that could break the reference format', () => {
    expect(() => callerReference(FLEET, A, desiredHealthCheck(FLEET, '54.0.0.1'), 'a-b')).toThrow(RangeError);
  });

  it('any instance id, fleet name and pass nonce fit in 64 characters and round-trip', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9a-f]{17}$/),
        fc.stringMatching(/^[a-z0-9]{1,32}$/),
        fc.date({ min: new Date(0), max: new Date(8.64e15), noInvalidDate: true }),
        (hex, name, when) => {
          const fleet = fleetConfig({ name, ownerId: name });
          const id = `i-${hex}`;
          const ref = callerReference(fleet, id, desiredHealthCheck(fleet, '54.0.0.1'), passNonce(when));
          return ref.length <= 64 && instanceOfCallerReference(fleet, ref) === id && setIdentifier(fleet, id).length <= 128;
        },
      ),
    );
  });
});
