#!/usr/bin/env python3
"""Dequantizes a quantized checkpoint written by mistudio (bnb NF4/FP4 with or without double
quant, or LLM.int8) with plain torch, following bnb's formulas (docs/quantization.md F7, F11),
and prints the relative error against the source checkpoint. Needs torch + safetensors, not
bitsandbytes.

usage: check_dequant.py SRC_DIR QUANT_DIR [max_tensors]
"""
import json
import sys

import torch
from safetensors import safe_open


def main():
    src_dir, q_dir = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    src = safe_open(f"{src_dir}/model.safetensors", "pt")
    q = safe_open(f"{q_dir}/model.safetensors", "pt")
    qkeys = set(q.keys())
    done = 0
    for name in sorted(src.keys()):
        if done >= limit:
            break
        w = src.get_tensor(name).float()
        states = [k for k in qkeys if k.startswith(name + ".quant_state.bitsandbytes__")]
        module = name[: -len(".weight")] if name.endswith(".weight") else name
        if states:
            qs = json.loads(bytes(q.get_tensor(states[0]).tolist()).decode())
            shape = qs["shape"]
            n = shape[0] * shape[1]
            packed = q.get_tensor(name).flatten().to(torch.int64)
            codes = torch.stack([packed >> 4, packed & 15], 1).flatten()[:n]
            nb = (n + 63) // 64
            if "nested_offset" in qs:
                code8 = q.get_tensor(name + ".nested_quant_map")
                nested = q.get_tensor(name + ".nested_absmax")
                qa = q.get_tensor(name + ".absmax").to(torch.int64)
                absmax = code8[qa] * nested.repeat_interleave(256)[:nb] + torch.tensor(float(qs["nested_offset"]))
            else:
                absmax = q.get_tensor(name + ".absmax")
            qmap = q.get_tensor(name + ".quant_map")
            deq = (qmap[codes] * absmax.repeat_interleave(64)[:n]).reshape(shape)
            kind = qs["quant_type"] + ("+dq" if "nested_offset" in qs else "")
        elif module + ".SCB" in qkeys:
            cb = q.get_tensor(name).float()
            scb = q.get_tensor(module + ".SCB")
            deq = cb * scb[:, None] / 127.0
            kind = "int8"
        else:
            continue
        ref = w if list(w.shape) == list(deq.shape) else w.t()
        rel = (deq - ref).norm() / ref.norm()
        print(f"{name:60s} {kind:8s} shape {list(deq.shape)} relative error {rel.item():.4f}")
        done += 1


if __name__ == "__main__":
    main()
