/**
 * Reads a query-protocol request (`Action=...&Version=...&Key.member.1=...`, form-encoded) into
 * the operation's input, by the input's schema: the inverse of the SDK's QueryShapeSerializer
 * (@aws-sdk/core), with its naming rules. awsQuery (Auto Scaling) wraps list items in `member`
 * and map entries in `entry` unless flattened; ec2Query (EC2) always flattens lists, capitalises
 * member names and prefers `ec2QueryName`.
 */
import { FromStringShapeDeserializer } from '@smithy/core/protocols';
import { NormalizedSchema } from '@smithy/core/schema';

type Tree = { value?: string; children: Map<string, Tree> };

/** The form's keys as a tree: `Filter.1.Name=x` is Filter → 1 → Name → "x". */
export function formTree(body: string): { action?: string; version?: string; tree: Tree } {
  const tree: Tree = { children: new Map() };
  const params = new URLSearchParams(body);
  for (const [key, value] of params) {
    if (key === 'Action' || key === 'Version') continue;
    let node = tree;
    for (const part of key.split('.')) {
      let next = node.children.get(part);
      if (!next) {
        next = { children: new Map() };
        node.children.set(part, next);
      }
      node = next;
    }
    node.value = value;
  }
  return { action: params.get('Action') ?? undefined, version: params.get('Version') ?? undefined, tree };
}

export class FormInputReader {
  private readonly strings = new FromStringShapeDeserializer({ timestampFormat: { useTrait: true, default: 5 }, httpBindings: false });

  constructor(private readonly ec2: boolean) {}

  read(schema: unknown, tree: Tree): Record<string, unknown> {
    return (this.readShape(NormalizedSchema.of(schema as never), tree) as Record<string, unknown>) ?? {};
  }

  private key(memberName: string, traits: Record<string, unknown>, struct: boolean): string {
    if (this.ec2 && typeof traits.ec2QueryName === 'string') return traits.ec2QueryName;
    const key = (traits.xmlName as string | undefined) ?? memberName;
    return this.ec2 && struct ? key[0]!.toUpperCase() + key.slice(1) : key;
  }

  /** Children with numeric keys, in index order (`.1`, `.2`, ...). */
  private indexed(node: Tree | undefined): Tree[] {
    if (!node) return [];
    return [...node.children]
      .filter(([k]) => /^\d+$/.test(k))
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, v]) => v);
  }

  private readShape(ns: NormalizedSchema, node: Tree | undefined): unknown {
    if (!node) return undefined;
    if (ns.isStructSchema()) {
      const out: Record<string, unknown> = {};
      for (const [name, member] of ns.structIterator()) {
        const value = this.readShape(member, node.children.get(this.key(name, member.getMergedTraits(), true)));
        if (value !== undefined) out[name] = value;
      }
      return out;
    }
    if (ns.isListSchema()) {
      // An empty list travels as `Key=` (awsQuery serialises empty lists; ec2Query omits them).
      if (node.value === '' && node.children.size === 0) return [];
      const item = ns.getValueSchema();
      const flat = this.ec2 || !!ns.getMergedTraits().xmlFlattened;
      const holder = flat ? node : node.children.get(this.key('member', item.getMergedTraits(), false));
      return this.indexed(holder).map((n) => this.readShape(item, n));
    }
    if (ns.isMapSchema()) {
      const keySchema = ns.getKeySchema();
      const valueSchema = ns.getValueSchema();
      const flat = !!ns.getMergedTraits().xmlFlattened;
      const out: Record<string, unknown> = {};
      for (const entry of this.indexed(flat ? node : node.children.get('entry'))) {
        const k = this.readShape(keySchema, entry.children.get(this.key('key', keySchema.getMergedTraits(), false)));
        if (typeof k === 'string') out[k] = this.readShape(valueSchema, entry.children.get(this.key('value', valueSchema.getMergedTraits(), false)));
      }
      return out;
    }
    if (node.value === undefined) return undefined;
    return this.strings.read(ns as never, node.value);
  }
}
