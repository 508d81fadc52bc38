import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventParseError } from '../../lib/errors';
import { parseLifecycleEvent } from '../../lib/events/lifecycle';
import { parseScheduledEvent } from '../../lib/events/scheduled';
import { parseAlarmEvent } from '../../lib/events/alarm';
import { isEc2Event, parseEc2Event } from '../../lib/events/ec2';

const sample = (name: string) => JSON.parse(readFileSync(`events/${name}`, 'utf8'));

describe('parseLifecycleEvent', () => {
  it('SNS launching sample', () => {
    expect(parseLifecycleEvent(sample('sns-lifecycle-launching.json'))).toEqual([
      {
        kind: 'lifecycle',
        via: 'sns',
        groupName: 'edge-haproxy',
        instanceId: 'i-0a1b2c3d4e5f60718',
        transition: 'launching',
        hookName: 'edge-hfc-launching',
        token: '71d2a0e4-3b5c-4f6d-8e9a-0b1c2d3e4f50',
        origin: 'EC2',
        destination: 'AutoScalingGroup',
        metadata: { fleet: 'edge' },
        requestId: '4e6156f4-a9e2-d0a5-4c3a-8c1b2e7f3a91',
        time: '2026-11-22T10:00:00.000Z',
      },
    ]);
  });

  it('EventBridge and SNS deliveries of the same action parse to the same message', () => {
    const strip = ({ via: _v, requestId: _r, time: _t, ...rest }: Record<string, unknown>) => rest;
    const [sns] = parseLifecycleEvent(sample('sns-lifecycle-launching.json'));
    const [eb] = parseLifecycleEvent(sample('eventbridge-lifecycle-launching.json'));
    expect(strip(eb as never)).toEqual(strip(sns as never));
  });

  it('EventBridge terminating sample with NotificationMetadata as an object', () => {
    expect(parseLifecycleEvent(sample('eventbridge-lifecycle-terminating.json'))[0]).toMatchObject({
      transition: 'terminating',
      origin: 'AutoScalingGroup',
      destination: 'EC2',
      metadata: { fleet: 'edge' },
      via: 'eventbridge',
    });
  });

  it('SNS terminating sample without metadata', () => {
    const [msg] = parseLifecycleEvent(sample('sns-lifecycle-terminating.json'));
    expect(msg).toMatchObject({ transition: 'terminating', hookName: 'edge-hfc-terminating' });
    expect(msg).not.toHaveProperty('metadata');
  });

  it('free-text metadata is kept as text', () => {
    const event = sample('sns-lifecycle-launching.json');
    const body = JSON.parse(event.Records[0].Sns.Message);
    event.Records[0].Sns.Message = JSON.stringify({ ...body, NotificationMetadata: 'plain words' });
    expect(parseLifecycleEvent(event)[0]).toMatchObject({ metadata: 'plain words' });
  });

  it('the test notification becomes a test message', () => {
    expect(parseLifecycleEvent(sample('sns-test-notification.json'))).toEqual([
      { kind: 'test', groupName: 'edge-haproxy', requestId: '0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f', via: 'sns' },
    ]);
  });

  it("an EventBridge event whose detail-type disagrees with its LifecycleTransition is not Auto Scaling's: rejected, naming the field", () => {
    const event = sample('eventbridge-lifecycle-launching.json');
    event.detail.LifecycleTransition = 'autoscaling:EC2_INSTANCE_TERMINATING';
    expect(() => parseLifecycleEvent(event)).toThrow(
      /^detail-type: must be "EC2 Instance-terminate Lifecycle Action" for LifecycleTransition autoscaling:EC2_INSTANCE_TERMINATING/,
    );
  });
  it('a scheduled event sent to the lifecycle function is rejected', () => {
    expect(() => parseLifecycleEvent(sample('scheduled.json'))).toThrow(EventParseError);
  });

  it('lists every bad field, the first as the path', () => {
    const event = sample('eventbridge-lifecycle-launching.json');
    delete event.detail.EC2InstanceId;
    event.detail.LifecycleActionToken = '';
    try {
      parseLifecycleEvent(event);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EventParseError);
      expect((err as EventParseError).path).toBe('detail.EC2InstanceId');
      expect((err as Error).message).toContain('detail.LifecycleActionToken');
    }
  });
});

