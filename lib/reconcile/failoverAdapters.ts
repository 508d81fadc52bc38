/** The adapters of the failover path, without Route 53 (see lib/aws/failoverClients.ts). */
import { AddressAdapter } from '../aws/addresses';
import { AutoScalingAdapter } from '../aws/autoscaling';
import { CloudWatchAdapter } from '../aws/cloudwatch';
import { Ec2Adapter } from '../aws/ec2';
import type { FailoverClients } from '../aws/failoverClients';
import type { Adapters } from './adapters';

export type FailoverAdapters = Pick<Adapters, 'addresses' | 'cloudWatch' | 'autoScaling' | 'ec2'>;

export function failoverAdaptersFor(clients: FailoverClients): FailoverAdapters {
  return {
    addresses: new AddressAdapter(clients.ec2),
    cloudWatch: new CloudWatchAdapter(clients.cloudWatch),
    autoScaling: new AutoScalingAdapter(clients.autoScaling),
    ec2: new Ec2Adapter(clients.ec2),
  };
}
