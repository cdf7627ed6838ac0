// A bump arena over linear memory. The TypeScript facade resets it at the start of every call,
// so no buffer outlives the call that asked for it and nothing needs a garbage collector.

let top: usize = 0;

/** Forget every allocation; the next alloc starts at the heap base again. */
export function arenaReset(): void {
  top = (__heap_base + 15) & ~15;
}

/** Reserve `bytes` (16-byte aligned, for SIMD loads), growing memory as needed; 0 on failure. */
export function arenaAlloc(bytes: usize): usize {
  if (top == 0) arenaReset();
  const ptr = top;
  const end = (ptr + bytes + 15) & ~15;
  const have = (<usize>memory.size()) << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) return 0;
  }
  top = end;
  return ptr;
}
