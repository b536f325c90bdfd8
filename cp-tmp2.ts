import { loadEnvironment } from './infra/config/environment';
import { resolveProfile } from './infra/plan/report';
import { simulate, simulateAcrossPhases, recommendPreScale, RECOMMENDED_BEHAVIOR } from './constructs/scaling';
const spec = loadEnvironment('prod');
const w = spec.workloads[0];
const profile = resolveProfile('flash-sale', w);
const base = { workload: { messagesPerSecondPerPod: 50, targetDrainSeconds: 60, maxProcessingSeconds: 30 }, traffic: profile.traffic, durationSeconds: profile.durationSeconds };
const reactive = { threshold: 1500, minReplicas: 3, maxReplicas: 40, pollingIntervalSeconds: 15, cooldownPeriodSeconds: 300, kedaVersion: '2.17.2', ignoreNullValues: false, fallback: { failureThreshold: 3, replicas: 10, behavior: 'currentReplicasIfHigher' as const } };
for (const t of [undefined, 40, 47.6, 50]) for (const win of [0, 60, 120, 300]) for (const down of [[{ type: 'Percent' as const, value: 20, periodSeconds: 60 }], [{ type: 'Percent' as const, value: 100, periodSeconds: 15 }]]) {
  const sc = { ...reactive, ...(t !== undefined && { arrivalRateThreshold: t }), behavior: { scaleUp: RECOMMENDED_BEHAVIOR.scaleUp, scaleDown: { stabilizationWindowSeconds: win, selectPolicy: 'Max' as const, policies: down } } };
  const pre = recommendPreScale({ ...base, scaling: sc as any, peak: profile.peak!, desiredReplicas: 32 });
  const s = pre.result.summary;
  const ph = simulateAcrossPhases({ ...base, scaling: pre.scaling });
  console.log(t, win, down[0].value, 'lead', pre.leadSeconds, 'early', pre.endBeforePeakEndSeconds, (s.replicaSeconds/54000).toFixed(3), s.secondsOverDrainTarget, s.scaleEvents, s.oscillations, 'ph', JSON.stringify(ph.scaleEvents), JSON.stringify(ph.oscillations), JSON.stringify(ph.secondsOverDrainTarget), (ph.replicaSeconds.max/54000).toFixed(3));
}
