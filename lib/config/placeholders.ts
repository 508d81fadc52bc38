/**
 * The example configuration's placeholder values, which must be replaced before a real deploy:
 * with a group that does not exist the hook creation fails and the first stack rolls back; with
 * a zone that does not exist the deploy succeeds and every run fails until launches are
 * ABANDONed. `serverless deploy` refuses them, `serverless package` warns (CI, the demo and
 * offline work package the example as it is). Each problem names the field and the command that
 * lists the real values.
 */
import type { Config } from './schema';

/** The group names the repository's example configurations use. */
export const EXAMPLE_GROUP_NAMES = ['edge-haproxy', 'web-app', 'api-app'];

/** Names reserved for documentation and testing (RFC 2606, RFC 6761): never a real public zone. */
const RESERVED_NAME = /(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid|localhost)\.?$/i;

const LIST_ZONES = 'aws route53 list-hosted-zones --query "HostedZones[].[Id,Name]" --output table';
const LIST_GROUPS = 'aws autoscaling describe-auto-scaling-groups --query "AutoScalingGroups[].AutoScalingGroupName" --output table';

export function placeholderProblems(config: Config): string[] {
  const problems: string[] = [];
  config.fleets.forEach((f, i) => {
    const at = `fleets[${i}]`;
    if (/EXAMPLE/i.test(f.dns.hostedZoneId))
      problems.push(`${at}.dns.hostedZoneId: "${f.dns.hostedZoneId}" is the example's placeholder: put your hosted zone's id (${LIST_ZONES})`);
    if (RESERVED_NAME.test(f.dns.recordName))
      problems.push(
        `${at}.dns.recordName: "${f.dns.recordName}" is a name reserved for documentation (RFC 2606): put the name your clients resolve, in that zone`,
      );
    if (EXAMPLE_GROUP_NAMES.includes(f.autoScalingGroupName))
      problems.push(
        `${at}.autoScalingGroupName: "${f.autoScalingGroupName}" is the example's group name: put your HAProxy Auto Scaling group's name (${LIST_GROUPS})`,
      );
    (f.haproxy?.backends ?? []).forEach((b, j) => {
      if ('autoScalingGroup' in b.servers && EXAMPLE_GROUP_NAMES.includes(b.servers.autoScalingGroup)) {
        problems.push(
          `${at}.haproxy.backends[${j}].servers.autoScalingGroup: "${b.servers.autoScalingGroup}" is the example's group name: put your application group's name (${LIST_GROUPS})`,
        );
      }
    });
  });
  return problems;
}
