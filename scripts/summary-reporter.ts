import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, after vitest's own summary,
 * so that any reader of the log (people and CI alike) sees the totals in one fixed shape.
 */
export default class SummaryReporter implements Reporter {
  #line = '';

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
    }
    this.#line = `${passed} passed, ${failed} failed, ${skipped} skipped`;
  }

  // Printed last, after vitest's own summary (which the default reporter writes on finishing).
  onFinished(): void {
    if (this.#line) process.stdout.write(`\n${this.#line}\n`);
  }
}
