export * from './guards';
export * from './hpa-proposal';
export * from './hpa-normalize';
export * from './keda-activation';
export * from './thresholds';
export * from './serverless';
