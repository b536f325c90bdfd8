export * from './cloud';
export * from './k8s';
export * from './scaling';
export * from './shared';
