export * from './names';
export * from './labels';
export * from './promql';
export * from './consumer-contract';
export * from './cron-schedule';
export * from './alerts';
export * from './dashboard-queries';
