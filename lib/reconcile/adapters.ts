/** The adapters one reconcile uses, built from the injectable SDK clients. */
import type { AwsClients } from '../aws/clients';
import { AutoScalingAdapter } from '../aws/autoscaling';
import { Ec2Adapter } from '../aws/ec2';
import { Route53Adapter } from '../aws/route53';
import { AddressAdapter } from '../aws/addresses';
import { CloudWatchAdapter } from '../aws/cloudwatch';
import { SsmAdapter } from '../aws/ssm';

export interface Adapters {
  route53: Route53Adapter;
  autoScaling: AutoScalingAdapter;
  ec2: Ec2Adapter;
  addresses: AddressAdapter;
  cloudWatch: CloudWatchAdapter;
  ssm: SsmAdapter;
}

export function adaptersFor(clients: AwsClients): Adapters {
  return {
    route53: new Route53Adapter(clients.route53),
    autoScaling: new AutoScalingAdapter(clients.autoScaling),
    ec2: new Ec2Adapter(clients.ec2),
    addresses: new AddressAdapter(clients.ec2),
    cloudWatch: new CloudWatchAdapter(clients.cloudWatch),
    ssm: new SsmAdapter(clients.ssm),
  };
}
