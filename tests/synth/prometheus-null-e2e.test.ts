/**
 * No silent zeros, against a real Prometheus: the synthesized backlog queries when the group's series exist,
 * when they are lost, when a workload at zero gets a message, and with a wrong instance id; each result goes
 * through KEDA's handling of an empty result as the manifest configures it (ignoreNullValues).
 */
import { Testing } from 'cdk8s';
import { hpaExternalProposal } from '../../constructs/scaling';
import { loadEnvironment } from '../../infra/config/environment';
import { apsaraMqHandoff, loadHandoff, type Handoff } from '../../infra/config/handoff';
import { buildEnvironment } from '../../infra/synth/app';
import type { Manifest, ScaledObjectView } from './helpers';
import {
  describeWithPrometheus,
  kedaQuery,
  startPrometheus,
  waitFor,
  type QueryResult,
  type RunningPrometheus,
} from './prometheus-harness';
import { testApp } from '../shared/scratch';

jest.setTimeout(120_000);

/**
 * KEDA's reading of a query result: the value, or the error the scaler returns. Source: kedacore/keda v2.17.2
 * pkg/scalers/prometheus_scaler.go ExecutePromQuery: empty result → 0 if ignoreNullValues else error; more
 * than one element → error; ±Inf → 0 or error like empty.
 */
function kedaReading(result: QueryResult, ignoreNullValues: string | undefined): number | Error {
  // parseBool semantics of the trigger metadata; KEDA's default is true.
  const ignore = ignoreNullValues === undefined ? true : ignoreNullValues === 'true';
  if (result.data.result.length === 0) {
    return ignore ? 0 : new Error("prometheus metrics 'prometheus' target may be lost, the result is empty");
  }
  if (result.data.result.length > 1) return new Error('prometheus query returned multiple elements');
  const value = Number(result.data.result[0].value[1]);
  if (!Number.isFinite(value)) return ignore ? 0 : new Error(`promtheus query returns ${value}`);
  return value;
}

/** What the exporter serves; the tests edit it between phases. */
const state = {
  groups: new Map<string, { ready: number; inflight: number }>([
    ['rmq-cn-fakeprod0000/orders/order-fulfilment', { ready: 9000, inflight: 600 }],
    ['rmq-cn-fakedev0000/orders/order-fulfilment', { ready: 40, inflight: 2 }],
  ]),
  arrived: new Map<string, number>([['rmq-cn-fakedev0000/orders', 100]]),
};

function exposition(): string {
  const lines = [
    '# TYPE rocketmq_consumer_ready_messages gauge',
    '# TYPE rocketmq_consumer_inflight_messages gauge',
    '# TYPE rocketmq_messages_in_total counter',
  ];
  for (const [key, { ready, inflight }] of state.groups) {
    const [instanceId, topic, group] = key.split('/');
    const labels = `instance_id="${instanceId}",topic="${topic}",consumer_group="${group}"`;
    lines.push(`rocketmq_consumer_ready_messages{${labels}} ${ready}`);
    lines.push(`rocketmq_consumer_inflight_messages{${labels}} ${inflight}`);
  }
  for (const [key, total] of state.arrived) {
    const [instanceId, topic] = key.split('/');
    lines.push(`rocketmq_messages_in_total{instance_id="${instanceId}",topic="${topic}"} ${total}`);
  }
  return `${lines.join('\n')}\n`;
}

