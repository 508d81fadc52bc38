/**
 * The alarm function's floor (npm run bench:bundle): the SDK clients its bundle carries (EC2,
 * Auto Scaling, CloudWatch), each constructed with the function's settings and one command, and
 * nothing sent. Bundled with the function's own esbuild options, its module load is what the
 * function's cannot go below; the function's own code, logger and parsers are the difference.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { AssociateAddressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DEFAULTS } from '../../lib/aws/clientDefaults';

export const clients = [new EC2Client({ ...DEFAULTS }), new AutoScalingClient({ ...DEFAULTS }), new CloudWatchClient({ ...DEFAULTS })];

export const commands = [
  new AssociateAddressCommand({ AllocationId: 'eipalloc-0', NetworkInterfaceId: 'eni-0', AllowReassociation: true }),
  new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['edge-haproxy'] }),
  new DescribeAlarmsCommand({ AlarmNamePrefix: 'hfc-' }),
];
