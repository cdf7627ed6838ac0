// Progress of a long run on stderr: a bar with count and ETA redrawn in place on a terminal, one
// plain line per step otherwise (CI logs, pipes).
import process from "node:process";

/** Report `done` of `total` units, started at `startMs`. */
export function progressBar(label: string, total: number): (done: number, note?: string) => void {
  const tty = Boolean(process.stderr.isTTY);
  const start = performance.now();
  return (done, note = "") => {
    const elapsed = (performance.now() - start) / 1000;
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    const width = 24;
    const filled = total ? Math.round((width * done) / total) : width;
    const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
    const line = `${label} ${bar} ${done}/${total}, ${fmt(elapsed)} elapsed, ETA ${
      Number.isFinite(eta) ? fmt(eta) : "?"
    }${note ? `  ${note}` : ""}`;
    if (tty) process.stderr.write(`\r${line}\x1b[K${done === total ? "\n" : ""}`);
    else process.stderr.write(`${line}\n`);
  };
}

function fmt(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}
