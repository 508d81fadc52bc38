/**
 * Route 53's REST-XML requests: which operation a method and path name (each operation's `http`
 * trait: method, URI template, success code), and its input from the path's labels, the query
 * string, headers and the XML body, all by the input's schema (httpLabel, httpQuery, httpHeader,
 * httpPayload traits). The body is read by the SDK's own XmlShapeDeserializer.
 */
import { XmlShapeDeserializer } from '@aws-sdk/core/protocols';
import { FromStringShapeDeserializer } from '@smithy/core/protocols';
import { NormalizedSchema } from '@smithy/core/schema';
import { inputSchemaOf, type OperationSchema, type WireService } from './services';

export interface RestRoute {
  op: string;
  method: string;
  /** The template's path segments; `{Name}` is a label, `{Name+}` a greedy one. */
  segments: string[];
  /** Literal query parameters the template requires (`?tagging` style), none in Route 53's use. */
  literalQuery: Record<string, string>;
  code: number;
  schema: OperationSchema;
}

export function routesOf(ops: readonly string[], schemaOf: (op: string) => OperationSchema | undefined): RestRoute[] {
  const routes: RestRoute[] = [];
  for (const op of ops) {
    const schema = schemaOf(op);
    const http = schema?.[3] ? (schema[3] as { http?: [string, string, number] }).http : undefined;
    if (!schema || !http) continue;
    const [path, query = ''] = http[1].split('?');
    routes.push({
      op,
      method: http[0],
      segments: path!.split('/').filter(Boolean),
      literalQuery: Object.fromEntries(new URLSearchParams(query)),
      code: http[2],
      schema,
    });
  }
  return routes;
}

/** The route a request takes and its labels' values, or undefined when none matches. */
export function matchRoute(
  routes: readonly RestRoute[],
  method: string,
  pathname: string,
  query: URLSearchParams,
): { route: RestRoute; labels: Record<string, string> } | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  for (const route of routes) {
    if (route.method !== method) continue;
    if (Object.entries(route.literalQuery).some(([k, v]) => query.get(k) !== v && !(v === '' && query.has(k)))) continue;
    const labels: Record<string, string> = {};
    let ok = true;
    let i = 0;
    for (const seg of route.segments) {
      const label = /^\{(\w+)(\+?)\}$/.exec(seg);
      if (label?.[2]) {
        labels[label[1]!] = parts.slice(i).join('/');
        i = parts.length;
        break;
      }
      const part = parts[i++];
      if (part === undefined) {
        ok = false;
        break;
      }
      if (label) labels[label[1]!] = part;
      else if (part !== seg) {
        ok = false;
        break;
      }
    }
    if (ok && i === parts.length) return { route, labels };
  }
  return undefined;
}

const SETTINGS = { timestampFormat: { useTrait: true, default: 5 }, httpBindings: true };

/** The operation's input from the request's labels, query, headers and body. */
export function restInput(
  wire: WireService,
  route: RestRoute,
  labels: Record<string, string>,
  query: URLSearchParams,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): Record<string, unknown> {
  const ns = NormalizedSchema.of(inputSchemaOf(route.schema) as never);
  const strings = new FromStringShapeDeserializer(SETTINGS as never);
  const input: Record<string, unknown> = {};
  if (!ns.isStructSchema()) return input;
  let bodyMembers = false;
  for (const [name, member] of ns.structIterator()) {
    const traits = member.getMergedTraits() as { httpLabel?: number; httpQuery?: string; httpHeader?: string; httpPayload?: number };
    if (traits.httpLabel) {
      if (labels[name] !== undefined) input[name] = strings.read(member as never, labels[name]!);
    } else if (traits.httpQuery) {
      const values = query.getAll(traits.httpQuery);
      if (values.length) input[name] = member.isListSchema() ? values : strings.read(member as never, values[0]!);
    } else if (traits.httpHeader) {
      const value = headers[traits.httpHeader.toLowerCase()];
      if (value !== undefined) input[name] = strings.read(member as never, String(value));
    } else bodyMembers = true;
  }
  if (bodyMembers && body.trim()) {
    const parsed = new XmlShapeDeserializer({ ...SETTINGS, xmlNamespace: wire.xmlNamespace, serviceNamespace: wire.namespace } as never).read(
      ns as never,
      new TextEncoder().encode(body),
    ) as Record<string, unknown>;
    for (const [k, v] of Object.entries(parsed ?? {})) if (input[k] === undefined && v !== undefined) input[k] = v;
  }
  return input;
}
