// Cells that failed every attempt in a queued run: failed.jsonl beside results.jsonl (rewritten at
// the end of each run; a rerun tries those cells again) and a section of report.html listing them
// with their errors, added after the report is written so the report's own code stays unchanged.
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FailedCell } from "./coordinator.ts";

/** The report section that lists failed cells (HTML; empty when none failed). */
export function failedCellsHtml(failed: readonly FailedCell[]): string {
  if (failed.length === 0) return "";
  const rows = failed.map((f) =>
    `<tr><td>${escapeHtml(f.id)}</td><td>${f.attempts}</td><td><pre>${escapeHtml(firstLine(f.error))}</pre></td></tr>`
  );
  return `<section id="failed-cells"><h2>Failed cells</h2><p>${failed.length} cell(s) failed every attempt and ` +
    `are missing from every figure and table above; rerunning the same command retries them.</p>` +
    `<table><tr><th>cell</th><th>attempts</th><th>last error</th></tr>${rows.join("")}</table></section>\n`;
}

/** Write failed.jsonl (or remove it when nothing failed) and add the failed-cells section to a fresh report.html. */
export async function recordFailedCells(dir: string, failed: readonly FailedCell[], report: boolean): Promise<void> {
  const path = join(dir, "failed.jsonl");
  if (failed.length === 0) return void (await rm(path, { force: true }));
  await writeFile(`${path}.tmp`, failed.map((f) => JSON.stringify(f) + "\n").join(""));
  await rename(`${path}.tmp`, path);
  if (!report) return;
  const page = join(dir, "report.html");
  const html = await readFile(page, "utf8");
  const at = html.lastIndexOf("</body>");
  const updated = at < 0
    ? html + failedCellsHtml(failed)
    : html.slice(0, at) + failedCellsHtml(failed) + html.slice(at);
  await writeFile(`${page}.tmp`, updated);
  await rename(`${page}.tmp`, page);
}

function firstLine(text: string): string {
  return text.split("\n")[0];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}
