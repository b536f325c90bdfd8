export { ConstructPropsError } from './validation';
export * from './consumer-workload';
export * from './backlog-scaler';
export * from './broker-provisioning';
export * from './provisioning-script';
export * from './alert-rules';
export * from './grafana-dashboard';
