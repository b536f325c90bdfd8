import { requirePositive } from './guards';

/** Serverless ApsaraMQ for RocketMQ capacity modes. */
export type ServerlessMode = 'shared-cumulative' | 'shared-reserved' | 'dedicated-reserved';

/** A serverless instance's capacity mode and reservation. */
export interface ServerlessCapacityInput {
  /** The capacity mode. */
  readonly mode: ServerlessMode;
  /** Reserved TPS; required for the reserved modes. */
  readonly reservedTps?: number;
}

/** The TPS a serverless instance serves without and with throttling. */
export interface ServerlessCapacity {
  /** TPS served without throttling. */
  readonly losslessTps: number;
  /** TPS above which requests are throttled. */
  readonly maxThrottleTps: number;
  /** Whether capacity adapts to load beyond the reservation. */
  readonly adaptiveElasticity: boolean;
}

// Source: Alibaba Cloud ApsaraMQ for RocketMQ 5.x serverless instances, "Specifications and limits" table.
/** Lossless TPS of the shared cumulative mode. */
export const SERVERLESS_CUMULATIVE_LOSSLESS_TPS = 50_000;
/** Throttling TPS of the shared cumulative mode, and the cap of the shared reserved mode. */
export const SERVERLESS_MAX_THROTTLE_TPS = 300_000;
/** Shared reserved mode: lossless TPS per reserved TPS. */
export const SHARED_RESERVED_LOSSLESS_FACTOR = 3;
/** Shared reserved mode: throttling TPS per reserved TPS. */
export const SHARED_RESERVED_MAX_FACTOR = 10;
/** Dedicated reserved mode: lossless and throttling TPS per reserved TPS. */
export const DEDICATED_RESERVED_FACTOR = 1.5;

/** Capacity of a serverless instance in the given mode. */
export function serverlessCapacity(input: ServerlessCapacityInput): ServerlessCapacity {
  switch (input.mode) {
    case 'shared-cumulative':
      return {
        losslessTps: SERVERLESS_CUMULATIVE_LOSSLESS_TPS,
        maxThrottleTps: SERVERLESS_MAX_THROTTLE_TPS,
        adaptiveElasticity: true,
      };
    case 'shared-reserved': {
      const reserved = requireReserved(input);
      return {
        losslessTps: SHARED_RESERVED_LOSSLESS_FACTOR * reserved,
        maxThrottleTps: Math.min(SERVERLESS_MAX_THROTTLE_TPS, SHARED_RESERVED_MAX_FACTOR * reserved),
        adaptiveElasticity: true,
      };
    }
    case 'dedicated-reserved': {
      const reserved = requireReserved(input);
      return {
        losslessTps: DEDICATED_RESERVED_FACTOR * reserved,
        maxThrottleTps: DEDICATED_RESERVED_FACTOR * reserved,
        adaptiveElasticity: false,
      };
    }
    default:
      throw new RangeError(
        `mode must be shared-cumulative, shared-reserved or dedicated-reserved, got ${String(input.mode)}`,
      );
  }
}

function requireReserved(input: ServerlessCapacityInput): number {
  if (input.reservedTps === undefined) throw new RangeError(`reservedTps is required for mode ${input.mode}`);
  return requirePositive('reservedTps', input.reservedTps);
}

/** A threshold after a spec change: the larger of the two, so a downgrade never lowers it. */
export function thresholdAfterSpecChange(currentThreshold: number, newLossless: number): number {
  requirePositive('currentThreshold', currentThreshold);
  requirePositive('newLossless', newLossless);
  return Math.max(currentThreshold, newLossless);
}

/** One consumer workload on an instance, at its most: min(maxReplicas, queue count) × per-pod rate. */
export interface InstanceConsumer {
  /** Workload name. */
  readonly name: string;
  /** Topic it reads. */
  readonly topic: string;
  /** Its most receives per second. */
  readonly receiveTps: number;
}

/** One topic of an instance; `sendTps` when something states it (the topic's maxSendTps, a planned profile). */
export interface InstanceTopic {
  /** Topic name. */
  readonly name: string;
  /** Sends per second, when stated. @default the most any of its consumers receives */
  readonly sendTps?: number;
}

/** The instance-wide peak TPS, as the instance's TPS limit counts it. */
export interface InstanceTps {
  /** Messages sent per second, every topic together. */
  readonly sendTps: number;
  /** Messages received per second, every consumer together. */
  readonly receiveTps: number;
  /** sendTps + receiveTps: what the instance's TPS limit counts. */
  readonly totalTps: number;
}

/**
 * The instance-wide peak: every consumer's receives, and per topic its stated sends or, without one, the most
 * any of its consumers receives (what it can keep up with). A serverless instance's TPS counts sends and
 * receives of every topic together (Source: ApsaraMQ for RocketMQ 5.x "Specifications and limits",
 * serverless TPS = messages sent + messages received per second).
 */
export function instanceTps(
  consumers: readonly InstanceConsumer[],
  topics: readonly InstanceTopic[],
): InstanceTps {
  const receiveTps = consumers.reduce((sum, c) => sum + c.receiveTps, 0);
  const sendTps = topics.reduce((sum, topic) => {
    const readers = consumers.filter((c) => c.topic === topic.name).map((c) => c.receiveTps);
    return sum + (topic.sendTps ?? Math.max(0, ...readers));
  }, 0);
  return { sendTps, receiveTps, totalTps: sendTps + receiveTps };
}
