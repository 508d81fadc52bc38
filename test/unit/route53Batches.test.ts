import { describe, expect, it } from 'vitest';
import { batchChanges, type SizedChange } from '../../lib/aws/route53Batches';

const change = (action: SizedChange['action'], value = '54.0.0.1'): SizedChange => ({ action, record: { values: [value] } });

describe('batchChanges', () => {
  it('keeps 1,000 CREATEs in one batch and splits the 1,001st', () => {
    expect(batchChanges(Array.from({ length: 1000 }, () => change('CREATE'))).map((b) => b.length)).toEqual([1000]);
    expect(batchChanges(Array.from({ length: 1001 }, () => change('CREATE'))).map((b) => b.length)).toEqual([1000, 1]);
  });
  it('counts an UPSERT twice', () => {
    expect(batchChanges(Array.from({ length: 501 }, () => change('UPSERT'))).map((b) => b.length)).toEqual([500, 1]);
  });
  it('splits on 32,000 characters of values', () => {
    const long = 'x'.repeat(4000);
    expect(batchChanges(Array.from({ length: 9 }, () => change('CREATE', long))).map((b) => b.length)).toEqual([8, 1]);
  });
  it('keeps order across batches', () => {
    const changes = Array.from({ length: 1200 }, (_, i) => change('DELETE', `54.0.${i >> 8}.${i & 255}`));
    expect(batchChanges(changes).flat()).toEqual(changes);
  });
  it('returns no batch for no change', () => {
    expect(batchChanges([])).toEqual([]);
  });
});
