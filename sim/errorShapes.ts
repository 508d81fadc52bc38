/**
 * A client package's modelled errors, read from its own schemas (`[-3, namespace, name, traits,
 * ...]`): each shape's name and, for the query-compatible and query services, its awsQueryError
 * code (CloudWatch's ValidationException travels as ValidationError). Shared by the simulated
 * errors (sim/errors.ts) and the served wire (sim/wire/json.ts), so both map codes alike.
 */
export interface ErrorShape {
  name: string;
  queryCode?: string;
}

export function errorShapes(module: Record<string, unknown>): ErrorShape[] {
  const out: ErrorShape[] = [];
  for (const value of Object.values(module)) {
    if (!Array.isArray(value) || value[0] !== -3) continue;
    const [, , name, traits] = value as [number, string, string, Record<string, unknown>];
    const queryCode = (traits?.awsQueryError as [string] | undefined)?.[0];
    out.push({ name, ...(queryCode ? { queryCode } : {}) });
  }
  return out;
}
