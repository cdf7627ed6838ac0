// Where a study's time goes: each phase's median and total seconds over the cells that recorded it.
import type { CellResult } from "./run_cell.ts";

/** One phase's timing over cells. */
export interface PhaseTiming {
  readonly phase: string;
  readonly cells: number;
  readonly medianSeconds: number;
  readonly totalSeconds: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Per-phase timings, in the order phases first appear; cells without a profile (older runs) are skipped. */
export function profilePhases(results: readonly CellResult[]): PhaseTiming[] {
  const byPhase = new Map<string, number[]>();
  for (const r of results) {
    for (const [phase, seconds] of Object.entries(r.profile ?? {})) {
      if (!byPhase.has(phase)) byPhase.set(phase, []);
      byPhase.get(phase)!.push(seconds);
    }
  }
  return [...byPhase].map(([phase, xs]) => ({
    phase,
    cells: xs.length,
    medianSeconds: median(xs),
    totalSeconds: xs.reduce((a, b) => a + b, 0),
  }));
}

/** The timings as an aligned text table. */
export function profileTable(phases: readonly PhaseTiming[]): string {
  const rows = phases.map((p) => [p.phase, String(p.cells), p.medianSeconds.toFixed(2), p.totalSeconds.toFixed(1)]);
  const header = ["phase", "cells", "median s", "total s"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}
