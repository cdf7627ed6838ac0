// HTML tables for the report: every column has a header, no cell is empty (a dash says why), numbers
// are right-aligned with tabular digits, and the best value of each scored column is in bold.
import type { Stat } from "../study/analysis.ts";

/** A column: its header and, for scores, which end is best. */
export interface Column {
  readonly head: string;
  /** Scores: mark the highest (or lowest) mean of the column. */
  readonly best?: "max" | "min";
  /** Why a cell of this column can be missing (shown after the dash). */
  readonly missing?: string;
}

/** A cell: text, a number, or a percentage estimate over seeds. */
export type Cell = string | number | Stat;

const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Escape text for HTML. */
export const escapeHtml = esc;

/** "mean ± sd" in percent (no ± for a single seed), or null when there is no finite mean. */
export function percentText(s: Stat): string | null {
  if (!Number.isFinite(s.mean)) return null;
  return `${(100 * s.mean).toFixed(1)}${s.n > 1 ? ` ± ${(100 * s.sd).toFixed(1)}` : ""}`;
}

const isStat = (v: Cell): v is Stat => typeof v === "object";
const valueOf = (v: Cell) => (isStat(v) ? v.mean : typeof v === "number" ? v : NaN);

/** A table; the note under it says what bold and ± mean when they are used. */
export function table(columns: readonly Column[], rows: readonly (readonly Cell[])[]): string {
  const bestOf = columns.map((col, j) => {
    if (!col.best) return NaN;
    const values = rows.map((r) => valueOf(r[j])).filter(Number.isFinite);
    const best = col.best === "max" ? Math.max(...values) : Math.min(...values);
    // A tie of every row singles nothing out.
    return values.some((v) => v !== best) ? best : NaN;
  });
  const marked = bestOf.some(Number.isFinite);
  const head = columns.map((c) => `<th scope="col">${esc(c.head)}</th>`).join("");
  const body = rows.map((r) =>
    `<tr>${
      r.map((v, j) => {
        const text = isStat(v) ? percentText(v) : String(v);
        const numeric = typeof v !== "string";
        if (text === null || text === "" || text === "NaN") {
          const why = columns[j].missing ?? "no value";
          return `<td class="missing" title="${esc(why)}">– <span class="why">(${esc(why)})</span></td>`;
        }
        const best = Number.isFinite(bestOf[j]) && valueOf(v) === bestOf[j];
        const inner = best ? `<strong title="best in this column">${esc(text)}</strong>` : esc(text);
        return `<td class="${numeric ? "num" : "txt"}${best ? " best" : ""}">${inner}</td>`;
      }).join("")
    }</tr>`
  ).join("");
  const pm = rows.some((r) => r.some((v) => isStat(v) && v.n > 1));
  const notes = [
    marked ? "bold: the best mean of its column" : "",
    pm ? "± is the standard deviation over seeds" : "",
  ].filter(Boolean);
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
    (notes.length ? `<p class="note">${esc(notes.join("; "))}.</p>` : "");
}
