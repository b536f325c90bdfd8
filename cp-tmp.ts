import { loadEnvironment } from './infra/config/environment';
import { buildPlan, resolveProfile } from './infra/plan/report';
import { simulate, simulateAcrossPhases } from './constructs/scaling';
const spec = loadEnvironment('prod');
const w = spec.workloads[0];
const profile = resolveProfile('flash-sale', w);
const run = buildPlan(spec, w, profile);
const sch = run.plan.scheduled!;
const base = { workload: { messagesPerSecondPerPod: 50, targetDrainSeconds: 60, maxProcessingSeconds: 30 }, traffic: profile.traffic, durationSeconds: profile.durationSeconds };
const rec = run.plan.recommended.scaling;
console.log(JSON.stringify(sch.scaling.behavior), sch.scaling.threshold);
for (const t of [45, 46, 47, 47.6, 48, 50]) for (const b of [rec.behavior, undefined]) {
  const sc = { ...rec, arrivalRateThreshold: t, behavior: b, schedules: sch.scaling.schedules } as any;
  if (b === undefined) delete sc.behavior;
  const s = simulate({ ...base, scaling: sc }).summary;
  const ph = simulateAcrossPhases({ ...base, scaling: sc });
  console.log(t, b ? 'beh' : 'legacy', (s.replicaSeconds/60).toFixed(1), (s.replicaSeconds/54000).toFixed(3), s.secondsOverDrainTarget, s.scaleEvents, s.oscillations, 'phases', JSON.stringify(ph.scaleEvents), JSON.stringify(ph.secondsOverDrainTarget), (ph.replicaSeconds.max/60).toFixed(1));
}
{
const sc = { ...rec, arrivalRateThreshold: 47.6, schedules: sch.scaling.schedules } as any; delete sc.behavior;
const r = simulate({ ...base, scaling: sc });
let last = '';
for (const p of r.timeline) { const k = `${p.replicas}/${p.readyReplicas}`; if (k !== last) { console.log(p.t, k, p.backlog.toFixed(0)); last = k; } }
}
