/**
 * Scheduled pre-scaling in `npm run plan` (issue 13 item 4). Generic: every workload of every committed stack
 * that schedules an event meets the target on the flash-sale profile (0 s over the drain target, replica-minutes
 * within 1.1× the oracle) and shows the column in the table and the chart. Hand-worked: prod/order-fulfilment's
 * double-eleven event, from the stack file and the profile.
 */
import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { listEnvironments, loadEnvironment, stackFilePath } from '../../infra/config/environment';
import { buildPlan, chartSpec, formatPlanTable, planColumns, resolveProfile } from '../../infra/plan/report';

jest.setTimeout(120_000);

/** Workloads with scheduled events, read from the stack files without the loader. */
function scheduledWorkloads(): [string, string][] {
  return listEnvironments().flatMap((env) => {
    const document = parseYaml(fs.readFileSync(stackFilePath(env), 'utf8')) as {
      config: Record<string, { name: string; scaling?: { schedules?: unknown[] } }[]>;
    };
    return document.config['apsaramq-keda:workloads']
      .filter((w) => (w.scaling?.schedules ?? []).length > 0)
      .map((w) => [env, w.name] as [string, string]);
  });
}

function flashSale(env: string, name: string) {
  const spec = loadEnvironment(env);
  const w = spec.workloads.find((x) => x.name === name)!;
  return buildPlan(spec, w, resolveProfile('flash-sale', w));
}

test('at least one committed workload schedules an event', () => {
  expect(scheduledWorkloads()).toContainEqual(['prod', 'order-fulfilment']);
});

describe.each(scheduledWorkloads())(
  '%s/%s on the flash-sale profile with its event scheduled',
  (env, name) => {
    test('0 s over the drain target and replica-minutes within 1.1× the oracle, at every timer offset', () => {
      const { plan } = flashSale(env, name);
      const scheduled = plan.scheduled!;
      expect(scheduled.summary.secondsOverDrainTarget).toBe(0);
      expect(scheduled.acrossPhases.secondsOverDrainTarget.max).toBe(0);
      expect(scheduled.summary.replicaSeconds).toBeLessThanOrEqual(1.1 * plan.oracle.summary.replicaSeconds);
      expect(scheduled.acrossPhases.replicaSeconds.max).toBeLessThanOrEqual(
        1.1 * plan.oracle.summary.replicaSeconds,
      );
    });

    test('a column of the table and a series of the chart, beside the reactive configs', () => {
      const run = flashSale(env, name);
      expect(planColumns(run.plan).map((c) => c.key)).toContain('scheduled');
      const table = formatPlanTable(run.plan);
      expect(table.split('\n').find((l) => l.includes('recommended') && l.includes('oracle'))).toMatch(
        /scheduled$/,
      );
      expect(table).toMatch(/scheduled vs oracle: replica-minutes \d\.\d{3}×, over drain target 0 s/);
      const values = (chartSpec(run.plan, run.timelines).data as { values: { config: string }[] }).values;
      expect(values.some((v) => v.config === 'scheduled')).toBe(true);
      expect(run.timelines.scheduled.timeline).toHaveLength(run.timelines.oracle.timeline.length);
    });
  },
);

test('prod/order-fulfilment double-eleven, worked by hand', () => {
  const { plan } = flashSale('prod', 'order-fulfilment');
  const s = plan.scheduled!;
  // expectedMessagesPerSecond 1600 / 50 msg/s per pod = 32, which is also what the peak (10 × 160) needs.
  expect(s).toMatchObject({ name: 'double-eleven', desiredReplicas: 32, expectedMessagesPerSecond: 1600 });
  expect(s.peak).toEqual({ fromSecond: 1800, toSecond: 2700, ratePerSecond: 1600 });
  expect(s.peakReplicas).toBe(32);
  // Lead: the HPA reads the cron metric within one 15 s sync; before the sale the demand trigger holds
  // ceil(160 / 50) = 4 pods, and the scale-up (+900% or +8 pods per 15 s) allows 4 × 10 = 40 >= 32 in one step,
  // ready 20 s later: ceil((15 + 20) / 60) = 1 min before minute 30.
  expect({ lead: s.leadSeconds, sync: s.hpaSyncSeconds, ramp: s.rampSeconds }).toEqual({
    lead: 60,
    sync: 15,
    ramp: 20,
  });
  // Close: the 30 s scale-down window holds the pods less than a minute: floor((30 - 15) / 60) = 0, at the end.
  expect(s.endBeforePeakEndSeconds).toBe(0);
  expect(s.window).toEqual({ fromSecond: 1740, toSecond: 2700 });
  // The stack file's window 19:59 to 20:15 Beijing time lasts 16 min = 1 + 15 - 0: no warning about it.
  expect(s.stackWindowSeconds).toBe(960);
  expect(plan.warnings.filter((w) => w.includes('schedules'))).toEqual([]);
  // The cron trigger's replicas in the simulated ScaledObject, and the schedules kept in the paste block.
  expect(s.scaling.schedules).toEqual([
    { name: 'double-eleven', desiredReplicas: 32, windows: [{ fromSecond: 1740, toSecond: 2700 }] },
  ]);
  expect(s.stackScaling.schedules).toEqual([
    {
      name: 'double-eleven',
      timezone: 'Asia/Shanghai',
      start: '59 19 11 11 *',
      end: '15 20 11 11 *',
      expectedMessagesPerSecond: 1600,
    },
  ]);
  // Peak replicas: the cron trigger's 32, as the oracle's; nothing waits beyond the drain target.
  expect(s.summary.peakReplicas).toBe(32);
});

test('no column without a scheduled event, nor on a profile without a known peak', () => {
  const spec = loadEnvironment('prod');
  const analytics = spec.workloads.find((w) => w.name === 'order-analytics')!;
  expect(buildPlan(spec, analytics, resolveProfile('flash-sale', analytics)).plan.scheduled).toBeNull();
  const fulfilment = spec.workloads.find((w) => w.name === 'order-fulfilment')!;
  expect(buildPlan(spec, fulfilment, resolveProfile('steady', fulfilment)).plan.scheduled).toBeNull();
});

test('an event with fewer replicas than the peak needs, or a window of another length, is warned about', () => {
  const spec = loadEnvironment('prod');
  const w = spec.workloads.find((x) => x.name === 'order-fulfilment')!;
  const edited = {
    ...w,
    scaling: {
      ...w.scaling,
      schedules: [
        {
          name: 'double-eleven',
          timezone: 'Asia/Shanghai',
          start: '50 19 11 11 *',
          end: '30 20 11 11 *',
          desiredReplicas: 20,
        },
      ],
    },
  };
  const { plan } = buildPlan(spec, edited, resolveProfile('flash-sale', w));
  expect(plan.warnings).toEqual(
    expect.arrayContaining([
      "scaling.schedules[0] (double-eleven) gives 20 replicas; this profile's peak of 1600 msg/s needs 32 (ceil(1600 / 50))",
      expect.stringMatching(
        /^scaling\.schedules\[0\] \(double-eleven\) is active 40 min; for this profile's 15 min peak the recommended window is \d+ min \(open \d+ min before, close \d+ min before its end\)$/,
      ),
    ]),
  );
});
