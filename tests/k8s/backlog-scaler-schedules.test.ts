/**
 * BacklogScaler's scheduled events: one KEDA `cron` trigger each, beside the backlog trigger, checked before any
 * object exists. Facts from kedacore/keda v2.17.2 pkg/scalers/cron_scaler.go (metadata names, Validate,
 * GetMetricSpecForScaling) and apis/keda/v1alpha1/scaletriggers_types.go ValidateTriggers.
 */
import { Testing } from 'cdk8s';
import { BacklogScaler, ConstructPropsError, type BacklogScalerProps } from '../../constructs/k8s';
import { testChart } from '../shared/scratch';

const props: BacklogScalerProps = {
  name: 'orders',
  environment: 'prod',
  scaleTargetName: 'orders',
  serverAddress: 'http://arms.example.com:9090/api/v1/prometheus/x/y/z/cn-hangzhou',
  auth: 'token',
  authSecretName: 'keda-arms-prometheus-auth',
  instanceId: 'rmq-cn-x',
  topic: 'orders',
  consumerGroup: 'orders-group',
  threshold: 3000,
  minReplicaCount: 3,
  maxReplicaCount: 40,
  arrivalRate: { threshold: 37.5 },
  schedules: [
    {
      name: 'double-eleven',
      timezone: 'Asia/Shanghai',
      start: '58 19 11 11 *',
      end: '11 20 11 11 *',
      desiredReplicas: 32,
    },
    { name: 'weekday-open', timezone: 'UTC', start: '0 1 * * 1-5', end: '0 2 * * 1-5', desiredReplicas: 6 },
  ],
};

interface Trigger {
  type: string;
  name: string;
  metricType: string;
  metadata: Record<string, string>;
  authenticationRef?: { name: string };
}

function triggers(p: BacklogScalerProps): Trigger[] {
  const chart = testChart();
  new BacklogScaler(chart, 'scaler', p);
  const scaled = Testing.synth(chart).find((o) => o.kind === 'ScaledObject') as {
    spec: { triggers: Trigger[] };
  };
  return scaled.spec.triggers;
}

describe('BacklogScaler schedules', () => {
  test('one cron trigger per event after the Prometheus triggers, AverageValue, metadata as KEDA names it', () => {
    const all = triggers(props);
    expect(all.map((t) => `${t.type}/${t.name}`)).toEqual([
      'prometheus/backlog',
      'prometheus/arrival-rate',
      'cron/double-eleven',
      'cron/weekday-open',
    ]);
    // AverageValue against KEDA's target 1: the HPA proposes ceil(32 / 1) = 32 while active and 1 otherwise.
    expect(all.find((t) => t.name === 'double-eleven')).toEqual({
      type: 'cron',
      name: 'double-eleven',
      metricType: 'AverageValue',
      metadata: {
        timezone: 'Asia/Shanghai',
        start: '58 19 11 11 *',
        end: '11 20 11 11 *',
        desiredReplicas: '32',
      },
    });
    expect(all.find((t) => t.name === 'weekday-open')?.metadata.desiredReplicas).toBe('6');
  });

  test('without schedules the ScaledObject has no cron trigger', () => {
    expect(triggers({ ...props, schedules: undefined }).some((t) => t.type === 'cron')).toBe(false);
  });

  test.each<
    [
      string,
      Partial<BacklogScalerProps['schedules'] extends readonly (infer S)[] | undefined ? S : never>,
      string,
    ]
  >([
    [
      'a zone Intl does not know',
      { timezone: 'Asia/Beijing' },
      'schedules[0].timezone ("Asia/Beijing") must be an IANA time-zone name such as Asia/Shanghai (Intl does not know it)',
    ],
    [
      'a seconds field',
      { start: '0 58 19 11 11 *' },
      'schedules[0].start ("0 58 19 11 11 *") must have exactly 5 fields (minute hour day-of-month month day-of-week), found 6',
    ],
    [
      'L for the last day',
      { end: '0 0 L * *' },
      'schedules[0].end ("0 0 L * *") day of month "L" is not a number',
    ],
    [
      'end equal to start',
      { end: '58 19 11 11 *' },
      'schedules[0].end ("58 19 11 11 *") must differ from start',
    ],
    [
      'desiredReplicas 0 (KEDA: no desiredReplicas specified)',
      { desiredReplicas: 0 },
      'schedules[0].desiredReplicas (0) must be an integer in (minReplicaCount, maxReplicaCount] = (3, 40]',
    ],
    [
      'desiredReplicas above maxReplicaCount',
      { desiredReplicas: 41 },
      'schedules[0].desiredReplicas (41) must be an integer in (minReplicaCount, maxReplicaCount] = (3, 40]',
    ],
    [
      'the arrival-rate trigger name',
      { name: 'arrival-rate' },
      'schedules[0].name ("arrival-rate") is the name of the construct\'s arrival-rate trigger',
    ],
    [
      'a name that is no DNS-1123 label',
      { name: 'Double_11' },
      'schedules[0].name ("Double_11") must be a DNS-1123 label: [a-z0-9-], at most 63 characters',
    ],
  ])('refuses %s before creating anything', (_title, edit, message) => {
    const chart = testChart();
    const bad = { ...props, schedules: [{ ...props.schedules![0], ...edit }, props.schedules![1]] };
    let error: unknown;
    try {
      new BacklogScaler(chart, 'scaler', bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConstructPropsError);
    expect((error as ConstructPropsError).violations).toEqual([message]);
    // No ScaledObject or TriggerAuthentication was created under the scaler.
    expect(chart.node.tryFindChild('scaler')?.node.children.length ?? 0).toBe(0);
  });

  test('desiredReplicas is checked against the maxReplicaCount capped at the queue count', () => {
    expect(() => triggers({ ...props, loadBalancing: 'queue', queueCount: 16, maxReplicaCount: 40 })).toThrow(
      'schedules[0].desiredReplicas (32) must be an integer in (minReplicaCount, maxReplicaCount] = (3, 16]',
    );
  });
});