describe('envelopes (Powertools SnsSchema, EventBridgeSchema)', () => {
  // Every field AWS always sends in an envelope is required: a hand-made event missing one is
  // named, before any AWS call, instead of being half-read.
  type Spoil = (e: Record<string, any>) => unknown;
  it.each<{ name: string; spoil: Spoil; path: string }>([
    { name: 'sns-lifecycle-launching.json', spoil: (e) => delete e.Records[0].Sns.TopicArn, path: 'Records[0].Sns.TopicArn' },
    { name: 'sns-lifecycle-launching.json', spoil: (e) => (e.Records[0].Sns.Timestamp = 'yesterday'), path: 'Records[0].Sns.Timestamp' },
    { name: 'sns-lifecycle-launching.json', spoil: (e) => (e.Records = []), path: 'Records' },
    { name: 'eventbridge-lifecycle-launching.json', spoil: (e) => delete e.account, path: 'account' },
    { name: 'eventbridge-lifecycle-launching.json', spoil: (e) => (e.source = 'aws.ec2'), path: 'source' },
  ])('$name: a bad $path is named', ({ name, spoil, path }) => {
    const event = sample(name);
    spoil(event);
    expect(() => parseLifecycleEvent(event)).toThrow(new RegExp(`^${path.replace(/[[\].]/g, '\\$&')}: `));
  });

  it('an alarm event from EventBridge without its resources is named', () => {
    const event = sample('alarm-eventbridge-ok.json');
    delete event.resources;
    expect(() => parseAlarmEvent(event)).toThrow(/^resources: /);
  });
});

