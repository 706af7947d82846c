#!/usr/bin/env python3
"""Checks quantized checkpoints written by mistudio against what transformers (and, where it is
installed, bitsandbytes) make of them.

For each QUANT_DIR (SRC_DIR is its unquantized source):
- with bitsandbytes: AutoModelForCausalLM.from_pretrained(QUANT_DIR) on the GPU, every quantized
  Linear dequantized by bitsandbytes and compared with the source weight, and a forward pass;
- without it: transformers' own checks that do not need it: AutoConfig reads the config and its
  quantization_config, BitsAndBytesConfig.from_dict(...).to_dict() keeps every key we wrote with
  the same value, and from_pretrained fails only because bitsandbytes is missing (reported).

usage: check_transformers.py SRC_DIR QUANT_DIR [SRC_DIR QUANT_DIR ...]
Exit status 1 if a check fails (a missing bitsandbytes is reported, not a failure).
"""
import importlib
import json
import sys


def versions():
    out = {}
    for mod in ("torch", "transformers", "safetensors", "accelerate", "bitsandbytes"):
        try:
            out[mod] = importlib.import_module(mod).__version__
        except Exception as e:  # noqa: BLE001 - report whatever stops the import
            out[mod] = f"not importable ({type(e).__name__}: {e})"
    return out


def check_config(q_dir, failures):
    import transformers

    before = len(failures)
    cfg = json.load(open(f"{q_dir}/config.json"))
    qc = cfg["quantization_config"]
    auto = transformers.AutoConfig.from_pretrained(q_dir)
    loaded = getattr(auto, "quantization_config", None)
    if loaded is None:
        failures.append(f"{q_dir}: AutoConfig has no quantization_config")
    bnb_cfg = transformers.BitsAndBytesConfig.from_dict(dict(qc))
    back = bnb_cfg.to_dict()
    for key, value in qc.items():
        if key not in back:
            failures.append(f"{q_dir}: BitsAndBytesConfig dropped {key}")
        elif back[key] != value:
            failures.append(f"{q_dir}: {key}: we wrote {value!r}, transformers reads {back[key]!r}")
    mode = "4bit" if qc.get("load_in_4bit") else "8bit" if qc.get("load_in_8bit") else "?"
    print(f"  config: {mode}, {len(qc)} keys, BitsAndBytesConfig round trip "
          f"{'identical' if len(failures) == before else 'DIFFERS'}")


def check_load(src_dir, q_dir, failures):
    import torch
    import transformers
    from safetensors import safe_open

    try:
        model = transformers.AutoModelForCausalLM.from_pretrained(q_dir, device_map="cuda:0")
    except Exception as e:  # noqa: BLE001
        msg = f"{type(e).__name__}: {e}".splitlines()[0]
        if "bitsandbytes" in msg.lower():
            print(f"  from_pretrained: needs bitsandbytes, which is missing: {msg[:160]}")
            return
        failures.append(f"{q_dir}: from_pretrained failed: {msg[:300]}")
        return
    import bitsandbytes as bnb

    src = safe_open(f"{src_dir}/model.safetensors", "pt")
    worst = {}
    for name, module in model.named_modules():
        w = getattr(module, "weight", None)
        if isinstance(module, bnb.nn.Linear4bit):
            deq = bnb.functional.dequantize_4bit(w.data, w.quant_state).float().cpu()
        elif isinstance(module, bnb.nn.Linear8bitLt):
            cb, scb = w.data.float().cpu(), module.weight.SCB.float().cpu()
            deq = cb * scb[:, None] / 127.0
        else:
            continue
        key = f"{name}.weight"
        if key not in src.keys():
            continue
        ref = src.get_tensor(key).float()
        if tuple(ref.shape) != tuple(deq.shape):
            ref = ref.t()  # Conv1D
        rel = float((deq - ref).norm() / ref.norm())
        kind = type(module).__name__
        worst[kind] = max(worst.get(kind, 0.0), rel)
    if not worst:
        failures.append(f"{q_dir}: no bitsandbytes module after loading")
    for kind, rel in worst.items():
        print(f"  loaded: {kind} worst relative dequantization error {rel:.4f}")
        if rel > (0.15 if "4bit" in kind else 0.02):
            failures.append(f"{q_dir}: {kind} error {rel:.4f}")
    ids = torch.tensor([[1, 2, 3, 4]], device="cuda:0")
    logits = model(ids).logits
    if not torch.isfinite(logits).all():
        failures.append(f"{q_dir}: non-finite logits")
    print(f"  forward: logits {tuple(logits.shape)}, finite")


def main():
    args = sys.argv[1:]
    if len(args) < 2 or len(args) % 2:
        print(__doc__)
        return 2
    print("versions:", json.dumps(versions(), indent=1))
    failures = []
    for src_dir, q_dir in zip(args[::2], args[1::2]):
        print(q_dir)
        try:
            check_config(q_dir, failures)
            check_load(src_dir, q_dir, failures)
        except Exception as e:  # noqa: BLE001
            failures.append(f"{q_dir}: {type(e).__name__}: {e}")
    for f in failures:
        print("FAIL", f)
    print("checks failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
