/**
 * What a handler needs, gathered once per cold start: the validated configuration, the runtime
 * settings, the SDK clients and the logger. Tests and the demo build their own.
 *
 * The configuration and settings come from baseDeps.ts (no SDK import); each function adds only
 * the clients it uses, so the alarm function's bundle carries no Route 53 client.
 */
import { defaultClients, type AwsClients } from '../aws/clients';
import { EmfSink } from '../metrics/emf';
import { baseDeps, type BaseDeps, SERVICE_NAME } from './baseDeps';

export interface HandlerDeps<C = AwsClients> extends BaseDeps {
  clients: C;
}

export function defaultDeps(): HandlerDeps {
  return { ...baseDeps(), clients: defaultClients(), metrics: new EmfSink(SERVICE_NAME) };
}

export { SERVICE_NAME } from './baseDeps';
