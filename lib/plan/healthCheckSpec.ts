/** The health check a node should have, derived from the fleet's settings and its address. */
import type { FleetConfig } from '../config/schema';
import type { HealthCheckSpec } from './types';

/**
 * @param address the address probed (the node's, of the record's family)
 * @param alarm with dns.address private-ipv4, the node's managed alarm (its region and name): the
 *   check watches it instead of probing the address, which Route 53's checkers cannot reach
 *   (a dual-stack private node's A and AAAA records share that one check)
 */
export function desiredHealthCheck(fleet: FleetConfig, address: string, alarm?: { region: string; name: string }): HealthCheckSpec {
  const hc = fleet.healthCheck;
  if (fleet.dns.address === 'private-ipv4') {
    if (!alarm) throw new Error('a private-ipv4 fleet needs the alarm a health check watches');
    return { type: 'CLOUDWATCH_METRIC', alarmRegion: alarm.region, alarmName: alarm.name, insufficientDataHealthStatus: hc.insufficientDataHealthStatus };
  }
  if (hc.protocol === 'TCP') {
    return { type: 'TCP', ipAddress: address, port: hc.port, requestInterval: hc.requestInterval, failureThreshold: hc.failureThreshold };
  }
  return {
    type: hc.searchString ? `${hc.protocol}_STR_MATCH` : hc.protocol,
    ipAddress: address,
    port: hc.port,
    resourcePath: hc.path,
    ...(hc.host ? { fullyQualifiedDomainName: hc.host } : {}),
    ...(hc.searchString ? { searchString: hc.searchString } : {}),
    requestInterval: hc.requestInterval,
    failureThreshold: hc.failureThreshold,
  };
}

const KEYS: (keyof HealthCheckSpec)[] = [
  'type',
  'ipAddress',
  'port',
  'resourcePath',
  'fullyQualifiedDomainName',
  'searchString',
  'requestInterval',
  'failureThreshold',
  'alarmRegion',
  'alarmName',
  'insufficientDataHealthStatus',
];

/** True when every setting we own matches; settings we do not own are ignored. */
export function specMatches(want: HealthCheckSpec, have: HealthCheckSpec): boolean {
  return KEYS.every((k) => want[k] === have[k]);
}

/** One text per set of settings we own: equal keys, one check (a dual-stack private node's two records share it). */
export function specKey(spec: HealthCheckSpec): string {
  return JSON.stringify(KEYS.map((k) => spec[k] ?? null));
}

/** What differs, for the log line that explains a replacement. */
export function specDiff(want: HealthCheckSpec, have: HealthCheckSpec): string {
  return KEYS.filter((k) => want[k] !== have[k])
    .map((k) => `${k} ${String(have[k] ?? '-')} -> ${String(want[k] ?? '-')}`)
    .join(', ');
}
