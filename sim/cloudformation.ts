/**
 * The slice of CloudFormation a deployed stack shows: its resources' logical and physical ids.
 * Nothing in the product calls CloudFormation; `serverless invoke local` does, to resolve the
 * functions' `Ref` environment variables (ALARM_TOPIC_ARN, CONFIG_DOCUMENT_NAME) from the deployed
 * stack with ListStackResources, so a served account that stands for a deployed control plane
 * carries its stack (scripts/simSeed.mts puts it).
 */
import type { ListStackResourcesCommandInput, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import type { SimAccount } from './account';
import { ServiceSim } from './service';

export interface SimStackResource {
  logicalId: string;
  physicalId: string;
  type: string;
}

const PAGE = 100;

export class CloudFormationSim extends ServiceSim {
  protected readonly service = 'cloudFormation' as const;
  private readonly stacks = new Map<string, { id: string; resources: SimStackResource[] }>();

  constructor(private readonly account: SimAccount) {
    super();
  }

  /** Records a stack as deployed, with its resources. */
  putStack(name: string, resources: SimStackResource[]): void {
    const id = `arn:aws:cloudformation:${this.account.region}:${this.account.accountId}:stack/${name}/${this.account.ec2.ids.uuid()}`;
    this.stacks.set(name, { id, resources: [...resources] });
  }

  ListStackResources(input: ListStackResourcesCommandInput) {
    const stack = this.stacks.get(input.StackName ?? '') ?? [...this.stacks.values()].find((s) => s.id === input.StackName);
    if (!stack) this.fail('ValidationError', `Stack with id ${input.StackName} does not exist`);
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const page = stack.resources.slice(start, start + PAGE);
    const now = this.account.now();
    const summaries: StackResourceSummary[] = page.map((r) => ({
      LogicalResourceId: r.logicalId,
      PhysicalResourceId: r.physicalId,
      ResourceType: r.type,
      LastUpdatedTimestamp: now,
      ResourceStatus: 'CREATE_COMPLETE',
      DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
    }));
    return { StackResourceSummaries: summaries, ...(start + PAGE < stack.resources.length ? { NextToken: String(start + PAGE) } : {}) };
  }
}
