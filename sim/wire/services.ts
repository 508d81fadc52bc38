/**
 * The services as they appear on the wire (the five the product calls, and CloudFormation, which
 * `serverless invoke local` asks for the deployed stack's resources): how a request names its service (the SigV4
 * credential scope, the JSON target, the REST path, the query `Version`), which protocol each
 * speaks, and the SDK's own schema of each operation (`@aws-sdk/client-*` exports `<Op>$`), which
 * drives every parser and serialiser in this folder: nothing here is written per operation.
 */
import * as autoScaling from '@aws-sdk/client-auto-scaling';
import * as cloudFormation from '@aws-sdk/client-cloudformation';
import * as cloudWatch from '@aws-sdk/client-cloudwatch';
import * as ec2 from '@aws-sdk/client-ec2';
import * as route53 from '@aws-sdk/client-route-53';
import * as ssm from '@aws-sdk/client-ssm';
import type { SimService } from '../types';

export type WireProtocol = 'awsQuery' | 'ec2Query' | 'restXml' | 'awsJson1_0' | 'awsJson1_1';

export interface WireService {
  service: SimService;
  protocol: WireProtocol;
  /** The SigV4 signing name, as in the credential scope of the Authorization header. */
  signingName: string;
  /** The query protocols' `Version` and the XML namespace of the service's documents. */
  version: string;
  xmlNamespace: string;
  /** The Smithy namespace of the service's shapes (error `__type` in JSON). */
  namespace: string;
  /** JSON protocols: the `X-Amz-Target` prefix. */
  target?: string;
  /** CloudWatch speaks JSON with query-compatible error codes (`x-amzn-query-error`). */
  queryCompatible?: boolean;
  /** The client package's exports, where `<Op>$` is each operation's schema. */
  module: Record<string, unknown>;
}

export const WIRE_SERVICES: readonly WireService[] = [
  {
    service: 'route53',
    protocol: 'restXml',
    signingName: 'route53',
    version: '2013-04-01',
    xmlNamespace: 'https://route53.amazonaws.com/doc/2013-04-01/',
    namespace: 'com.amazonaws.route53',
    module: route53,
  },
  {
    service: 'ec2',
    protocol: 'ec2Query',
    signingName: 'ec2',
    version: '2016-11-15',
    xmlNamespace: 'http://ec2.amazonaws.com/doc/2016-11-15',
    namespace: 'com.amazonaws.ec2',
    module: ec2,
  },
  {
    service: 'autoScaling',
    protocol: 'awsQuery',
    signingName: 'autoscaling',
    version: '2011-01-01',
    xmlNamespace: 'http://autoscaling.amazonaws.com/doc/2011-01-01/',
    namespace: 'com.amazonaws.autoscaling',
    module: autoScaling,
  },
  {
    service: 'cloudWatch',
    protocol: 'awsJson1_0',
    signingName: 'monitoring',
    version: '2010-08-01',
    xmlNamespace: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
    namespace: 'com.amazonaws.cloudwatch',
    target: 'GraniteServiceVersion20100801',
    queryCompatible: true,
    module: cloudWatch,
  },
  {
    service: 'ssm',
    protocol: 'awsJson1_1',
    signingName: 'ssm',
    version: '2014-11-06',
    xmlNamespace: 'http://ssm.amazonaws.com/doc/2014-11-06/',
    namespace: 'com.amazonaws.ssm',
    target: 'AmazonSSM',
    module: ssm,
  },
  {
    service: 'cloudFormation',
    protocol: 'awsQuery',
    signingName: 'cloudformation',
    version: '2010-05-15',
    xmlNamespace: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
    namespace: 'com.amazonaws.cloudformation',
    module: cloudFormation,
  },
];

/** An operation schema as the SDK declares it: `[9, namespace, name, traits, input, output]`. */
export type OperationSchema = [number, string, string, Record<string | number, unknown> | 0, () => unknown, () => unknown];

/** The SDK's schema of `op`, or undefined when the client has no such operation. */
export function operationSchema(wire: WireService, op: string): OperationSchema | undefined {
  const schema = wire.module[`${op}$`];
  return Array.isArray(schema) && schema[0] === 9 ? (schema as OperationSchema) : undefined;
}

export function inputSchemaOf(schema: OperationSchema): unknown {
  return schema[4]();
}

export function outputSchemaOf(schema: OperationSchema): unknown {
  return schema[5]();
}

/** Which service a request is for: the credential scope says it; the protocol's own marks otherwise. */
export function identifyService(headers: Record<string, string | string[] | undefined>, path: string, body: string): WireService | undefined {
  const auth = String(headers.authorization ?? '');
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(auth);
  if (scope) return WIRE_SERVICES.find((w) => w.signingName === scope[1]);
  const target = String(headers['x-amz-target'] ?? '');
  if (target) return WIRE_SERVICES.find((w) => w.target && target.startsWith(`${w.target}.`));
  if (path.startsWith('/2013-04-01/')) return WIRE_SERVICES.find((w) => w.service === 'route53');
  const version = /(?:^|&)Version=([^&]*)/.exec(body)?.[1];
  return WIRE_SERVICES.find((w) => w.protocol.endsWith('Query') && w.version === version);
}
