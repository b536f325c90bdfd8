import { kedaFallbackMode, kedaSupportsFallbackBehavior } from '../../constructs/scaling';

// A KEDA release is written major.minor.patch, the whole string: a pre-release suffix or a non-string is refused,
// and a patch of two digits is a release like any other.
describe('KEDA release format', () => {
  const message = (shown: string) =>
    new RangeError(
      `scaling.kedaVersion (${shown}) must be a KEDA release 2.14.x to 2.20.x written major.minor.patch (the releases modelled)`,
    );

  test('a pre-release or a suffix after the patch is refused', () => {
    expect(() => kedaFallbackMode('2.17.0-rc1')).toThrow(message('"2.17.0-rc1"'));
    expect(() => kedaSupportsFallbackBehavior('2.17.0 ')).toThrow(message('"2.17.0 "'));
  });

  test('a two-digit patch is read as written', () => {
    expect(kedaFallbackMode('2.15.10')).toBe('scale-loop');
    expect(kedaSupportsFallbackBehavior('2.18.12')).toBe(true);
  });

  test('a value that only prints as a release is refused', () => {
    // From YAML or JSON a list can arrive where a string was typed; String(['2.17.0']) is '2.17.0'.
    const list = ['2.17.0'] as unknown as string;
    expect(() => kedaFallbackMode(list)).toThrow(message('["2.17.0"]'));
  });
});
