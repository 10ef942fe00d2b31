/* llm-decode: greedy decoding from C with a growing KV cache, one library.
 *
 *   llm-decode [--threads N] [--tokens N] [--logits FILE] [PROMPT_TOKEN ...]
 *
 * The model (examples/llm_decode/tiny_llama.onnx, compiled with
 * --symbolic-dims into libtiny_llama.a) takes input_ids [1, seq], an
 * attention_mask [1, past + seq] and per layer the cache
 * past_key_values.L.key/value [1, kv_heads, past, head_dim]; it returns the
 * logits [1, seq, vocab] and present.L.key/value [1, kv_heads, past + seq,
 * head_dim]. The first call is the prefill: the whole prompt against an empty
 * past (length 0). Every later call feeds the argmax token of the previous
 * call's last row against the cache that call returned, one longer each step.
 * Each cache lives in two buffers sized for the longest context, which trade
 * places every call (present is written into the buffer the past is not in).
 *
 * Prints the generated tokens on one line ("generated: ..."); --logits FILE
 * writes the logits row behind each generated token (tokens x vocab float32).
 */
#include "tiny_llama.h" /* generated: tiny_llama_model() */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TENSORS 64
#define MAX_PROMPT 256

static int fail(kiln_context_t *ctx, const char *what, kiln_status_t status) {
  fprintf(stderr, "error: %s: %s: %s\n", what, kiln_status_string(status),
          ctx ? kiln_context_last_error(ctx) : "");
  return 1;
}

int main(int argc, char **argv) {
  int threads = 0, to_generate = 32, prompt_len = 0;
  const char *logits_path = NULL;
  int64_t prompt[MAX_PROMPT];
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--tokens") && i + 1 < argc)
      to_generate = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--logits") && i + 1 < argc)
      logits_path = argv[++i];
    else if (prompt_len < MAX_PROMPT)
      prompt[prompt_len++] = strtoll(argv[i], NULL, 10);
  }
  if (prompt_len == 0)
    prompt[prompt_len++] = 1;
  if (to_generate < 1)
    return fprintf(stderr, "error: --tokens must be at least 1\n"), 1;

  /* Inputs: input_ids, attention_mask, then the caches; outputs: logits, then
   * the presents, in the same order (past_key_values.X <-> present.X). */
  const kiln_model_t *model = tiny_llama_model();
  int32_t num_in = kiln_model_input_count(model), num_out = kiln_model_output_count(model);
  if (num_in > MAX_TENSORS || num_out > MAX_TENSORS || num_in != num_out + 1)
    return fprintf(stderr, "error: unexpected model signature\n"), 1;
  kiln_tensor_info_t in_info[MAX_TENSORS], out_info[MAX_TENSORS];
  for (int32_t i = 0; i < num_in; ++i)
    kiln_model_input_info(model, i, &in_info[i]);
  for (int32_t i = 0; i < num_out; ++i)
    kiln_model_output_info(model, i, &out_info[i]);
  for (int32_t c = 2; c < num_in; ++c) {
    const char *past = in_info[c].name, *present = out_info[c - 1].name;
    if (strncmp(past, "past_key_values.", 16) || strncmp(present, "present.", 8) ||
        strcmp(past + 16, present + 8) || in_info[c].rank != 4)
      return fprintf(stderr, "error: input %s does not pair with output %s\n", past, present), 1;
  }
  int64_t kv_heads = in_info[2].shape[1], head_dim = in_info[2].shape[3], vocab = out_info[0].shape[2];
  int64_t max_ctx = prompt_len + to_generate - 1;

  /* Each cache in two buffers of the longest context; one mask of ones. */
  int32_t num_caches = num_in - 2;
  size_t cache_bytes = (size_t)(kv_heads * max_ctx * head_dim) * sizeof(float);
  float *cache[MAX_TENSORS][2];
  for (int32_t c = 0; c < num_caches; ++c)
    for (int b = 0; b < 2; ++b)
      if (!(cache[c][b] = malloc(cache_bytes)))
        return fprintf(stderr, "error: out of memory\n"), 1;
  int64_t *mask = malloc((size_t)max_ctx * sizeof(int64_t));
  float *logits = malloc((size_t)(prompt_len * vocab) * sizeof(float));
  FILE *logits_file = logits_path ? fopen(logits_path, "wb") : NULL;
  if (!mask || !logits || (logits_path && !logits_file))
    return fprintf(stderr, "error: cannot allocate or open %s\n", logits_path ? logits_path : "buffers"), 1;
  for (int64_t i = 0; i < max_ctx; ++i)
    mask[i] = 1;

  kiln_context_options_t options = {.num_threads = threads};
  kiln_context_t *ctx = NULL;
  kiln_status_t status = kiln_context_create(model, &options, &ctx);
  if (status != KILN_OK)
    return fail(NULL, "kiln_context_create", status);

  int64_t token = 0, past = 0;
  int cur = 0;
  printf("generated:");
  for (int generated = 0; generated < to_generate; ++generated) {
    int64_t seq = generated == 0 ? prompt_len : 1; /* the prefill, then one token per call */
    int64_t ids_shape[2] = {1, seq}, mask_shape[2] = {1, past + seq};
    int64_t past_shape[4] = {1, kv_heads, past, head_dim}, present_shape[4] = {1, kv_heads, past + seq, head_dim};
    int64_t logits_shape[3] = {1, seq, vocab};
    kiln_tensor_t in[MAX_TENSORS], out[MAX_TENSORS];
    in[0] = (kiln_tensor_t){KILN_DTYPE_INT64, 2, ids_shape, generated == 0 ? prompt : &token};
    in[1] = (kiln_tensor_t){KILN_DTYPE_INT64, 2, mask_shape, mask};
    out[0] = (kiln_tensor_t){KILN_DTYPE_FLOAT32, 3, logits_shape, logits};
    for (int32_t c = 0; c < num_caches; ++c) {
      in[2 + c] = (kiln_tensor_t){KILN_DTYPE_FLOAT32, 4, past_shape, cache[c][cur]};
      out[1 + c] = (kiln_tensor_t){KILN_DTYPE_FLOAT32, 4, present_shape, cache[c][!cur]};
    }
    if ((status = kiln_context_run(ctx, in, num_in, out, num_out)) != KILN_OK)
      return fail(ctx, "kiln_context_run", status);
    cur = !cur;
    past += seq;

    const float *row = logits + (seq - 1) * vocab; /* the last position predicts the next token */
    int64_t best = 0;
    for (int64_t v = 1; v < vocab; ++v)
      if (row[v] > row[best])
        best = v;
    token = best;
    printf(" %lld", (long long)token);
    if (logits_file && fwrite(row, sizeof(float), (size_t)vocab, logits_file) != (size_t)vocab)
      return fprintf(stderr, "error: cannot write %s\n", logits_path), 1;
  }
  printf("\n");
  kiln_context_destroy(ctx);
  if (logits_file && fclose(logits_file))
    return fprintf(stderr, "error: cannot write %s\n", logits_path), 1;
  for (int32_t c = 0; c < num_caches; ++c)
    free(cache[c][0]), free(cache[c][1]);
  free(mask);
  free(logits);
  return 0;
}
