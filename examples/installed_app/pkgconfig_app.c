/* pkgconfig_app: the tiny encoder from C, built with only what pkg-config says
 * (scripts/install-check.sh):
 *
 *   kiln-compile tiny_bert.onnx -o model --name encoder
 *   cc pkgconfig_app.c -Imodel $(pkg-config --cflags --libs kiln) model/libencoder.a
 *   ./a.out expected_last_hidden_state.bin
 *
 * Checks the output against onnxruntime's within 1e-4 + 1e-3*|b|.
 */
#include "encoder.h"

#include <math.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s EXPECTED.bin\n", argv[0]);
    return 2;
  }
  static const int64_t ids[8] = {1, 17, 42, 7, 99, 0, 63, 28}; /* tiny_bert_input_ids.bin */
  float expected[8 * 32], got[8 * 32];
  FILE *f = fopen(argv[1], "rb");
  size_t n = f ? fread(expected, sizeof(float), 8 * 32, f) : 0;
  if (f)
    fclose(f);
  if (n != 8 * 32) {
    fprintf(stderr, "error: %s does not hold %d floats\n", argv[1], 8 * 32);
    return 1;
  }
  kiln_context_t *ctx = NULL;
  kiln_status_t st = kiln_context_create(encoder_model(), NULL, &ctx);
  if (st == KILN_OK)
    st = encoder_run(ctx, ids, got);
  if (st != KILN_OK) {
    fprintf(stderr, "error: %s: %s\n", kiln_status_string(st), kiln_context_last_error(ctx));
    kiln_context_destroy(ctx);
    return 1;
  }
  kiln_context_destroy(ctx);
  int off = 0;
  for (int i = 0; i < 8 * 32; ++i)
    off += !(fabsf(got[i] - expected[i]) <= 1e-4f + 1e-3f * fabsf(expected[i]));
  printf("pkgconfig_app: %d of %d elements off onnxruntime's\n", off, 8 * 32);
  return off ? 1 : 0;
}
