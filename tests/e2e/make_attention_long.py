#!/usr/bin/env python3
"""Writes tests/e2e/data/attention_long: 9 query rows (a prefill chunk after a
KV cache) attending to 530 keys, which kiln-fuse-attention's kernel takes in
blocks of 256 under an online softmax (530 = 256 + 256 + 18 real keys of the
last block). The additive mask [1, 1, 9, 530] holds causal -inf entries, a
row whose whole second block is -inf (a block of weight 0), a row masked
with the most negative finite float except for 3 keys, and large scores
(x8) so the running max moves between blocks. Heads merge into [1, 9, 64]
(Transpose + Reshape). Also data/attention_long_step: one query row (a decode
step at a long context) over 600 keys, 2 heads of 16, a padding mask.
References from onnxruntime.

  /usr/bin/python3 tests/e2e/make_attention_long.py
"""
import os

import numpy as np

from ort_case import attention_model, write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "attention_long")
rng = np.random.default_rng(5)
S, Sq, H, D = 530, 9, 2, 32

model = attention_model("attention_long", H, Sq, S, D, 8 / np.sqrt(D), merge_heads=True)
mask = np.zeros((1, 1, Sq, S), np.float32)
for r in range(Sq):  # causal: query r sits at position S - Sq + r
    mask[0, 0, r, S - Sq + r + 1:] = -np.inf
mask[0, 0, 2, 256:512] = -np.inf
mask[0, 0, 5, :] = np.finfo(np.float32).min
mask[0, 0, 5, [3, 300, 520]] = 0
inputs = [("q", rng.standard_normal((1, H, Sq, D))), ("k", rng.standard_normal((1, H, S, D))),
          ("v", rng.standard_normal((1, H, S, D))), ("mask", mask)]
write_case(model, [(n, x.astype(np.float32)) for n, x in inputs], out)

# A decode step at a long context: one query row, the row tile is the head.
S, Sq, H, D = 600, 1, 2, 16
model = attention_model("attention_long_step", H, Sq, S, D, 1 / np.sqrt(D))
mask = np.zeros((1, 1, Sq, S), np.float32)
mask[..., :40] = np.finfo(np.float32).min  # left padding
inputs = [("q", rng.standard_normal((1, H, Sq, D)) * 3), ("k", rng.standard_normal((1, H, S, D))),
          ("v", rng.standard_normal((1, H, S, D))), ("mask", mask)]
write_case(model, [(n, x.astype(np.float32)) for n, x in inputs], os.path.join(here, "data", "attention_long_step"))
