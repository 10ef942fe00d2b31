/* gpt-decode: greedy decoding from C with a KV-cache decoder compiled by Kiln.
 *
 *   gpt-decode [--threads N] [--tokens N] [PROMPT_TOKEN ...]
 *
 * The model (examples/gpt_decode/tiny_gpt.onnx, compiled into libtiny_gpt.a)
 * takes one token, its position and the cache (past.L.key/value) and returns
 * the next-token logits and the updated cache (present.L.key/value). This
 * loop feeds the prompt one token at a time, then appends the argmax token
 * N times, swapping each present buffer in as the next call's past: no copy.
 * It prints the generated tokens on one line ("generated: ...").
 */
#include "tiny_gpt.h" /* generated: tiny_gpt_model() */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TENSORS 32

static int64_t element_count(const kiln_tensor_info_t *info) {
  int64_t n = 1;
  for (int32_t d = 0; d < info->rank; ++d)
    n *= info->shape[d];
  return n;
}

static int fail(kiln_context_t *ctx, const char *what, kiln_status_t status) {
  fprintf(stderr, "error: %s: %s: %s\n", what, kiln_status_string(status), kiln_context_last_error(ctx));
  return 1;
}

int main(int argc, char **argv) {
  int threads = 0, to_generate = 20, prompt_len = 0;
  int64_t prompt[64];
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
      threads = atoi(argv[++i]);
    } else if (!strcmp(argv[i], "--tokens") && i + 1 < argc) {
      to_generate = atoi(argv[++i]);
    } else if (prompt_len < 64) {
      prompt[prompt_len++] = strtoll(argv[i], NULL, 10);
    }
  }
  if (prompt_len == 0) {
    const int64_t fallback[] = {5, 17, 42};
    memcpy(prompt, fallback, sizeof fallback);
    prompt_len = 3;
  }

  /* Inputs: input_ids [1, 1], position [1], then past.*; outputs: logits, then present.* */
  const kiln_model_t *model = tiny_gpt_model();
  int32_t num_in = kiln_model_input_count(model), num_out = kiln_model_output_count(model);
  if (num_in > MAX_TENSORS || num_out > MAX_TENSORS || num_in != num_out + 1)
    return fprintf(stderr, "error: unexpected model signature\n"), 1;
  kiln_tensor_info_t in_info[MAX_TENSORS], out_info[MAX_TENSORS];
  for (int32_t i = 0; i < num_in; ++i)
    kiln_model_input_info(model, i, &in_info[i]);
  for (int32_t i = 0; i < num_out; ++i)
    kiln_model_output_info(model, i, &out_info[i]);
  int64_t max_ctx = in_info[2].shape[2], vocab = out_info[0].shape[2];
  if (prompt_len + to_generate - 1 > max_ctx)
    return fprintf(stderr, "error: %d tokens do not fit the %lld-token cache\n",
                   prompt_len + to_generate, (long long)max_ctx), 1;

  /* Cache i (input 2+i, output 1+i) in two buffers that trade places each step. */
  size_t cache_bytes = (size_t)element_count(&in_info[2]) * sizeof(float);
  float *cache[MAX_TENSORS][2];
  for (int32_t c = 0; c < num_out - 1; ++c)
    for (int b = 0; b < 2; ++b)
      if (!(cache[c][b] = calloc(1, cache_bytes)))
        return 1;
  float *logits = malloc((size_t)vocab * sizeof(float));

  kiln_context_options_t options = {.num_threads = threads};
  kiln_context_t *ctx = NULL;
  kiln_status_t status = kiln_context_create(model, &options, &ctx);
  if (status != KILN_OK)
    return fail(NULL, "kiln_context_create", status);

  int64_t token = prompt[0], position = 0;
  kiln_tensor_t in[MAX_TENSORS], out[MAX_TENSORS];
  in[0] = (kiln_tensor_t){KILN_DTYPE_INT64, 2, in_info[0].shape, &token};
  in[1] = (kiln_tensor_t){KILN_DTYPE_INT64, 1, in_info[1].shape, &position};
  out[0] = (kiln_tensor_t){KILN_DTYPE_FLOAT32, 3, out_info[0].shape, logits};
  printf("generated:");
  int cur = 0;
  for (int generated = 0; generated < to_generate; ++position) {
    for (int32_t c = 0; c < num_out - 1; ++c) {
      in[2 + c] = (kiln_tensor_t){KILN_DTYPE_FLOAT32, 4, in_info[2 + c].shape, cache[c][cur]};
      out[1 + c] = (kiln_tensor_t){KILN_DTYPE_FLOAT32, 4, out_info[1 + c].shape, cache[c][!cur]};
    }
    if ((status = kiln_context_run(ctx, in, num_in, out, num_out)) != KILN_OK)
      return fail(ctx, "kiln_context_run", status);
    cur = !cur;
    if (position + 1 < prompt_len) {
      token = prompt[position + 1]; /* still reading the prompt */
      continue;
    }
    int64_t best = 0;
    for (int64_t v = 1; v < vocab; ++v)
      if (logits[v] > logits[best])
        best = v;
    token = best;
    printf(" %lld", (long long)token);
    ++generated;
  }
  printf("\n");
  kiln_context_destroy(ctx);
  for (int32_t c = 0; c < num_out - 1; ++c)
    free(cache[c][0]), free(cache[c][1]);
  free(logits);
  return 0;
}
