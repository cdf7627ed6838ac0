/*
 * What first-touching fresh memory costs on this machine, and why: 320 MB (the float64 output of
 * 1,000,000 MNIST-1D examples) made resident three ways. A JS engine can only do the first.
 *   touch:     write one byte per 4 KiB page of a fresh mapping (one page fault per page)
 *   populate:  madvise(MADV_POPULATE_WRITE), the kernel fills the same pages without faulting
 *   hugepage:  madvise(MADV_HUGEPAGE), then touch (one fault per 2 MiB)
 * Prints JSON seconds. Built and run by generate.bench.ts where a C compiler exists.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define BYTES ((size_t)320 << 20)
#define HUGE ((size_t)2 << 20)

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* A fresh anonymous mapping of BYTES, aligned to 2 MiB; NULL on failure. */
static char *fresh(void) {
  char *p = mmap(NULL, BYTES + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
  return (char *)(((size_t)p + HUGE - 1) & ~(HUGE - 1));
}

static double touch(char *p) {
  double t = now();
  for (size_t i = 0; i < BYTES; i += 4096) p[i] = 1;
  return now() - t;
}

int main(void) {
  char *a = fresh(), *b = fresh(), *c = fresh();
  if (!a || !b || !c) return 1;
  double tTouch = touch(a);
  double t = now();
  int populated = madvise(b, BYTES, MADV_POPULATE_WRITE) == 0;
  double tPopulate = now() - t;
  int huge = madvise(c, BYTES, MADV_HUGEPAGE) == 0;
  double tHuge = touch(c);
  /* -1 marks a madvise the kernel refused */
  printf("{\"touch\": %.4f, \"populate\": %.4f, \"hugepage\": %.4f}\n", tTouch, populated ? tPopulate : -1.0,
         huge ? tHuge : -1.0);
  return 0;
}
