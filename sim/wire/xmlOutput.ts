/**
 * Writes an operation's output, or an error, as the XML documents the query protocols and
 * Route 53's REST-XML return. The members are written by the SDK's own XmlShapeSerializer from
 * the output's schema (its xmlName, xmlFlattened and namespace traits); only the envelopes differ:
 *   awsQuery:  <OpResponse xmlns><OpResult>members</OpResult><ResponseMetadata><RequestId/>...
 *   ec2Query:  <OpResponse xmlns><requestId/>members</OpResponse>
 *   restXml:   <OutputName xmlns>members</OutputName> (members bound to headers go in headers)
 * Errors: awsQuery and Route 53 <ErrorResponse><Error><Type/><Code/><Message/></Error>...;
 * EC2 <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>.
 */
import { XmlShapeSerializer } from '@aws-sdk/core/protocols';
import { NormalizedSchema } from '@smithy/core/schema';
import type { WireService } from './services';

function serializer(wire: WireService): XmlShapeSerializer {
  return new XmlShapeSerializer({
    timestampFormat: { useTrait: true, default: 5 },
    httpBindings: wire.protocol === 'restXml',
    xmlNamespace: wire.xmlNamespace,
    serviceNamespace: wire.namespace,
  } as never);
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

type Node = { withName(name: string): Node; addAttribute(k: string, v: string): Node; toString(): string };

/** The output's members as one element named `name` (the serialiser's struct writer, renamed). */
function membersAs(wire: WireService, schema: unknown, value: object, name: string): string {
  const ns = NormalizedSchema.of(schema as never);
  if (!ns.isStructSchema() || ns.isUnitSchema()) return `<${name}/>`;
  const node = (serializer(wire) as unknown as { writeStruct(ns: NormalizedSchema, v: object, x?: string): Node }).writeStruct(ns, value, undefined);
  return node.withName(name).toString();
}

/** Headers a REST-XML output binds (`Location` of the Create operations), and the rest for the body. */
export function splitHttpBindings(schema: unknown, value: Record<string, unknown>): { headers: Record<string, string>; body: Record<string, unknown> } {
  const ns = NormalizedSchema.of(schema as never);
  const headers: Record<string, string> = {};
  const body: Record<string, unknown> = {};
  if (!ns.isStructSchema()) return { headers, body: value };
  for (const [name, member] of ns.structIterator()) {
    const traits = member.getMergedTraits() as { httpHeader?: string; httpResponseCode?: number };
    if (value[name] === undefined) continue;
    if (traits.httpHeader) headers[traits.httpHeader.toLowerCase()] = String(value[name]);
    else if (!traits.httpResponseCode) body[name] = value[name];
  }
  return { headers, body };
}

export function xmlOutput(wire: WireService, op: string, schema: unknown, value: object, requestId: string): string {
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (wire.protocol === 'awsQuery') {
    const result = membersAs(wire, schema, value, `${op}Result`);
    return `${head}<${op}Response xmlns="${wire.xmlNamespace}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${op}Response>`;
  }
  if (wire.protocol === 'ec2Query') {
    const inner = membersAs(wire, schema, value, 'x').replace(/^<x(?: [^>]*)?\/>$|^<x(?: [^>]*)?>|<\/x>$/g, '');
    return `${head}<${op}Response xmlns="${wire.xmlNamespace}"><requestId>${requestId}</requestId>${inner}</${op}Response>`;
  }
  const ns = NormalizedSchema.of(schema as never);
  const name = (ns.getMergedTraits().xmlName as string | undefined) ?? ns.getName() ?? `${op}Response`;
  const doc = membersAs(wire, schema, value, name).replace(new RegExp(`^<${name}`), `<${name} xmlns="${wire.xmlNamespace}"`);
  return `${head}${doc}`;
}

/** The service's modelled error shape named `name` (`[-3, ns, name, traits, members, types]`), if any. */
export function errorSchemaOf(wire: WireService, name: string): unknown {
  const value = wire.module[`${name}$`];
  return Array.isArray(value) && value[0] === -3 ? value : undefined;
}

/**
 * The modelled members an error carries besides its message (Route 53's InvalidChangeBatch has
 * `messages`), written inside <Error> where the SDK's error deserialiser reads them.
 */
function errorMembers(wire: WireService, code: string, fields: Record<string, unknown>): string {
  const schema = errorSchemaOf(wire, code);
  if (!schema) return '';
  const ns = NormalizedSchema.of(schema as never);
  const own: Record<string, unknown> = {};
  for (const [name] of ns.structIterator()) if (!/^message$/i.test(name) && fields[name] !== undefined) own[name] = fields[name];
  if (Object.keys(own).length === 0) return '';
  return membersAs(wire, schema, own, 'x').replace(/^<x(?: [^>]*)?\/>$|^<x(?: [^>]*)?>|<\/x>$/g, '');
}

export function xmlError(wire: WireService, code: string, message: string, status: number, requestId: string, fields: Record<string, unknown> = {}): string {
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
  const members = errorMembers(wire, code, fields);
  if (wire.protocol === 'ec2Query') {
    return `${head}<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>${members}</Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  }
  const type = status >= 500 ? 'Receiver' : 'Sender';
  const xmlns = wire.protocol === 'restXml' ? ` xmlns="${wire.xmlNamespace}"` : '';
  return `${head}<ErrorResponse${xmlns}><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>${members}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
