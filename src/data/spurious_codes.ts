// The integer codes the injection kernel reads for a feature's kind and an attribute draw's mode.
// One source for TypeScript and AssemblyScript: assembly/spurious.ts imports this file, so it holds
// only plain integer constants, valid in both languages.

/** Attribute mode codes (absent draws like random; the signal is then left out). */
export const MODE_ALIGNED = 0;
export const MODE_RANDOM = 1;
export const MODE_CONFLICTING = 2;

/** Feature kind codes. */
export const KIND_PATCH = 0;
export const KIND_FREQUENCY = 1;
export const KIND_OFFSET = 2;
