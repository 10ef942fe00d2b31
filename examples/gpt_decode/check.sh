#!/usr/bin/env bash
# Decodes the same prompts with Kiln (gpt-decode) and onnxruntime (ort_decode.js)
# and fails unless every generated token is the same.
#   check.sh GPT_DECODE_BINARY
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
status=0
for prompt in "5 17 42" "1 2 3 4 5" "99"; do
  kiln=$("$bin" --threads 1 $prompt) || { echo "gpt-decode failed on prompt '$prompt'"; exit 1; }
  ort=$(node "$here/ort_decode.js" "$here/tiny_gpt.onnx" $prompt) || { echo "ort_decode.js failed"; exit 1; }
  echo "prompt [$prompt]"
  echo "  kiln        $kiln"
  echo "  onnxruntime $ort"
  [ "$kiln" = "$ort" ] || { echo "  MISMATCH"; status=1; }
done
[ $status -eq 0 ] && echo "20 tokens per prompt, all the same as onnxruntime"
exit $status
