/**
 * The part of every handler's dependencies that is not an SDK client.
 *
 * The deployed configuration is the repository's fleet.config.json, bundled into each function
 * at package time, so a deployment always runs the configuration it was deployed with.
 * Validation happens here, at cold start: a bad file fails before any event is handled.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import bundledConfig from '../../fleet.config.json';
import { parseConfig, type Config } from '../config/load';
import { readRuntimeSettings, type RuntimeSettings } from '../config/env';
import { ConfigError } from '../errors';
import type { MetricsSink } from '../metrics/emf';

export const SERVICE_NAME = 'haproxy-fleet-control';

export interface BaseDeps {
  config: Config;
  settings: RuntimeSettings;
  logger: Logger;
  /** The clock; the simulated account passes its own virtual time. */
  now?: () => Date;
  /** Where the control plane's own metrics go (CloudWatch EMF when deployed); none in tests unless given. */
  metrics?: MetricsSink;
}

export function baseDeps(): BaseDeps {
  const config = parseConfig(bundledConfig);
  const settings = readRuntimeSettings();
  const managing = config.fleets.filter((f) => f.alarms?.manage).map((f) => f.name);
  if (managing.length && !settings.alarmTopicArn) {
    throw new ConfigError(`fleets ${managing.join(', ')} manage their alarms, but ALARM_TOPIC_ARN is not set (serverless.yml sets it)`, [
      'ALARM_TOPIC_ARN: required when alarms.manage is true',
    ]);
  }
  const pushing = config.fleets.filter((f) => f.haproxy).map((f) => f.name);
  if (pushing.length && !settings.configDocumentName) {
    throw new ConfigError(`fleets ${pushing.join(', ')} have an haproxy section, but CONFIG_DOCUMENT_NAME is not set (serverless.yml sets it)`, [
      'CONFIG_DOCUMENT_NAME: required when a fleet has haproxy',
    ]);
  }
  if (pushing.length && !settings.measureDocumentName) {
    // Without it every drain would run to its timeout: refused rather than silently slow.
    throw new ConfigError(`fleets ${pushing.join(', ')} have an haproxy section, but MEASURE_DOCUMENT_NAME is not set (serverless.yml sets it)`, [
      'MEASURE_DOCUMENT_NAME: required when a fleet has haproxy',
    ]);
  }
  // Every line says whether this control plane acts: a shadow deployment's plans are only plans.
  const mode = settings.mode === 'shadow' ? 'shadow' : settings.dryRun ? 'dry-run' : 'active';
  return { config, settings, logger: new Logger({ serviceName: SERVICE_NAME, persistentKeys: { mode } }) };
}