describe('parseScheduledEvent', () => {
  it('accepts the sample and returns the rule', () => {
    expect(parseScheduledEvent(sample('scheduled.json')).rule).toMatch(/^arn:aws:events:.*:rule\//);
  });
  it('rejects a lifecycle event', () => {
    expect(() => parseScheduledEvent(sample('eventbridge-lifecycle-launching.json'))).toThrow(/^source: /);
  });
});

describe('parseAlarmEvent', () => {
  it('SNS alarm sample: the alarm, its new state and the InstanceId dimension', () => {
    expect(parseAlarmEvent(sample('alarm-sns-alarm.json'))).toEqual([
      expect.objectContaining({
        alarmName: 'hfc-hfc-edge-i-0a1b2c3d4e5f60718',
        newState: 'ALARM',
        oldState: 'OK',
        instanceId: 'i-0a1b2c3d4e5f60718',
        via: 'sns',
      }),
    ]);
  });
  it('EventBridge sample: the same fields from the "CloudWatch Alarm State Change" shape', () => {
    expect(parseAlarmEvent(sample('alarm-eventbridge-ok.json'))).toEqual([
      expect.objectContaining({
        alarmName: 'hfc-hfc-edge-i-0a1b2c3d4e5f60718',
        newState: 'OK',
        oldState: 'ALARM',
        instanceId: 'i-0a1b2c3d4e5f60718',
        via: 'eventbridge',
      }),
    ]);
  });
  it("CloudWatch's Lambda alarm action sample (the alarm invokes the function directly): the same fields from alarmData", () => {
    expect(parseAlarmEvent(sample('alarm-lambda-action-alarm.json'))).toEqual([
      {
        alarmName: 'hfc-hfc-edge-i-0a1b2c3d4e5f60718',
        alarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:hfc-hfc-edge-i-0a1b2c3d4e5f60718',
        newState: 'ALARM',
        oldState: 'OK',
        time: '2026-11-22T10:00:01.000+0000',
        instanceId: 'i-0a1b2c3d4e5f60718',
        via: 'lambda-action',
      },
    ]);
  });
  it('a Lambda alarm action without its alarm name names the field', () => {
    const event = sample('alarm-lambda-action-alarm.json');
    delete event.alarmData.alarmName;
    expect(() => parseAlarmEvent(event)).toThrow(/^alarmData\.alarmName: /);
  });
  it('a composite alarm (alarmRule, no metrics) is read without an instance', () => {
    const event = sample('alarm-lambda-action-alarm.json');
    event.alarmData.configuration = { alarmRule: 'ALARM(a) OR ALARM(b)' };
    expect(parseAlarmEvent(event)[0]).not.toHaveProperty('instanceId');
  });
  it('a lifecycle event is not an alarm', () => {
    expect(() => parseAlarmEvent(sample('eventbridge-lifecycle-launching.json'))).toThrow(EventParseError);
  });
  it('an unknown state names the field', () => {
    const event = sample('alarm-eventbridge-ok.json');
    event.detail.state.value = 'BROKEN';
    expect(() => parseAlarmEvent(event)).toThrow(/^detail\.state\.value: /);
  });
});

describe('parseEc2Event', () => {
  it('Spot interruption warning sample: the instance, the action and the time of the announcement', () => {
    expect(parseEc2Event(sample('ec2-spot-interruption-warning.json'))).toEqual({
      instanceId: 'i-0a1b2c3d4e5f60718',
      signal: { kind: 'spot-interruption', action: 'terminate' },
      time: '2026-11-22T10:06:00.000Z',
      eventId: '1e5527d7-bb36-4607-3370-4164db56a40e',
    });
  });
  it('rebalance recommendation and state-change samples', () => {
    expect(parseEc2Event(sample('ec2-rebalance-recommendation.json'))).toMatchObject({ signal: { kind: 'rebalance-recommendation' } });
    expect(parseEc2Event(sample('ec2-state-change-stopping.json'))).toMatchObject({ signal: { kind: 'state-change', state: 'stopping' } });
    expect(parseEc2Event(sample('ec2-state-change-shutting-down.json'))).toMatchObject({ signal: { kind: 'state-change', state: 'shutting-down' } });
  });
  it('every documented state parses (which of them end a node is the planner’s call)', () => {
    const event = sample('ec2-state-change-stopping.json');
    for (const state of ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated']) {
      event.detail.state = state;
      expect(parseEc2Event(event).signal).toEqual({ kind: 'state-change', state });
    }
  });
  it('names the bad field: a missing instance id, an unknown state or action, a missing envelope field', () => {
    const noId = sample('ec2-spot-interruption-warning.json');
    delete noId.detail['instance-id'];
    expect(() => parseEc2Event(noId)).toThrow(/^detail\.instance-id: /);
    const state = sample('ec2-state-change-stopping.json');
    state.detail.state = 'rebooting';
    expect(() => parseEc2Event(state)).toThrow(/^detail\.state: /);
    const action = sample('ec2-spot-interruption-warning.json');
    action.detail['instance-action'] = 'explode';
    expect(() => parseEc2Event(action)).toThrow(/^detail\.instance-action: /);
    const bad = sample('ec2-rebalance-recommendation.json');
    bad.detail['instance-id'] = 'i-xyz';
    expect(() => parseEc2Event(bad)).toThrow(/^detail\.instance-id: must be an instance id/);
    const noResources = sample('ec2-rebalance-recommendation.json');
    delete noResources.resources;
    expect(() => parseEc2Event(noResources)).toThrow(/^resources: /);
  });
  it('an EC2 event of another type names detail-type and what the function takes', () => {
    const event = { ...sample('ec2-state-change-stopping.json'), 'detail-type': 'EC2 Instance Launch Successful' };
    expect(() => parseEc2Event(event)).toThrow(/^detail-type: is "EC2 Instance Launch Successful"; the alarm function takes/);
  });
  it('isEc2Event tells EC2 events from the alarm shapes', () => {
    expect(isEc2Event(sample('ec2-rebalance-recommendation.json'))).toBe(true);
    for (const name of ['alarm-sns-alarm.json', 'alarm-eventbridge-ok.json', 'alarm-lambda-action-alarm.json'])
      expect(isEc2Event(sample(name)), name).toBe(false);
  });
});
