import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { desiredHealthCheck } from '../../lib/plan/healthCheckSpec';
import {
  callerReference, instanceOfCallerReference, instanceOfSetIdentifier, nextGeneration, setIdentifier,
} from '../../lib/plan/naming';
import { A, FLEET, fleetConfig } from '../fixtures/fleet';

const OTHER_OWNER = fleetConfig({ ownerId: 'staging' });

describe('ownership markers', () => {
  it('round-trips the instance id through the SetIdentifier', () => {
    expect(instanceOfSetIdentifier(FLEET, setIdentifier(FLEET, A))).toBe(A);
  });
  it('never claims another owner\'s or a hand-made record', () => {
    expect(instanceOfSetIdentifier(OTHER_OWNER, setIdentifier(FLEET, A))).toBeUndefined();
    expect(instanceOfSetIdentifier(FLEET, 'primary')).toBeUndefined();
    expect(instanceOfSetIdentifier(FLEET, undefined)).toBeUndefined();
  });
  it('CallerReference: deterministic, within 64 characters, carries the instance', () => {
    const spec = desiredHealthCheck(FLEET, '54.0.0.1');
    const ref = callerReference(FLEET, A, spec);
    expect(callerReference(FLEET, A, { ...spec })).toBe(ref);
    expect(ref.length).toBeLessThanOrEqual(64);
    expect(instanceOfCallerReference(FLEET, ref)).toBe(A);
    expect(instanceOfCallerReference(OTHER_OWNER, ref)).toBeUndefined();
  });
  it('different settings give a different reference; generations count up', () => {
    const ref = callerReference(FLEET, A, desiredHealthCheck(FLEET, '54.0.0.1'));
    expect(callerReference(FLEET, A, desiredHealthCheck(FLEET, '54.0.0.2'))).not.toBe(ref);
    expect(nextGeneration(ref)).toBe(ref.replace(/-1$/, '-2'));
    expect(instanceOfCallerReference(FLEET, nextGeneration(nextGeneration(ref)))).toBe(A);
  });
  it('any 17-hex instance id and any fleet name fit in a CallerReference', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{17}$/), fc.stringMatching(/^[a-z0-9]{1,32}$/), (hex, name) => {
        const fleet = fleetConfig({ name, ownerId: name });
        const id = `i-${hex}`;
        const ref = callerReference(fleet, id, desiredHealthCheck(fleet, '54.0.0.1'), 99);
        return ref.length <= 64 && instanceOfCallerReference(fleet, ref) === id;
      }),
    );
  });
});
