/**
 * The shape every benchmark module has: bench/run.ts runs a list of these in one process and
 * puts each one's JSON under its `key` in the single JSON object `--json` prints.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Lines printed under the table: method, caveats. */
  readonly notes?: readonly string[];
}

export interface BenchOutput {
  readonly json: { [key: string]: JsonValue };
  readonly tables: readonly Table[];
}

export interface BenchOptions {
  /** Shorter runs, for trying the bench out; the figures are then rough. */
  readonly quick: boolean;
  /** Progress lines; always stderr, never stdout. */
  readonly progress: (line: string) => void;
}

export interface BenchModule {
  /** The member of the JSON object this module fills. */
  readonly key: string;
  readonly title: string;
  run(options: BenchOptions): Promise<BenchOutput>;
}
