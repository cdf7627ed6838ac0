// Progress for long commands on stderr: one rewritten line on a terminal, a few plain lines otherwise.
import process from "node:process";

/** A progress callback printing "label: done/total (pct%)"; silent for small jobs. */
export function progressPrinter(label: string, minTotal: number): (done: number, total: number) => void {
  const tty = Boolean(process.stderr.isTTY);
  let lastTenth = -1;
  return (done, total) => {
    if (total < minTotal) return;
    const pct = Math.floor((100 * done) / total);
    const line = `${label}: ${done}/${total} (${pct}%)`;
    if (tty) {
      process.stderr.write(`\r${line}${done === total ? "\n" : ""}`);
    } else if (Math.floor(pct / 10) > lastTenth || done === total) {
      lastTenth = Math.floor(pct / 10);
      process.stderr.write(`${line}\n`);
    }
  };
}
