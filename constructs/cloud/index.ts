export * from './invalid-args-error';
export * from './rocket-mq-messaging';
export * from './consumer-access';
export * from './metrics-reader';
export * from './prometheus-access';
export * from './cluster-secrets';
export * from './keda-addon';
export * from './producer-access';
