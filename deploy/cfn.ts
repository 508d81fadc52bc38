/** CloudFormation values and the names the generated stack gives things (deploy/cloudformation.ts, deploy/operatorView.ts). */
import type { FleetConfig } from '../lib/config/load';

/** Any CloudFormation value, intrinsic functions included. */
export type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };

export interface CfnResource {
  Type: string;
  Properties: { [key: string]: CfnValue };
  DependsOn?: string | string[];
}

export const ref = (id: string): CfnValue => ({ Ref: id });
export const arnOf = (id: string): CfnValue => ({ 'Fn::GetAtt': [id, 'Arn'] });
/** Fn::Sub with the literal part passed as a variable, so a `${` in a name can never be read as one. */
export const sub = (template: string, vars: { [name: string]: CfnValue } = {}): CfnValue => ({
  'Fn::Sub': Object.keys(vars).length ? [template, vars] : template,
});

/** `edge-eu` -> `EdgeEu`; CloudFormation logical ids are alphanumeric. */
export function pascal(slug: string): string {
  return slug
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/**
 * Logical id prefix per fleet, derived from the name (not the position) so that reordering the
 * file does not replace hooks. Two names that differ only in dashes would collide: refuse them.
 */
export function fleetIds(fleets: readonly FleetConfig[]): Map<FleetConfig, string> {
  const ids = new Map<FleetConfig, string>();
  const owner = new Map<string, string>();
  for (const f of fleets) {
    const id = `${pascal(f.name)}Fleet`;
    const other = owner.get(id);
    if (other !== undefined) throw new Error(`fleet names "${other}" and "${f.name}" map to the same CloudFormation logical id ${id}; rename one`);
    owner.set(id, f.name);
    ids.set(f, id);
  }
  return ids;
}
