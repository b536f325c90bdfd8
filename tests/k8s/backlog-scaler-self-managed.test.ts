/**
 * BacklogScaler on a self-managed broker (issue 27): the cluster label instead of instance_id, and KEDA's auth to
 * an in-cluster Prometheus (none, bearer, basic). Expected values are written out by hand.
 */
import { Chart, Testing } from 'cdk8s';
import { BacklogScaler, type BacklogScalerProps, validateBacklogScalerProps } from '../../constructs/k8s';
import { ConstructPropsError } from '../../constructs/k8s/validation';
import { SCALER_PROPS } from './fixtures';
import { testApp } from '../shared/scratch';

const SELF_MANAGED: BacklogScalerProps = {
  ...SCALER_PROPS,
  serverAddress: 'http://prometheus-operated.monitoring.svc:9090',
  auth: 'none',
  authSecretName: undefined,
  instanceId: undefined,
  brokerCluster: { label: 'cluster', name: 'DefaultCluster' },
};

interface Obj {
  kind: string;
  metadata: { name: string };
  spec: {
    triggers?: { metadata: Record<string, string>; authenticationRef?: { name: string } }[];
    secretTargetRef?: { parameter: string; name: string; key: string }[];
  };
}

function synth(props: BacklogScalerProps): Obj[] {
  const chart = new Chart(testApp(), 'test');
  new BacklogScaler(chart, 'scaler', props);
  return Testing.synth(chart) as Obj[];
}

function violations(props: BacklogScalerProps): readonly string[] {
  try {
    validateBacklogScalerProps(props);
    return [];
  } catch (error) {
    if (error instanceof ConstructPropsError) return error.violations;
    throw error;
  }
}

describe('BacklogScaler on a self-managed broker', () => {
  test('auth none: no TriggerAuthentication, no authenticationRef, no authModes; the query selects the cluster', () => {
    const objects = synth(SELF_MANAGED);
    expect(objects.map((o) => o.kind)).toEqual(['ScaledObject']);
    const trigger = objects[0].spec.triggers![0];
    expect(trigger.authenticationRef).toBeUndefined();
    expect(trigger.metadata.authModes).toBeUndefined();
    expect(trigger.metadata.serverAddress).toBe('http://prometheus-operated.monitoring.svc:9090');
    // minReplicaCount 1: no stand-in; threshold 30.
    expect(trigger.metadata.query).toBe(
      'sum(max by (__name__, node_id, is_retry) ({__name__=~"rocketmq_consumer_ready_messages|rocketmq_consumer_inflight_messages", cluster="DefaultCluster", topic="orders", consumer_group="orders-group"}))',
    );
  });

  test('auth bearer: KEDA bearer mode reading bearerToken from the Secret', () => {
    const objects = synth({ ...SELF_MANAGED, auth: 'bearer', authSecretName: 'keda-prometheus-auth' });
    const auth = objects.find((o) => o.kind === 'TriggerAuthentication')!;
    expect(auth.metadata.name).toBe('orders-prometheus');
    expect(auth.spec.secretTargetRef).toEqual([
      { parameter: 'bearerToken', name: 'keda-prometheus-auth', key: 'bearerToken' },
    ]);
    const trigger = objects.find((o) => o.kind === 'ScaledObject')!.spec.triggers![0];
    expect(trigger.metadata.authModes).toBe('bearer');
    expect(trigger.authenticationRef).toEqual({ name: 'orders-prometheus' });
  });

  test('auth basic: KEDA basic mode reading username and password', () => {
    const objects = synth({ ...SELF_MANAGED, auth: 'basic', authSecretName: 'keda-prometheus-auth' });
    expect(objects.find((o) => o.kind === 'TriggerAuthentication')!.spec.secretTargetRef).toEqual([
      { parameter: 'username', name: 'keda-prometheus-auth', key: 'username' },
      { parameter: 'password', name: 'keda-prometheus-auth', key: 'password' },
    ]);
    expect(objects.find((o) => o.kind === 'ScaledObject')!.spec.triggers![0].metadata.authModes).toBe(
      'basic',
    );
  });

  test.each<[string, Partial<BacklogScalerProps>, string[]]>([
    [
      'both an instance and a broker cluster',
      { instanceId: 'rmq-cn-x' },
      ['instanceId set exactly one of instanceId (ApsaraMQ) or brokerCluster (self-managed)'],
    ],
    [
      'a cluster label the query selects itself',
      { brokerCluster: { label: 'consumer_group', name: 'x' } },
      [
        'brokerCluster.label ("consumer_group") must be a Prometheus label name other than __name__, topic, consumer_group, node_id, is_retry',
      ],
    ],
    ['bearer without a Secret', { auth: 'bearer' }, ['authSecretName is required with auth bearer']],
  ])('refuses %s', (_what, patch, expected) => {
    expect(violations({ ...SELF_MANAGED, ...patch })).toEqual(expected);
  });
});
