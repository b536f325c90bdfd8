/** JSON log lines on stdout, one object per line, and an adapter that routes the RocketMQ client's logs there. */
import { format } from 'node:util';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logger writing `{"time","level","msg",...fields}` lines at `level` and above. */
export function jsonLogger(
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stdout.write(line),
  base: Record<string, unknown> = {},
): Logger {
  const emit = (at: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[at] < ORDER[level]) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...base, ...fields })}\n`);
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

export function parseLogLevel(value: string | undefined): LogLevel {
  if (value === undefined || value === '') return 'info';
  if (value in ORDER) return value as LogLevel;
  throw new RangeError(
    `LOG_LEVEL (${JSON.stringify(value)}) must be one of ${Object.keys(ORDER).join(', ')}`,
  );
}

/**
 * The client's ILogger (rocketmq-client-nodejs src/client/Logger.ts) takes printf-style arguments. Without
 * one it writes to ~/logs/rocketmq, which a read-only root filesystem refuses. Its info lines (routes,
 * heartbeats) go to debug here.
 */
export function rocketMqClientLogger(logger: Logger): {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
} {
  const fields = { component: 'rocketmq-client' };
  return {
    debug: (...args) => logger.debug(format(...args), fields),
    info: (...args) => logger.debug(format(...args), fields),
    warn: (...args) => logger.warn(format(...args), fields),
    error: (...args) => logger.error(format(...args), fields),
  };
}
