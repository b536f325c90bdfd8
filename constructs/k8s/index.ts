export { ConstructPropsError } from './validation';
export * from './consumer-workload';
export * from './backlog-scaler';
