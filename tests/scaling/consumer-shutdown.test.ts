import {
  CLIENT_RECEIVE_WAIT_SECONDS,
  CLIENT_REQUEST_TIMEOUT_SECONDS,
  consumerShutdownSeconds,
  DEFAULT_HELD_MESSAGES_PER_POD,
} from '../../constructs/scaling';

describe('consumerShutdownSeconds', () => {
  // Source: apache/rocketmq-clients nodejs BaseClient (requestTimeout 3000 ms), SimpleConsumer (awaitDuration
  // 30000 ms; receive maxMessageNum 10), Consumer.receiveMessage (timeout = requestTimeout + awaitDuration).
  test('the client defaults it is built on', () => {
    expect([
      CLIENT_RECEIVE_WAIT_SECONDS,
      CLIENT_REQUEST_TIMEOUT_SECONDS,
      DEFAULT_HELD_MESSAGES_PER_POD,
    ]).toEqual([30, 3, 10]);
  });

  test.each([
    // prod order-analytics: 30 + 3 + 10 / 200 + 10 + 3 + 5 = 51.05 → 52 (was 10 + 15 = 25, less than the receive wait)
    [{ maxProcessingSeconds: 10, messagesPerSecondPerPod: 200 }, 52],
    // prod payment-ledger: 30 + 3 + 10 / 30 + 60 + 3 + 5 = 101.33 → 102
    [{ maxProcessingSeconds: 60, messagesPerSecondPerPod: 30 }, 102],
    // a held batch of 100 at 2 msg/s: 30 + 3 + 50 + 20 + 3 + 5 = 111
    [{ maxProcessingSeconds: 20, messagesPerSecondPerPod: 2, heldMessagesPerPod: 100 }, 111],
    // rate unknown: the held messages are not counted
    [{ maxProcessingSeconds: 20 }, 61],
  ])('%j → %i s', (input, seconds) => {
    expect(consumerShutdownSeconds(input)).toBe(seconds);
  });

  test.each([
    [{ maxProcessingSeconds: 0 }, 'maxProcessingSeconds must be > 0, got 0'],
    [{ maxProcessingSeconds: 5, messagesPerSecondPerPod: 0 }, 'messagesPerSecondPerPod must be > 0, got 0'],
    [{ maxProcessingSeconds: 5, heldMessagesPerPod: -1 }, 'heldMessagesPerPod must be >= 0, got -1'],
  ])('refuses %j', (input, message) => {
    expect(() => consumerShutdownSeconds(input)).toThrow(message);
  });
});
