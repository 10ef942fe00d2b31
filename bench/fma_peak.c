/*===- fma_peak.c - The machine's measured FP32 FMA peak, for the benchmark -===*
 *
 *   cc -O2 -pthread bench/fma_peak.c -o fma_peak
 *   fma_peak [--isa avx2,avx512] [--threads 1,2] [--seconds 0.3] [--trials 5]
 *
 * Each thread runs 12 independent accumulator chains (acc = acc * x + y, 12 registers,
 * enough to cover the FMA latency on every x86 core we have seen) in ymm (AVX2+FMA) or
 * zmm (AVX-512F) registers. GFLOP/s = threads * iterations * 12 * lanes * 2 / wall time
 * from a common start to the last join; the best of several trials is reported. Prints
 * one JSON object: {"avx2": {"1": gflops, "2": gflops}, "avx512": {...}}. The caller
 * (bench.py) picks the ISAs from /proc/cpuinfo; an ISA the CPU lacks is skipped here too.
 *===----------------------------------------------------------------------===*/
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHAINS 12

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* x < 1 keeps every chain converging to y / (1 - x): no overflow, no denormals. */
__attribute__((target("avx2,fma"), noinline)) static float chains_avx2(long iters) {
  __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-3f);
  __m256 a0 = _mm256_set1_ps(0.f), a1 = _mm256_set1_ps(1.f), a2 = _mm256_set1_ps(2.f),
         a3 = _mm256_set1_ps(3.f), a4 = _mm256_set1_ps(4.f), a5 = _mm256_set1_ps(5.f),
         a6 = _mm256_set1_ps(6.f), a7 = _mm256_set1_ps(7.f), a8 = _mm256_set1_ps(8.f),
         a9 = _mm256_set1_ps(9.f), a10 = _mm256_set1_ps(10.f), a11 = _mm256_set1_ps(11.f);
  for (long i = 0; i < iters; ++i) {
    a0 = _mm256_fmadd_ps(a0, x, y); a1 = _mm256_fmadd_ps(a1, x, y);
    a2 = _mm256_fmadd_ps(a2, x, y); a3 = _mm256_fmadd_ps(a3, x, y);
    a4 = _mm256_fmadd_ps(a4, x, y); a5 = _mm256_fmadd_ps(a5, x, y);
    a6 = _mm256_fmadd_ps(a6, x, y); a7 = _mm256_fmadd_ps(a7, x, y);
    a8 = _mm256_fmadd_ps(a8, x, y); a9 = _mm256_fmadd_ps(a9, x, y);
    a10 = _mm256_fmadd_ps(a10, x, y); a11 = _mm256_fmadd_ps(a11, x, y);
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                           _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(a8, a9), _mm256_add_ps(a10, a11)));
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0];
}

__attribute__((target("avx512f"), noinline)) static float chains_avx512(long iters) {
  __m512 x = _mm512_set1_ps(0.999999f), y = _mm512_set1_ps(1e-3f);
  __m512 a0 = _mm512_set1_ps(0.f), a1 = _mm512_set1_ps(1.f), a2 = _mm512_set1_ps(2.f),
         a3 = _mm512_set1_ps(3.f), a4 = _mm512_set1_ps(4.f), a5 = _mm512_set1_ps(5.f),
         a6 = _mm512_set1_ps(6.f), a7 = _mm512_set1_ps(7.f), a8 = _mm512_set1_ps(8.f),
         a9 = _mm512_set1_ps(9.f), a10 = _mm512_set1_ps(10.f), a11 = _mm512_set1_ps(11.f);
  for (long i = 0; i < iters; ++i) {
    a0 = _mm512_fmadd_ps(a0, x, y); a1 = _mm512_fmadd_ps(a1, x, y);
    a2 = _mm512_fmadd_ps(a2, x, y); a3 = _mm512_fmadd_ps(a3, x, y);
    a4 = _mm512_fmadd_ps(a4, x, y); a5 = _mm512_fmadd_ps(a5, x, y);
    a6 = _mm512_fmadd_ps(a6, x, y); a7 = _mm512_fmadd_ps(a7, x, y);
    a8 = _mm512_fmadd_ps(a8, x, y); a9 = _mm512_fmadd_ps(a9, x, y);
    a10 = _mm512_fmadd_ps(a10, x, y); a11 = _mm512_fmadd_ps(a11, x, y);
  }
  __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                           _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
  s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)));
  return _mm512_reduce_add_ps(s);
}

