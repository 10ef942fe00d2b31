/* kiln-example: runs the tiny BERT encoder that kiln-compile turned into
 * libtiny_bert.a + tiny_bert.h, through Kiln's C API (kiln/runtime.h).
 *
 *   kiln-example [--threads N] [--dump DIR] [TOKEN_ID ...]
 *
 * With no token ids it uses a fixed sequence (the same as examples/tiny_bert_input_ids.bin).
 * --dump DIR writes each input as DIR/input_<i>.bin and each output as DIR/<i>.bin,
 * raw little-endian, so scripts/demo.sh can check them against onnxruntime.
 */
#include "tiny_bert.h" /* generated: tiny_bert_model(), tiny_bert_run() */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define VOCAB_SIZE 100 /* of the model examples/make_tiny_bert.py builds */
static const int64_t default_ids[] = {1, 17, 42, 7, 99, 0, 63, 28};

static void print_info(const char *kind, int32_t index, const kiln_tensor_info_t *info) {
  printf("  %s %d: %-18s %-8s [", kind, index, info->name, kiln_dtype_name(info->dtype));
  for (int32_t d = 0; d < info->rank; ++d)
    printf("%s%lld", d ? ", " : "", (long long)info->shape[d]);
  printf("]\n");
}

static int64_t element_count(const kiln_tensor_info_t *info) {
  int64_t n = 1;
  for (int32_t d = 0; d < info->rank; ++d)
    n *= info->shape[d];
  return n;
}

