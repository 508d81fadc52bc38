/**
 * The five SDK clients of the lifecycle and reconcile functions, constructed as lib/aws/clients.ts
 * does (the same settings), each with one command it sends, for their floors. Nothing is sent.
 */
import { AutoScalingClient, CompleteLifecycleActionCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { AssociateAddressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { SendCommandCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DEFAULTS, ROUTE53_DEFAULTS } from '../../lib/aws/clientDefaults';

export function allClients() {
  return {
    clients: [
      new Route53Client({ ...ROUTE53_DEFAULTS }),
      new AutoScalingClient({ ...DEFAULTS }),
      new EC2Client({ ...DEFAULTS }),
      new CloudWatchClient({ ...DEFAULTS }),
      new SSMClient({ ...DEFAULTS }),
    ],
    commands: [
      new ChangeResourceRecordSetsCommand({ HostedZoneId: 'Z0', ChangeBatch: { Changes: [] } }),
      new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'edge-haproxy', LifecycleHookName: 'launching', LifecycleActionResult: 'CONTINUE' }),
      new AssociateAddressCommand({ AllocationId: 'eipalloc-0', NetworkInterfaceId: 'eni-0', AllowReassociation: true }),
      new DescribeAlarmsCommand({ AlarmNamePrefix: 'hfc-' }),
      new SendCommandCommand({ DocumentName: 'hfc-apply', InstanceIds: ['i-0'] }),
    ],
  };
}
