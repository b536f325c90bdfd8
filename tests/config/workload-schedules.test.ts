/** workloadSchedules (infra/config/workload-schedules.ts) when the stack file gives desiredReplicas itself. */
import { loadEnvironment } from '../../infra/config/environment';
import { workloadSchedules } from '../../infra/config/workload-schedules';

test('desiredReplicas as given, and no expectedMessagesPerSecond key at all', () => {
  const w = loadEnvironment('prod').workloads[0];
  const peak = {
    name: 'morning',
    timezone: 'Asia/Shanghai',
    start: '0 9 * * 1-5',
    end: '0 10 * * 1-5',
    desiredReplicas: 8,
  };
  expect(workloadSchedules({ ...w, scaling: { ...w.scaling, schedules: [peak] } })).toStrictEqual([
    {
      name: 'morning',
      timezone: 'Asia/Shanghai',
      start: '0 9 * * 1-5',
      end: '0 10 * * 1-5',
      desiredReplicas: 8,
    },
  ]);
});
