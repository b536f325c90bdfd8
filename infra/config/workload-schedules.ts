/** A workload's scheduled events with their replicas resolved, shared by the cdk8s app and the planner. */
import { replicasForRate } from '../../constructs/scaling';
import type { ScheduleSpec, WorkloadSpec } from './schema';

/** A scheduled event as the ScaledObject's cron trigger holds it. */
export interface ResolvedSchedule {
  readonly name: string;
  readonly timezone: string;
  readonly start: string;
  readonly end: string;
  readonly desiredReplicas: number;
  /** The expected rate the replicas were derived from, if that is how the stack file gives them. */
  readonly expectedMessagesPerSecond?: number;
}

/** desiredReplicas as given, or derived from the expected rate: ceil(rate / messagesPerSecondPerPod). */
export function scheduleReplicas(w: Pick<WorkloadSpec, 'messagesPerSecondPerPod'>, s: ScheduleSpec): number {
  return (
    s.desiredReplicas ??
    replicasForRate({
      messagesPerSecond: s.expectedMessagesPerSecond ?? 0,
      messagesPerSecondPerPod: w.messagesPerSecondPerPod,
    })
  );
}

/** The workload's scheduled events, in stack-file order; [] when it has none. */
export function workloadSchedules(w: WorkloadSpec): ResolvedSchedule[] {
  return (w.scaling.schedules ?? []).map((s) => ({
    name: s.name,
    timezone: s.timezone,
    start: s.start,
    end: s.end,
    desiredReplicas: scheduleReplicas(w, s),
    ...(s.expectedMessagesPerSecond !== undefined && {
      expectedMessagesPerSecond: s.expectedMessagesPerSecond,
    }),
  }));
}
