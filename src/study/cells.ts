// The study's cells: one per (model, feature kind, grouping, strength, seed). A cell trains ERM once
// on its spurious training set and runs everything that needs that model. Q1's cells vary the swept
// kind's strength; the base strength's cells of the swept kind also sweep the held-out set (Q2) and
// the reweighting set (Q3), and train a clean reference model.
import type { Grouping } from "../data/groups.ts";
import type { SpuriousKind } from "../data/spurious_config.ts";
import type { ModelKind } from "../tf/models.ts";
import type { StudyConfig } from "./config.ts";

/** One unit of work; `id` is stable, so finished cells are recognised when a run resumes. */
export interface Cell {
  readonly id: string;
  readonly model: ModelKind;
  readonly kind: SpuriousKind;
  readonly grouping: Grouping;
  readonly rho: number;
  readonly amplitude: number;
  readonly seed: number;
  /** At the base strength: every method runs (elsewhere only the strength methods). */
  readonly base: boolean;
  /** Base strength of the swept kind: the held-out and gamma sweeps and a clean reference model run too. */
  readonly sweeps: boolean;
}

/** What identifies a cell. */
export type CellKey = Pick<Cell, "model" | "kind" | "grouping" | "rho" | "amplitude" | "seed">;

/** The fields that identify a cell, and only those. */
export function cellKey(k: CellKey): CellKey {
  return { model: k.model, kind: k.kind, grouping: k.grouping, rho: k.rho, amplitude: k.amplitude, seed: k.seed };
}

/** A cell's stable id (results files, the queue's job ids and the edge's /experiment use the same form). */
export function cellId(k: CellKey): string {
  return `${k.model},${k.kind},${k.grouping},rho=${k.rho},amp=${k.amplitude},seed=${k.seed}`;
}

/** The cell of `key` in a study: whether it is at the base strength, and whether it runs the sweeps. */
export function makeCell(c: StudyConfig, key: CellKey): Cell {
  const base = key.rho === c.rho && key.amplitude === c.amplitude;
  return { id: cellId(key), ...key, base, sweeps: base && key.kind === c.kind };
}

/** Every cell of a study, in a fixed order: sweep cells first (the report's main figures need them), then the
 * other kinds at the base strength, then Q1's strengths; within each, model, grouping and seed. */
export function studyCells(c: StudyConfig): Cell[] {
  const settings: [SpuriousKind, number, number][] = [];
  const seen = new Set<string>();
  const add = (kind: SpuriousKind, rho: number, amplitude: number) => {
    const key = `${kind}|${rho}|${amplitude}`;
    if (!seen.has(key)) (seen.add(key), settings.push([kind, rho, amplitude]));
  };
  add(c.kind, c.rho, c.amplitude);
  for (const kind of c.kinds) add(kind, c.rho, c.amplitude);
  for (const rho of c.rhos) add(c.kind, rho, c.amplitude);
  for (const amplitude of c.amplitudes) add(c.kind, c.rho, amplitude);
  return settings.flatMap(([kind, rho, amplitude]) =>
    c.models.flatMap((model) =>
      c.groupings.flatMap((grouping) =>
        c.seeds.map((seed) => makeCell(c, { model, kind, grouping, rho, amplitude, seed }))
      )
    )
  );
}
