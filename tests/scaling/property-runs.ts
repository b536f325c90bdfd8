/**
 * fast-check runs for a property: all of them under `npm test`, at most `inMutantRun` in a Stryker mutant run, where each
 * surviving mutant reruns every property that covers it (a run of 2000 cases was most of a mutant's time). Fewer
 * cases can only let more mutants survive, so the mutation score stays a lower bound.
 */
// Stryker sets it for each mutant run (@stryker-mutator/api INSTRUMENTER_CONSTANTS.ACTIVE_MUTANT_ENV_VARIABLE).
const MUTANT_RUN = process.env.__STRYKER_ACTIVE_MUTANT__ !== undefined;

export function propertyRuns(numRuns: number, inMutantRun = 50): number {
  return MUTANT_RUN ? Math.min(numRuns, inMutantRun) : numRuns;
}
