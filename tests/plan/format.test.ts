import { fmt } from '../../infra/plan/report';

describe('fmt', () => {
  test.each([
    [0, 0, '0'],
    [999, 0, '999'],
    [1000, 0, '1,000'],
    [108_000, 0, '108,000'],
    [1364.75, 1, '1,364.8'],
    [-1_234_567.891, 1, '-1,234,567.9'],
    [null, 0, 'never'],
  ])('%p with %i decimals reads %s', (value, digits, text) => {
    expect(fmt(value, digits)).toBe(text);
  });
});
