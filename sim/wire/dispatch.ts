/**
 * One AWS request in, one AWS response out: finds the service and operation a request names,
 * reads its input by the operation's schema, runs it on the simulated account (the same entry the
 * in-process SDK middleware uses: SimAccount.call) and writes the output or the error the way the
 * service's protocol does. An operation the account does not serve gets an AWS-shaped error that
 * names it, never an HTML page or a hang.
 */
import type { SimAccount } from '../account';
import type { ServiceSim } from '../service';
import { FormInputReader, formTree } from './formInput';
import { jsonContentType, jsonError, jsonInput, jsonOperation, jsonOutput } from './json';
import { matchRoute, type RestRoute, restInput, routesOf } from './restXml';
import { identifyService, inputSchemaOf, operationSchema, outputSchemaOf, WIRE_SERVICES, type WireService } from './services';
import { splitHttpBindings, xmlError, xmlOutput } from './xmlOutput';

export interface WireRequest {
  method: string;
  /** Path and query string, as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** For the server's log: the operation, and the error code when it failed. */
  operation?: string;
  error?: string;
}

/** The operations the account serves for a service: its simulation's methods the SDK also declares. */
export function servedOperations(sim: ServiceSim, wire: WireService): string[] {
  const ops = new Set<string>();
  for (let proto = Object.getPrototypeOf(sim); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (/^[A-Z]/.test(name) && typeof (sim as unknown as Record<string, unknown>)[name] === 'function' && operationSchema(wire, name)) ops.add(name);
    }
  }
  return [...ops].sort();
}

class WireError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export class Dispatcher {
  private requests = 0;
  private readonly routes: RestRoute[];
  private readonly served = new Map<WireService, Set<string>>();

  constructor(private readonly account: SimAccount) {
    for (const wire of WIRE_SERVICES) this.served.set(wire, new Set(servedOperations(account.simOf(wire.service), wire)));
    // Every Route 53 operation the SDK defines is routed, so one the account does not serve is named.
    const route53 = WIRE_SERVICES.find((w) => w.protocol === 'restXml')!;
    const all = Object.keys(route53.module).flatMap((k) => (k.endsWith('$') && operationSchema(route53, k.slice(0, -1)) ? [k.slice(0, -1)] : []));
    this.routes = routesOf(all, (op) => operationSchema(route53, op));
  }

  /** Every served operation, by service (for the control endpoint and the docs' test). */
  operations(): Record<string, string[]> {
    return Object.fromEntries([...this.served].map(([w, ops]) => [w.service, [...ops]]));
  }

