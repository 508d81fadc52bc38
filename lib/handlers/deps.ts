/**
 * What a handler needs, gathered once per cold start: the validated configuration, the runtime
 * settings, the SDK clients and the logger. Tests and the demo build their own.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import bundledConfig from '../../fleet.config.json';
import { defaultClients, type AwsClients } from '../aws/clients';
import { parseConfig, type Config } from '../config/load';
import { readRuntimeSettings, type RuntimeSettings } from '../config/env';

export interface HandlerDeps {
  config: Config;
  settings: RuntimeSettings;
  clients: AwsClients;
  logger: Logger;
  /** The clock; the simulated account passes its own virtual time. */
  now?: () => Date;
}

export const SERVICE_NAME = 'haproxy-fleet-control';

/**
 * The deployed configuration is the repository's fleet.config.json, bundled into each function
 * at package time, so a deployment always runs the configuration it was deployed with.
 * Validation happens here, at cold start: a bad file fails before any event is handled.
 */
export function defaultDeps(): HandlerDeps {
  return {
    config: parseConfig(bundledConfig),
    settings: readRuntimeSettings(),
    clients: defaultClients(),
    logger: new Logger({ serviceName: SERVICE_NAME }),
  };
}