describeWithPrometheus('the no-silent-zeros suite')('missing series against a real Prometheus', () => {
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus(exposition);
    await waitFor('the exporter series', async () => {
      const r = await kedaQuery(prometheus.serverAddress, 'count_over_time(rocketmq_messages_in_total[1m])');
      return r.data.result.length > 0 && r.data.result.every((s) => Number(s.value[1]) >= 3);
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
  });

  /** The committed environment's backlog trigger (or the demand trigger in its place), synthesized against the local Prometheus. */
  function backlogTrigger(environment: string, workload: string, edit?: (h: Handoff) => Handoff) {
    const handoff = apsaraMqHandoff(loadHandoff(environment));
    const local = {
      ...handoff,
      prometheus: { ...handoff.prometheus, serverAddress: prometheus.serverAddress },
    };
    const charts = buildEnvironment(testApp(), loadEnvironment(environment), edit ? edit(local) : local);
    const scaled = charts
      .flatMap((c) => Testing.synth(c) as Manifest[])
      .find((o) => o.kind === 'ScaledObject' && o.metadata.name === workload) as unknown as ScaledObjectView;
    return {
      scaled,
      trigger: scaled.spec.triggers.find((t) => t.name === 'backlog' || t.name === 'demand')!,
    };
  }
  const read = async (environment: string, workload: string, edit?: (h: Handoff) => Handoff) => {
    const { trigger } = backlogTrigger(environment, workload, edit);
    const result = await kedaQuery(prometheus.serverAddress, trigger.metadata.query);
    return { result, reading: kedaReading(result, trigger.metadata.ignoreNullValues), trigger };
  };

  test('1. series present: prod and dev read ready + inflight of their group (dev: the group wins over arrivals)', async () => {
    // prod's demand trigger: no arrival series for its topic here, so its rate reads 0 (`or vector(0)`) and the
    // demand is the backlog's share, (9000 + 600) / 30 s / 50 msg/s = 6.4 pods.
    const prod = await read('prod', 'order-fulfilment');
    expect(prod.result.data.result).toHaveLength(1);
    expect(prod.reading).toBeCloseTo(6.4, 9);
    const dev = await read('dev', 'order-fulfilment');
    expect(dev.reading).toBe(42);
  });

  test('2. the group loses its series: prod (minReplicas 3) gets an error, not a zero', async () => {
    state.groups.clear();
    await waitFor('the group series to go stale', async () => {
      const { result } = await read('prod', 'order-fulfilment');
      return result.data.result.length === 0;
    });
    const prod = await read('prod', 'order-fulfilment');
    expect(prod.trigger.metadata.ignoreNullValues).toBe('false');
    expect(prod.reading).toBeInstanceOf(Error);
    // KEDA's default would have read it as 0: from 10 replicas the HPA would propose 0, i.e. minReplicas.
    expect(kedaReading(prod.result, undefined)).toBe(0);
    expect(hpaExternalProposal({ statusReplicas: 10, metricValue: 0, targetAverageValue: 1 })).toBe(0);
  });

  test('3. dev at zero, no consumer online, no new message: the arrivals read 0, no error, nothing waits', async () => {
    const dev = await read('dev', 'order-fulfilment');
    expect(dev.result.data.result).toHaveLength(1);
    expect(dev.reading).toBe(0);
  });

  test('4. dev at zero, a message arrives: the query turns positive and the trigger is active', async () => {
    state.arrived.set('rmq-cn-fakedev0000/orders', 107);
    await waitFor('the arrival to be scraped', async () => {
      const { reading } = await read('dev', 'order-fulfilment');
      return typeof reading === 'number' && reading > 0;
    });
    const { reading, trigger } = await read('dev', 'order-fulfilment');
    // Source: prometheus_scaler.go GetMetricsAndActivity: active is value > activationThreshold.
    expect(reading).toBeGreaterThan(Number(trigger.metadata.activationThreshold));
  });

  test('5. a wrong instance id: every workload gets an error, dev included', async () => {
    const wrong = (h: Handoff): Handoff => ({ ...h, instanceId: 'rmq-cn-wrong0000' });
    expect((await read('prod', 'order-fulfilment', wrong)).reading).toBeInstanceOf(Error);
    expect((await read('dev', 'order-fulfilment', wrong)).reading).toBeInstanceOf(Error);
  });

  test('6. dev with consumers running and its group series lost: 60,000 arrivals in 5 min read as the threshold, so the HPA proposes one pod, not max', async () => {
    // 200 msg/s for 5 minutes, the load of issue 24 item 1, while the group's series are missing (an ARMS gap).
    state.arrived.set('rmq-cn-fakedev0000/orders', 60_107);
    await waitFor('the jump to be scraped', async () => {
      const r = await kedaQuery(
        prometheus.serverAddress,
        'rocketmq_messages_in_total{instance_id="rmq-cn-fakedev0000", topic="orders"}',
      );
      return r.data.result.length === 1 && Number(r.data.result[0].value[1]) === 60_107;
    });
    const { reading, trigger } = await read('dev', 'order-fulfilment');
    expect(trigger.metadata.threshold).toBe('600');
    // The stand-in reads exactly the threshold: above activationThreshold (0), so KEDA wakes the workload ...
    expect(reading).toBe(600);
    expect(reading).toBeGreaterThan(Number(trigger.metadata.activationThreshold));
    // ... and at most one pod's worth, so the HPA proposes ceil(600 / 600) = 1 from it, whatever runs now.
    expect(hpaExternalProposal({ statusReplicas: 5, metricValue: 600, targetAverageValue: 600 })).toBe(1);
    expect(hpaExternalProposal({ statusReplicas: 1, metricValue: 600, targetAverageValue: 600 })).toBe(1);
  });
});
