export * from './guards';
export * from './hpa-proposal';
export * from './hpa-behavior';
export * from './hpa-rate-limits';
// reconcile, simulate's in-place form of hpaNormalize, is not an entry point.
export { hpaNormalize, storeScaleEvent } from './hpa-normalize';
export { type HpaNormalizeInput, type HpaNormalizeResult } from './hpa-normalize';
export * from './keda-activation';
export * from './keda-version';
export * from './fallback';
export * from './thresholds';
export * from './serverless';
export * from './simulation-types';
// forwardAmountIn is simulate's stepping form of amountIn, not an entry point.
export { amountIn, peakRate, rateAt } from './traffic-series';
export * from './simulate';
// summaryRunner is how the searches take a memo, not an entry point.
export { SimulationMemo, type SimulationCounts } from './simulation-memo';
export * from './oracle';
export * from './profiles';
export * from './recommend';
export * from './phases';
export * from './scale-events';
export * from './consumer-shutdown';
export { DRAINED_EPSILON } from './message-ledger';
export * from './pre-scale';
export * from './reactive-bound';