  async handle(req: WireRequest): Promise<WireResponse> {
    const requestId = `sim-${(++this.requests).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const url = new URL(req.url, 'http://127.0.0.1');
    const wire = identifyService(req.headers, url.pathname, req.body);
    if (!wire) return unknownService(req, url, requestId);
    let op = '(unknown)';
    try {
      const { name, input, code } = this.decodeOrRefuse(wire, req, url);
      op = name;
      const output = await this.account.call(wire.service, op, input);
      return { ...this.encode(wire, op, output, code, requestId), operation: `${wire.signingName} ${op}` };
    } catch (err) {
      const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      let code = e instanceof WireError ? e.code : (e.name ?? 'InternalFailure');
      let status = e instanceof WireError ? e.status : (e.$metadata?.httpStatusCode ?? 500);
      let message = e.message ?? String(err);
      if (e.name === 'NotModelledError') {
        code = wire.protocol.startsWith('awsJson') ? 'UnknownOperationException' : 'InvalidAction';
        status = 400;
        message = `the simulated account does not implement ${wire.signingName} ${op}`;
      } else if (!(e instanceof WireError) && !e.$metadata) {
        // A fault of the simulation itself (an input it does not check, a bug): 501, which the SDK
        // does not retry, naming the operation.
        code = 'NotImplemented';
        status = 501;
        message = `the simulated account failed on ${wire.signingName} ${op}: ${message}`;
      }
      const fields = e instanceof WireError ? {} : (err as Record<string, unknown>);
      return { ...this.encodeError(wire, code, message, status, requestId, fields), operation: `${wire.signingName} ${op}`, error: code };
    }
  }

  /** `decode`, with a request it cannot read (bad XML, JSON of the wrong shape, a bad escape) refused as AWS does: 400. */
  private decodeOrRefuse(wire: WireService, req: WireRequest, url: URL): { name: string; input: Record<string, unknown>; code: number } {
    try {
      return this.decode(wire, req, url);
    } catch (err) {
      if (err instanceof WireError) throw err;
      const code = wire.protocol === 'restXml' ? 'InvalidInput' : wire.protocol.startsWith('awsJson') ? 'SerializationException' : 'MalformedQueryString';
      throw new WireError(code, `the request could not be read: ${(err as Error).message}`);
    }
  }

  private decode(wire: WireService, req: WireRequest, url: URL): { name: string; input: Record<string, unknown>; code: number } {
    const unknown = (op: string) => {
      throw new WireError(
        wire.protocol.startsWith('awsJson') ? 'UnknownOperationException' : 'InvalidAction',
        `the simulated account does not implement ${wire.signingName} ${op}`,
      );
    };
    if (wire.protocol === 'restXml') {
      const match = matchRoute(this.routes, req.method, url.pathname, url.searchParams);
      if (!match)
        throw new WireError('InvalidAction', `the simulated account does not implement a ${wire.signingName} operation at ${req.method} ${url.pathname}`, 404);
      if (!this.served.get(wire)!.has(match.route.op)) unknown(match.route.op);
      return { name: match.route.op, input: restInput(wire, match.route, match.labels, url.searchParams, req.headers, req.body), code: match.route.code };
    }
    if (wire.protocol === 'awsQuery' || wire.protocol === 'ec2Query') {
      const { action, tree } = formTree(req.method === 'GET' ? url.search.slice(1) : req.body);
      if (!action) throw new WireError('MissingAction', 'the request names no Action');
      if (!this.served.get(wire)!.has(action)) unknown(action);
      const schema = operationSchema(wire, action)!;
      return { name: action, input: new FormInputReader(wire.protocol === 'ec2Query').read(inputSchemaOf(schema), tree), code: 200 };
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = jsonOperation(wire, target);
    if (!action) throw new WireError('UnknownOperationException', `X-Amz-Target "${target}" names no ${wire.signingName} operation`);
    if (!this.served.get(wire)!.has(action)) unknown(action);
    let input: Record<string, unknown>;
    try {
      input = jsonInput(inputSchemaOf(operationSchema(wire, action)!), req.body);
    } catch (err) {
      throw new WireError('SerializationException', `the request body is not JSON: ${(err as Error).message}`);
    }
    return { name: action, input, code: 200 };
  }

  private encode(wire: WireService, op: string, output: object, code: number, requestId: string): WireResponse {
    const schema = outputSchemaOf(operationSchema(wire, op)!);
    if (wire.protocol.startsWith('awsJson')) {
      return { status: 200, headers: { 'content-type': jsonContentType(wire), 'x-amzn-requestid': requestId }, body: jsonOutput(schema, output) };
    }
    if (wire.protocol === 'restXml') {
      const { headers, body } = splitHttpBindings(schema, output as Record<string, unknown>);
      return {
        status: code,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...headers },
        body: xmlOutput(wire, op, schema, body, requestId),
      };
    }
    return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: xmlOutput(wire, op, schema, output, requestId) };
  }

  private encodeError(wire: WireService, code: string, message: string, status: number, requestId: string, fields: Record<string, unknown> = {}): WireResponse {
    if (wire.protocol.startsWith('awsJson')) {
      const { headers, body } = jsonError(wire, code, message, status);
      return { status, headers: { 'content-type': jsonContentType(wire), 'x-amzn-requestid': requestId, ...headers }, body };
    }
    return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: xmlError(wire, code, message, status, requestId, fields) };
  }
}

/**
 * A request for a service the account does not serve: named from its signature (or its JSON
 * target), answered in the protocol the client speaks (JSON when it sent a target), never a page.
 */
function unknownService(req: WireRequest, url: URL, requestId: string): WireResponse {
  const signing = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''))?.[1];
  const target = String(req.headers['x-amz-target'] ?? '');
  const action = target.split('.').pop() || /(?:^|&)Action=([^&]*)/.exec(req.body)?.[1];
  const what = signing ? `${signing}${action ? ` ${action}` : ''}` : `${req.method} ${url.pathname}`;
  const message = `the simulated account does not serve ${what} (it serves Route 53, EC2, Auto Scaling, CloudWatch, SSM and CloudFormation)`;
  if (target !== '' || /json/.test(String(req.headers['content-type'] ?? ''))) {
    return {
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, 'x-amzn-errortype': 'UnknownOperationException' },
      body: JSON.stringify({ __type: 'UnknownOperationException', message }),
      error: 'UnknownOperationException',
    };
  }
  return {
    status: 400,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    error: 'InvalidAction',
  };
}
