/** Which fleet an event is about (lib/config/fleets.ts). */
import { describe, expect, it } from 'vitest';
import { fleetOfAlarm, fleetOfGroup } from '../../lib/config/fleets';
import { parseConfig } from '../../lib/config/load';

const fleet = (name: string, group: string, extra: Record<string, unknown> = {}) => ({
  name,
  autoScalingGroupName: group,
  dns: { hostedZoneId: 'Z0EXAMPLE', recordName: `${name}.example.com`, address: 'elastic-ip' },
  healthCheck: { protocol: 'TCP', port: 8404 },
  elasticIps: {},
  alarms: {},
  ...extra,
});
const config = parseConfig({
  fleets: [
    fleet('edge', 'edge-asg', { haproxy: { backends: [{ name: 'app', servers: { autoScalingGroup: 'app-asg' }, port: 80 }] } }),
    fleet('edge-2', 'edge2-asg'),
  ],
});

describe('fleetOfGroup', () => {
  it('a load-balancer group, an application group, or none', () => {
    expect(fleetOfGroup(config, 'edge-asg')).toMatchObject({ fleet: { name: 'edge' }, tier: 'load-balancers' });
    expect(fleetOfGroup(config, 'app-asg')).toMatchObject({ fleet: { name: 'edge' }, tier: 'application' });
    expect(fleetOfGroup(config, 'batch')).toBeUndefined();
  });
});

describe('fleetOfAlarm', () => {
  it('the longest prefix wins: hfc-hfc-edge- never captures hfc-hfc-edge-2-...', () => {
    expect(fleetOfAlarm(config, 'hfc-hfc-edge-2-i-0123456789abcdef0')?.name).toBe('edge-2');
    expect(fleetOfAlarm(config, 'hfc-hfc-edge-i-0123456789abcdef0')?.name).toBe('edge');
    expect(fleetOfAlarm(config, 'billing')).toBeUndefined();
  });
});
