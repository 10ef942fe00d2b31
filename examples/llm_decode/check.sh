#!/usr/bin/env bash
# Decodes 32 tokens from each prompt with Kiln (llm-decode: one --symbolic-dims
# library, a growing cache) and onnxruntime (ort_decode.js), and fails unless
# every token is the same and every step's logits agree.
#   check.sh LLM_DECODE_BINARY [SCRATCH_DIR]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
scratch=${2:-$(mktemp -d)}
mkdir -p "$scratch"
status=0
for prompt in "1 17 42 99 3" "200" "7 7 7 7 7 7 7 7 7 7 7 7"; do
  logits="$scratch/kiln_logits.bin"
  kiln=$("$bin" --threads 1 --tokens 32 --logits "$logits" $prompt) || { echo "llm-decode failed on prompt '$prompt'"; exit 1; }
  echo "prompt [$prompt]"
  ort=$(node "$here/ort_decode.js" "$here/tiny_llama.onnx" --tokens 32 --compare "$logits" $prompt) || status=1
  echo "$ort" | sed 's/^/  /'
  echo "  kiln        $kiln"
  [ "$kiln" = "$(echo "$ort" | grep '^generated:')" ] || { echo "  TOKENS DIFFER"; status=1; }
done
[ $status -eq 0 ] && echo "32 tokens per prompt: tokens and every step's logits match onnxruntime"
exit $status
