/**
 * Splits record changes into ChangeResourceRecordSets batches within Route 53's limits: at most
 * 1,000 ResourceRecord elements and 32,000 characters of values per request, an UPSERT counting
 * twice for both (docs/aws-facts.md, Route 53: ChangeResourceRecordSets). Order is kept, so the batches are as deterministic as the plan.
 * A REPLACE (DELETE of the old record + CREATE of the new, see route53.ts) counts twice too and is
 * never split across two batches.
 */
export const MAX_RECORDS_PER_BATCH = 1000;
export const MAX_VALUE_CHARS_PER_BATCH = 32000;

export interface SizedChange {
  action: 'CREATE' | 'UPSERT' | 'DELETE' | 'REPLACE';
  record: { values: readonly string[] };
}

function cost(change: SizedChange): { records: number; chars: number } {
  const factor = change.action === 'UPSERT' || change.action === 'REPLACE' ? 2 : 1;
  return {
    records: change.record.values.length * factor,
    chars: change.record.values.reduce((n, v) => n + v.length, 0) * factor,
  };
}

export function batchChanges<T extends SizedChange>(changes: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let records = 0;
  let chars = 0;
  for (const change of changes) {
    const c = cost(change);
    if (c.records > MAX_RECORDS_PER_BATCH || c.chars > MAX_VALUE_CHARS_PER_BATCH) {
      throw new RangeError(`a single ${change.action} exceeds Route 53's per-request limits (${c.records} records, ${c.chars} characters)`);
    }
    if (current.length > 0 && (records + c.records > MAX_RECORDS_PER_BATCH || chars + c.chars > MAX_VALUE_CHARS_PER_BATCH)) {
      batches.push(current);
      current = [];
      records = 0;
      chars = 0;
    }
    current.push(change);
    records += c.records;
    chars += c.chars;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
