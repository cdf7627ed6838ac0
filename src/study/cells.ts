// The study's cells: one per (strength, seed). A cell trains ERM once on its spurious training set
// and runs everything that needs that model. The base strength's cells also sweep the held-out
// size (Q2) and AFR's gamma (Q3).
import type { StudyConfig } from "./config.ts";

/** One unit of work; `id` is stable, so finished cells are recognised when a run resumes. */
export interface Cell {
  readonly id: string;
  readonly rho: number;
  readonly amplitude: number;
  readonly seed: number;
  /** Base-strength cells do the held-out-size and gamma sweeps and train a clean reference model. */
  readonly base: boolean;
}

/** A cell's stable id (results files and the edge's /experiment use the same form). */
export function cellId(rho: number, amplitude: number, seed: number): string {
  return `rho=${rho},amp=${amplitude},seed=${seed}`;
}

/** Every cell of a study, in a fixed order (base cells first: the report's main figures need them). */
export function studyCells(c: StudyConfig): Cell[] {
  const strengths = new Map<string, [number, number]>();
  const add = (rho: number, amplitude: number) => strengths.set(`${rho}|${amplitude}`, [rho, amplitude]);
  add(c.rho, c.amplitude);
  for (const rho of c.rhos) add(rho, c.amplitude);
  for (const amplitude of c.amplitudes) add(c.rho, amplitude);
  const cells: Cell[] = [];
  for (const [rho, amplitude] of strengths.values()) {
    for (const seed of c.seeds) {
      const base = rho === c.rho && amplitude === c.amplitude;
      cells.push({ id: cellId(rho, amplitude, seed), rho, amplitude, seed, base });
    }
  }
  return cells;
}
