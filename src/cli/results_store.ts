// results.jsonl: one complete JSON line per finished cell, appended with a single write. Reading
// drops a torn last line (a run killed mid-write) and rewrites the file without it, atomically.
import { appendFile, readFile, rename, writeFile } from "node:fs/promises";

/** Parse every complete record; rewrite the file without a torn or corrupt tail. */
export async function loadResults<T>(file: string): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return [];
  }
  const records: T[] = [];
  let good = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      records.push(JSON.parse(line) as T);
      good += line.length + 1;
    } catch {
      break; // a torn line can only be the last one written
    }
  }
  if (good !== text.length) {
    await writeFile(`${file}.tmp`, text.slice(0, good));
    await rename(`${file}.tmp`, file);
  }
  return records;
}

/** Append one record as one line (one write call). */
export async function appendResult(file: string, record: unknown): Promise<void> {
  await appendFile(file, JSON.stringify(record) + "\n");
}
