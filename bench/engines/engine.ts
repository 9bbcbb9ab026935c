/** One way of running the template: the runtime figure times `run()`. */
import type { RunSummary } from '../_support/fixture.js';

export interface Engine {
  /** The key in the JSON (`runtime.<key>`). */
  readonly key: string;
  readonly label: string;
  /** One complete run with fresh state; returns something cheap the bench keeps. */
  run(): unknown;
  /** Runs once more and says what happened, to check every engine does the same work. */
  summary(): RunSummary;
  dispose(): void;
}
