/**
 * The contract between a consumer image and the Deployment that runs it: the environment variables
 * `ConsumerWorkload` sets, and the HTTP endpoints the sample app serves. The sample app
 * (infra/sample-app) imports these names and nothing else from constructs/.
 */

/** Environment variables set on every consumer container; `env` in a stack file may not override them. */
export const CONSUMER_ENV = {
  /** RocketMQ 5.x gRPC endpoint, host:port. */
  endpoint: 'ROCKETMQ_ENDPOINT',
  /** Topic the consumer reads. */
  topic: 'ROCKETMQ_TOPIC',
  /** Consumer group the consumer reads as. */
  consumerGroup: 'ROCKETMQ_CONSUMER_GROUP',
  /** ACL username, from the workload's credentials Secret. */
  username: 'ROCKETMQ_USERNAME',
  /** ACL password, from the workload's credentials Secret. */
  password: 'ROCKETMQ_PASSWORD',
  /** The pod's terminationGracePeriodSeconds: the consumer finishes its drain before this runs out. */
  shutdownGraceSeconds: 'CONSUMER_SHUTDOWN_GRACE_SECONDS',
  /** Port of the health, readiness and metrics endpoints; absent when probes are off. */
  httpPort: 'CONSUMER_HTTP_PORT',
} as const;

/** Names the load generator reads for its connection; the producer Secret has the same keys. */
export const PRODUCER_ENV = {
  /** RocketMQ 5.x gRPC endpoint, host:port. */
  endpoint: CONSUMER_ENV.endpoint,
  /** ACL username, from the producer's credentials Secret. */
  username: CONSUMER_ENV.username,
  /** ACL password, from the producer's credentials Secret. */
  password: CONSUMER_ENV.password,
} as const;

/** Defaults of the HTTP contract: one port for liveness, readiness and Prometheus metrics. */
export const CONSUMER_HTTP_DEFAULTS = {
  /** The one HTTP port of the consumer. */
  port: 8080,
  /** Liveness probe path: 200 while the process is live. */
  livenessPath: '/livez',
  /** Readiness probe path: 200 once subscribed, 503 while draining. */
  readinessPath: '/readyz',
  /** Prometheus metrics path. */
  metricsPath: '/metrics',
} as const;
