/**
 * Loads a module inside the running test, in a fresh module registry. Stryker's perTest coverage counts what runs
 * while a test file is imported as covered by no test, so a mutant of a module-level constant (a regex, an exported
 * name) runs only against tests that evaluate the module themselves; the tests of those constants use this.
 * Classes of the fresh copy are not those of the static import: compare errors by name and message.
 */
export function freshModule<T>(load: () => T): T {
  let loaded: { value: T } | undefined;
  jest.isolateModules(() => {
    loaded = { value: load() };
  });
  if (loaded === undefined) throw new Error('jest.isolateModules did not run the loader');
  return loaded.value;
}
