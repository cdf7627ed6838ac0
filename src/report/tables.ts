// HTML tables for the report: every column has a header, no cell is empty (a dash says why), numbers
// are right-aligned with tabular digits, estimates show their 95% interval, and the best value of
// each scored column is in bold.
import type { Stat } from "../study/analysis.ts";
import { ci95 } from "./interval.ts";

/** A column: its header and, for scores, which end is best. */
export interface Column {
  readonly head: string;
  /** Scores: mark the highest (or lowest) mean of the column. */
  readonly best?: "max" | "min";
  /** Why a cell of this column can be missing (shown after the dash). */
  readonly missing?: string;
  /** Estimates: the factor they are shown in (100, the default, for percentages; 1 for counts and ratios). */
  readonly scale?: number;
  /** Estimates: decimals shown (1 by default). */
  readonly digits?: number;
  /** Differences: a positive mean shows its "+". */
  readonly signed?: boolean;
}

/** A cell: text, a number, an estimate over seeds, or null (missing: a dash with the column's reason). */
export type Cell = string | number | Stat | null;

const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Escape text for HTML. */
export const escapeHtml = esc;

/** "mean [lo, hi]" (the 95% interval; none for a single seed) in percent, or null when there is no finite mean. */
export function percentText(s: Stat, scale = 100, digits = 1): string | null {
  if (!Number.isFinite(s.mean)) return null;
  const f = (x: number) => (scale * x).toFixed(digits);
  const ci = ci95(s);
  return ci ? `${f(s.mean)} [${f(ci.lo)}, ${f(ci.hi)}]` : f(s.mean);
}

const isStat = (v: Cell): v is Stat => v !== null && typeof v === "object";
const valueOf = (v: Cell) => (isStat(v) ? v.mean : typeof v === "number" ? v : NaN);

/** A table, with a caption when given; the note under it says what bold and brackets mean when they are used. */
export function table(columns: readonly Column[], rows: readonly (readonly Cell[])[], caption?: string): string {
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
        const col = columns[j];
        const stat = isStat(v) ? percentText(v, col.scale, col.digits) : null;
        const sign = col.signed && stat !== null && isStat(v) && v.mean > 0 ? "+" : "";
        const text = v === null ? null : isStat(v) ? (stat === null ? null : sign + stat) : String(v);
        const numeric = typeof v !== "string";
        if (text === null || text === "" || text === "NaN") {
          const why = col.missing ?? "no value";
          return `<td class="missing" title="${esc(why)}">– <span class="why">(${esc(why)})</span></td>`;
        }
        const best = Number.isFinite(bestOf[j]) && valueOf(v) === bestOf[j];
        const inner = best ? `<strong title="best in this column">${esc(text)}</strong>` : esc(text);
        return `<td class="${numeric ? "num" : "txt"}${best ? " best" : ""}">${inner}</td>`;
      }).join("")
    }</tr>`
  ).join("");
  const intervals = rows.some((r) => r.some((v) => isStat(v) && ci95(v) !== null));
  const notes = [
    marked ? "bold: the best mean of its column" : "",
    intervals ? "[lo, hi] is the 95% confidence interval of the mean over seeds (Student's t)" : "",
  ].filter(Boolean);
  const cap = caption ? `<caption>${esc(caption)}</caption>` : "";
  return `<table>${cap}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
    (notes.length ? `<p class="note">${esc(notes.join("; "))}.</p>` : "");
}