/* mkdir -p: creates `dir` and any missing parents. */
static int make_dirs(const char *dir) {
  char path[4096];
  if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
    return -1;
  for (char *p = path + 1; *p; ++p) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
      return -1;
    *p = '/';
  }
  return mkdir(path, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static int write_file(const char *dir, const char *file, const void *data, size_t nbytes) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, nbytes, f) != nbytes || fclose(f) != 0) {
    fprintf(stderr, "error: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *dump_dir = NULL;
  int threads = 0; /* 0: Halide's default (HL_NUM_THREADS, else all cores) */
  int64_t ids[sizeof default_ids / sizeof default_ids[0]];
  int num_ids = 0;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--dump") && i + 1 < argc) {
      dump_dir = argv[++i];
    } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
      threads = atoi(argv[++i]);
    } else {
      char *end;
      long long id = strtoll(argv[i], &end, 10);
      if (*end || end == argv[i] || id < 0 || id >= VOCAB_SIZE) {
        fprintf(stderr, "usage: %s [--threads N] [--dump DIR] [TOKEN_ID (0..%d) ...]\n", argv[0],
                VOCAB_SIZE - 1);
        return 2;
      }
      if (num_ids == (int)(sizeof ids / sizeof ids[0])) {
        fprintf(stderr, "error: the model takes exactly %d token ids\n", num_ids);
        return 2;
      }
      ids[num_ids++] = id;
    }
  }
  if (num_ids == 0) {
    memcpy(ids, default_ids, sizeof ids);
    num_ids = sizeof ids / sizeof ids[0];
  } else if (num_ids != (int)(sizeof ids / sizeof ids[0])) {
    fprintf(stderr, "error: the model takes exactly %d token ids, got %d\n",
            (int)(sizeof ids / sizeof ids[0]), num_ids);
    return 2;
  }

  /* 1. The model: static data inside libtiny_bert.a. Query what it expects. */
  const kiln_model_t *model = tiny_bert_model();
  int32_t num_inputs = kiln_model_input_count(model);
  int32_t num_outputs = kiln_model_output_count(model);
  printf("model %s (target %s), workspace %lld bytes\n", model->name, model->target,
         (long long)kiln_model_workspace_size(model));
  kiln_tensor_info_t info;
  for (int32_t i = 0; i < num_inputs; ++i)
    if (kiln_model_input_info(model, i, &info) == KILN_OK)
      print_info("input ", i, &info);

  /* Output buffers are the caller's: size them from the model's declared shapes. */
  void *outputs[8] = {0};
  size_t output_bytes[8] = {0};
  if (num_outputs > 8) {
    fprintf(stderr, "error: this example handles at most 8 outputs\n");
    return 1;
  }
  for (int32_t i = 0; i < num_outputs; ++i) {
    if (kiln_model_output_info(model, i, &info) != KILN_OK)
      return 1;
    print_info("output", i, &info);
    output_bytes[i] = (size_t)element_count(&info) * kiln_dtype_size(info.dtype);
    outputs[i] = malloc(output_bytes[i]);
    if (!outputs[i])
      return 1;
  }

  /* 2. A context: owns the arena for intermediates. Not thread-safe: one per thread. */
  kiln_context_options_t options = {.num_threads = threads};
  kiln_context_t *ctx = NULL;
  kiln_status_t status = kiln_context_create(model, &options, &ctx);
  if (status != KILN_OK) {
    /* No context to hold the message: kiln_context_last_error(NULL) has it (per thread). */
    fprintf(stderr, "kiln_context_create: %s: %s\n", kiln_status_string(status),
            kiln_context_last_error(NULL));
    return 1;
  }

  /* 3. Run through the typed wrapper from tiny_bert.h: inputs, then outputs. */
  status = tiny_bert_run(ctx, ids, (float *)outputs[0]);
  if (status != KILN_OK) {
    fprintf(stderr, "tiny_bert_run: %s: %s\n", kiln_status_string(status),
            kiln_context_last_error(ctx));
    kiln_context_destroy(ctx);
    return 1;
  }
  printf("ran on token ids:");
  for (int i = 0; i < num_ids; ++i)
    printf(" %lld", (long long)ids[i]);
  printf("\n");
  for (int32_t i = 0; i < num_outputs; ++i) {
    kiln_model_output_info(model, i, &info);
    printf("  %s[0..7]:", info.name);
    const float *v = outputs[i]; /* every output of this model is float32 */
    for (int k = 0; k < 8 && k < element_count(&info); ++k)
      printf(" %.5f", v[k]);
    printf(" ...\n");
  }

  /* 4. Errors are status codes plus a message on the context, never an abort.
   *    Here: the generic entry point with input_ids of shape [1, 4] instead of [1, 8]. */
  kiln_model_output_info(model, 0, &info);
  const int64_t wrong_shape[] = {1, 4};
  kiln_tensor_t bad_in = {KILN_DTYPE_INT64, 2, wrong_shape, ids};
  kiln_tensor_t out = {info.dtype, info.rank, info.shape, outputs[0]};
  status = kiln_context_run(ctx, &bad_in, 1, &out, 1);
  printf("wrong-shape run: %s (%d): %s\n", kiln_status_string(status), (int)status,
         kiln_context_last_error(ctx));
  int rc = status == KILN_INVALID_ARGUMENT ? 0 : 1;
  if (rc)
    fprintf(stderr, "error: expected INVALID_ARGUMENT for a wrong shape\n");

  /* 5. Optionally save the inputs and outputs for an outside check. */
  if (dump_dir && rc == 0) {
    if (make_dirs(dump_dir) != 0) {
      fprintf(stderr, "error: cannot create %s: %s\n", dump_dir, strerror(errno));
      rc = 1;
    }
    if (rc == 0 && write_file(dump_dir, "input_0.bin", ids, sizeof ids) != 0)
      rc = 1;
    for (int32_t i = 0; rc == 0 && i < num_outputs; ++i) {
      char file[32];
      snprintf(file, sizeof file, "%d.bin", (int)i);
      if (write_file(dump_dir, file, outputs[i], output_bytes[i]) != 0)
        rc = 1;
    }
    if (rc == 0)
      printf("wrote inputs and outputs to %s\n", dump_dir);
  }

  /* 6. Destroy the context (NULL-safe); the model itself is static data. */
  kiln_context_destroy(ctx);
  for (int32_t i = 0; i < num_outputs; ++i)
    free(outputs[i]);
  return rc;
}
