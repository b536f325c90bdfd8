/**
 * The controller replay's pure parts (no component runs): the time compression of a synthesized ScaledObject,
 * the cron window moved onto the replay clock, the measured timer phases, and the committed report's check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KubeObject } from './harness/control-plane';
import {
  groupSeriesServed,
  measuredAge,
  measuredPeriod,
  measuredPhase,
  onHpaClock,
  outageAt,
  queryTrigger,
  reportData,
  reportDrift,
  type ReportData,
} from './harness/replay';
import { compressQuery, compressScaledObject, dailyCron, moveCronWindow } from './harness/replay-compress';
import { REPLAY_SCENARIOS } from './harness/replay-scenarios';
import { synthObjects } from '../synth/helpers';

const scaledObject = (environment: string, name: string): KubeObject =>
  synthObjects(environment).find((o) => o.kind === 'ScaledObject' && o.metadata.name === name) as KubeObject;

interface Spec {
  pollingInterval: number;
  cooldownPeriod: number;
  advanced?: { horizontalPodAutoscalerConfig: { behavior: Record<string, unknown> } };
  triggers: { name: string; metadata: Record<string, string> }[];
}

describe('compressScaledObject', () => {
  test("divides every period of prod's order-fulfilment by 5 and multiplies its per-second threshold by 5", () => {
    const spec = compressScaledObject(scaledObject('prod', 'order-fulfilment'), 5).spec as Spec;
    // pollingInterval 15, cooldownPeriod 300 (dist/prod/order-fulfilment.yaml) / 5.
    expect([spec.pollingInterval, spec.cooldownPeriod]).toEqual([3, 60]);
    // Up: window 0, 100 % and 8 pods per 15 s; down: window 300, 20 % per 60 s.
    expect(spec.advanced!.horizontalPodAutoscalerConfig.behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Percent', value: 100, periodSeconds: 3 },
          { type: 'Pods', value: 8, periodSeconds: 3 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: 60,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 20, periodSeconds: 12 }],
      },
    });
    const byName = Object.fromEntries(spec.triggers.map((t) => [t.name, t.metadata]));
    // The backlog is a count: threshold 3000 as committed.
    expect([byName.backlog.threshold, byName.backlog.activationThreshold]).toEqual(['3000', '0']);
    // 37.5 msg/s per replica = 187.5 per fifth of a second; rate over [1m] becomes rate over [12s].
    expect(byName['arrival-rate'].threshold).toBe('187.5');
    expect(byName['arrival-rate'].query).toBe(
      'sum(rate(rocketmq_messages_in_total{instance_id="rmq-cn-fakeprod0000", topic="orders"}[12s]))',
    );
    // Cron has minute resolution: left to moveCronWindow.
    expect(byName['double-eleven'].start).toBe('58 19 11 11 *');
  });

  test("writes KEDA's default periods divided when the ScaledObject omits them", () => {
    const object: KubeObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'x', namespace: 'n' },
      spec: { triggers: [] },
    };
    // KEDA defaults: pollingInterval 30, cooldownPeriod 300.
    expect(compressScaledObject(object, 5).spec).toEqual({
      triggers: [],
      pollingInterval: 6,
      cooldownPeriod: 60,
    });
  });

  test('refuses a period that is not a whole multiple of the factor, naming the object and field', () => {
    const object: KubeObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'x', namespace: 'n' },
      spec: { pollingInterval: 7, triggers: [] },
    };
    expect(() => compressScaledObject(object, 5)).toThrow(
      "ScaledObject n/x: spec.pollingInterval 7 s is not a whole multiple of the replay's compression factor 5",
    );
  });

  test('refuses a behavior with one direction only (the API server would default the other uncompressed)', () => {
    const object: KubeObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'x', namespace: 'n' },
      spec: {
        pollingInterval: 15,
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: { scaleUp: { stabilizationWindowSeconds: 0, policies: [] } },
          },
        },
        triggers: [],
      },
    };
    expect(() => compressScaledObject(object, 5)).toThrow(
      "ScaledObject n/x: spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown must give stabilizationWindowSeconds and policies, or the API server's uncompressed defaults apply",
    );
  });

  test('leaves every other kind as it is', () => {
    const deployment: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } };
    expect(compressScaledObject(deployment, 5)).toBe(deployment);
  });
});

describe('compressQuery', () => {
  test("divides the stand-in's 5-minute range and refuses a range that does not divide", () => {
    expect(compressQuery('q', 'sum(a) or sum(increase(b[5m]))', 5)).toBe('sum(a) or sum(increase(b[60s]))');
    expect(() => compressQuery('q', 'rate(b[7s])', 5)).toThrow(
      "q: query range [7s] 7 s is not a whole multiple of the replay's compression factor 5",
    );
  });
});

describe('moveCronWindow', () => {
  test("writes the replay's minutes in the trigger's own timezone, desiredReplicas as synthesized", () => {
    const object = scaledObject('prod', 'order-fulfilment');
    // 12:34 UTC is 20:34 in Asia/Shanghai (UTC+8, no daylight saving).
    const moved = moveCronWindow(
      object,
      'double-eleven',
      new Date('2026-12-07T12:34:00Z'),
      new Date('2026-12-07T12:35:00Z'),
    ).spec as Spec;
    const cron = moved.triggers.find((t) => t.name === 'double-eleven')!.metadata;
    expect(cron).toEqual({
      desiredReplicas: '32',
      timezone: 'Asia/Shanghai',
      start: '34 20 * * *',
      end: '35 20 * * *',
    });
  });

  test('refuses a window that is not on whole minutes', () => {
    expect(() =>
      moveCronWindow(
        scaledObject('prod', 'order-fulfilment'),
        'double-eleven',
        new Date('2026-12-07T12:34:30Z'),
        new Date('2026-12-07T12:35:00Z'),
      ),
    ).toThrow('a cron window starts and ends on a whole minute, got 2026-12-07T12:34:30.000Z');
  });

  test('dailyCron reads the hour in 24-hour form at midnight', () => {
    expect(dailyCron(new Date('2026-12-07T16:05:00Z'), 'Asia/Shanghai')).toBe('5 0 * * *');
  });
});

describe('measuredPhase', () => {
  test("is the controller's first write after t0 modulo its real period, in production seconds", () => {
    // A write at 7.4 s on a 3 s sync: 1.4 s into the period, × 5 = 7 production seconds.
    expect(measuredPhase(7.4, 3, 5)).toBe(7);
    // 2.95 s rounds to 14.75 → 15, which is the next period's 0.
    expect(measuredPhase(2.95, 3, 5)).toBe(0);
    expect(measuredPhase(undefined, 3, 5)).toBeUndefined();
  });
});

describe('measuredAge', () => {
  test('is the time since the last scrape at or before the instant, in whole production seconds', () => {
    // Scrapes at 1.0, 2.0 and 3.0 s; at 2.5 s the newest sample is 0.5 s old, × 5 = 2.5 → 3 production seconds.
    expect(measuredAge(2500, [1000, 2000, 3000], 5)).toBe(3);
    expect(measuredAge(2000, [1000, 2000, 3000], 5)).toBe(0);
    expect(measuredAge(500, [1000], 5)).toBeUndefined();
    expect(measuredAge(undefined, [1000], 5)).toBeUndefined();
  });
});

describe('measuredPeriod', () => {
  test("is the span of the HPA's writes over the whole syncs it covers", () => {
    // 10 writes spanning 30.6 s of a 3 s sync: 10 syncs of 3.06 s.
    expect(measuredPeriod([10, 13.1, 40.6], 3)).toBe(3.06);
    expect(measuredPeriod([10], 3)).toBe(3);
    expect(measuredPeriod([10, 10.4], 3)).toBe(3);
  });
});

describe('onHpaClock', () => {
  test("stretches the simulated HPA changes from the HPA's first write by the measured ratio, KEDA's stay", () => {
    const real = [
      { t: 0, replicas: 0 },
      { t: 15, replicas: 1, by: 'keda' as const },
      { t: 18, replicas: 4, by: 'hpa' as const },
      { t: 120, replicas: 1, by: 'hpa' as const },
    ];
    const simulated = [
      { t: 0, replicas: 0 },
      { t: 15, replicas: 1 },
      { t: 18, replicas: 4 },
      { t: 117, replicas: 1 },
    ];
    // Ratio 1.02 from the first HPA write at 18 s: 117 → 18 + 99 × 1.02 = 118.98 → 119.
    expect(onHpaClock(simulated, real, 18, 1.02)).toEqual([
      { t: 0, replicas: 0 },
      { t: 15, replicas: 1 },
      { t: 18, replicas: 4 },
      { t: 119, replicas: 1 },
    ]);
    expect(onHpaClock(simulated, real, undefined, 1.02)).toEqual(simulated);
  });
});

describe('queryTrigger and outageAt', () => {
  test('a trigger-scoped outage holds for its trigger only, from its start to before its end', () => {
    const outages = [
      { fromSecond: 300, toSecond: 700, kind: 'error' as const, triggers: ['arrivalRate' as const] },
    ];
    expect(queryTrigger('sum({__name__=~"rocketmq_consumer_ready_messages|x"})')).toBe('backlog');
    expect(queryTrigger('sum(rate(rocketmq_messages_in_total[12s]))')).toBe('arrivalRate');
    expect(outageAt(outages, 'arrivalRate', 300)).toBe(outages[0]);
    expect(outageAt(outages, 'arrivalRate', 700)).toBeUndefined();
    expect(outageAt(outages, 'backlog', 400)).toBeUndefined();
  });
});

describe('groupSeriesServed', () => {
  test("serves the group's series through an error or an empty result (the gate answers those)", () => {
    const scenario = REPLAY_SCENARIOS.find((s) => s.name === 'prod-empty-result')!;
    // prod-empty-result: the backlog query comes back empty from t = 300 s to 700 s; the series stay exported.
    expect([100, 300, 699, 700].map((t) => groupSeriesServed(scenario, t))).toEqual([true, true, true, true]);
  });
});

describe('reportDrift', () => {
  const data = (t: number, replicas: number): ReportData => ({
    compression: 5,
    boundSeconds: 2,
    scenarios: {
      a: {
        real: [
          { t: 0, replicas: 1 },
          { t, replicas },
        ],
        simulated: [
          { t: 0, replicas: 1 },
          { t: 10, replicas: 4 },
        ],
        maxAbsLag: 0,
      },
    },
  });

  test('accepts a run within the bound and names a change beyond it or a different sequence', () => {
    expect(reportDrift(data(10, 4), data(12, 4), 2)).toEqual([]);
    expect(reportDrift(data(10, 4), data(12.5, 4), 2)).toEqual([
      'a: real change 1 at 12.5 s, the report states 10 s (bound 2 s)',
    ]);
    expect(reportDrift(data(10, 4), data(10, 5), 2)).toEqual(['a: real 1 → 5, the report states 1 → 4']);
  });

  test('holds a known divergence to being one, not to its sequence', () => {
    const known = (d: ReportData): ReportData => ({
      ...d,
      scenarios: { a: { ...d.scenarios.a, known: true } },
    });
    expect(reportDrift(known(data(10, 4)), known(data(10, 5)), 2)).toEqual([]);
    expect(reportDrift(known(data(10, 4)), data(10, 4), 2)).toEqual(['a: a known divergence no longer']);
  });
});

describe('tests/e2e/REPLAY.md', () => {
  const file = path.join(__dirname, 'REPLAY.md');

  test('states every scenario the suite replays, and no other', () => {
    const stated = Object.keys(reportData(file, fs.readFileSync(file, 'utf8')).scenarios).sort();
    expect(stated).toEqual(REPLAY_SCENARIOS.map((s) => s.name).sort());
  });
});
