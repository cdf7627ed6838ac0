// Groups: every example belongs to (label, attribute). Fine groups keep every pair; coarse groups
// keep only whether the attribute agrees with the label (class x {aligned, conflicting}).

/** fine: label x attribute (classes * K groups); coarse: label x {aligned, conflicting} (classes * 2). */
export type Grouping = "fine" | "coarse";

/** The attribute value that agrees with label y among K values (y mod K). */
export function alignedAttribute(y: number, numAttributes: number): number {
  return y % numAttributes;
}

/** How many groups a grouping has. */
export function groupCount(grouping: Grouping, numClasses: number, numAttributes: number): number {
  return grouping === "fine" ? numClasses * numAttributes : numClasses * 2;
}

/** Group id of every example: fine y * K + a; coarse y * 2 + (a agrees with y ? 0 : 1). */
export function groupIds(y: Int32Array, a: Int32Array, numAttributes: number, grouping: Grouping): Int32Array {
  const g = new Int32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    g[i] = grouping === "fine"
      ? y[i] * numAttributes + a[i]
      : y[i] * 2 + (a[i] === alignedAttribute(y[i], numAttributes) ? 0 : 1);
  }
  return g;
}