typedef struct {
  int avx512;
  long iters;
  float sink;
} job_t;

static void *worker(void *p) {
  job_t *j = p;
  j->sink = j->avx512 ? chains_avx512(j->iters) : chains_avx2(j->iters);
  return NULL;
}

/* GFLOP/s of `threads` threads each running `iters` iterations. */
static double measure(int avx512, int threads, long iters) {
  pthread_t tid[64];
  job_t jobs[64];
  double t0 = now_s();
  for (int t = 0; t < threads; ++t) {
    jobs[t] = (job_t){avx512, iters, 0.f};
    pthread_create(&tid[t], NULL, worker, &jobs[t]);
  }
  for (int t = 0; t < threads; ++t) pthread_join(tid[t], NULL);
  double dt = now_s() - t0;
  double flops = (double)threads * iters * CHAINS * (avx512 ? 16 : 8) * 2;
  if (jobs[0].sink == 12345.f) fprintf(stderr, "!"); /* keep the result alive */
  return flops / dt / 1e9;
}

int main(int argc, char **argv) {
  const char *isas = "avx2,avx512", *thread_list = "1,2";
  double seconds = 0.3;
  int trials = 5;
  for (int a = 1; a + 1 < argc; a += 2) {
    if (!strcmp(argv[a], "--isa")) isas = argv[a + 1];
    else if (!strcmp(argv[a], "--threads")) thread_list = argv[a + 1];
    else if (!strcmp(argv[a], "--seconds")) seconds = atof(argv[a + 1]);
    else if (!strcmp(argv[a], "--trials")) trials = atoi(argv[a + 1]);
    else { fprintf(stderr, "fma_peak: unknown option %s\n", argv[a]); return 2; }
  }
  __builtin_cpu_init();
  printf("{");
  int first_isa = 1;
  for (int avx512 = 0; avx512 <= 1; ++avx512) {
    const char *name = avx512 ? "avx512" : "avx2";
    char want[64];
    snprintf(want, sizeof want, ",%s,", name);
    char list[256];
    snprintf(list, sizeof list, ",%s,", isas);
    if (!strstr(list, want)) continue;
    if (avx512 ? !__builtin_cpu_supports("avx512f")
               : !(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")))
      continue;
    /* Calibrate the iteration count to about `seconds` on one thread. */
    long iters = 1 << 20;
    for (;;) {
      double t0 = now_s();
      measure(avx512, 1, iters);
      double dt = now_s() - t0;
      if (dt > seconds / 4 || iters > (1L << 40)) {
        iters = (long)(iters * seconds / dt);
        break;
      }
      iters *= 4;
    }
    printf("%s\"%s\": {", first_isa ? "" : ", ", name);
    first_isa = 0;
    char tl[256];
    snprintf(tl, sizeof tl, "%s", thread_list);
    int first_t = 1;
    for (char *tok = strtok(tl, ","); tok; tok = strtok(NULL, ",")) {
      int threads = atoi(tok);
      if (threads < 1 || threads > 64) continue;
      double best = 0;
      for (int r = 0; r < trials; ++r) {
        double g = measure(avx512, threads, iters);
        if (g > best) best = g;
      }
      printf("%s\"%d\": %.1f", first_t ? "" : ", ", threads, best);
      first_t = 0;
    }
    printf("}");
  }
  printf("}\n");
  return 0;
}
