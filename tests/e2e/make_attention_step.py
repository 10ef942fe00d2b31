#!/usr/bin/env python3
"""Writes tests/e2e/data/attention_step: attention for one query row over 40
keys (a decode step's shape: K and V as given, an additive padding mask),
with onnxruntime's outputs as the reference. 40 keys pad to 64 in the fused
kernel; before the padded keys' exp was zeroed by index, one query row summed
garbage there (fast math made exp(-inf - max) nonzero).

  /usr/bin/python3 tests/e2e/make_attention_step.py
"""
import os

import numpy as np

from ort_case import attention_model, write_case

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "data", "attention_step")
rng = np.random.default_rng(3)
S, Sq, H, D = 40, 1, 4, 8

model = attention_model("attention_step", H, Sq, S, D, 1 / np.sqrt(D))
mask = np.zeros((1, 1, 1, S), np.float32)
mask[..., S - 3:] = np.finfo(np.float32).min
inputs = [("q", rng.standard_normal((1, H, Sq, D))), ("k", rng.standard_normal((1, H, S, D))),
          ("v", rng.standard_normal((1, H, S, D))), ("mask", mask)]
write_case(model, [(n, x.astype(np.float32)) for n, x in inputs], out)
