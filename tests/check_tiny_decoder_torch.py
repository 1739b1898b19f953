#!/usr/bin/python3
"""The tiny decoder against PyTorch float64 (the model, its step and explain).

Usage: check_tiny_decoder_torch.py TINY_DECODER

Trains a small tiny_decoder checkpoint (C=16, L=2, H=2, T_max=8, B=4, 10 steps, so no
parameter is at its initial value and the AdamW moments are not zero), builds the same model
in torch float64 from it (examples/pytorch/tapegrad_safetensors.py reads the file, the names
are the state_dict's), then checks
  - `explain --json`: h, the logits, the probabilities, the loss and dL/dW_out (a torch backward
    of -log softmax(z)[target] at the last position);
  - `step --steps 3 --json`: the loss of every step and, in the checkpoint it writes, every
    parameter and every AdamW moment after the three steps, against torch.optim.AdamW with
    nanoGPT's two groups (weight decay on tensors of >= 2 dimensions only), the moments and the
    step count loaded from the checkpoint, and clip_grad_norm_;
each to 1e-10 (|tapegrad - torch| <= 1e-10 * max(1, |torch|)). Exits 77 (ctest SKIP) when torch
cannot be imported, 1 on any failure.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("SKIP: torch is not importable by", sys.executable)
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "examples", "pytorch"))
import tapegrad_safetensors as ts  # noqa: E402
import tiny_decoder  # noqa: E402

TOLERANCE = 1e-10  # the bound; float64 on both sides, different summation orders
failures = []


def close(name, ours, theirs):
    ours = torch.as_tensor(ours, dtype=torch.float64)
    theirs = theirs.detach().to(torch.float64)
    if ours.shape != theirs.shape:
        failures.append(f"{name}: shape {tuple(ours.shape)} vs torch {tuple(theirs.shape)}")
        return 0.0
    err = ((ours - theirs).abs() / theirs.abs().clamp(min=1.0)).max().item()
    if not err <= TOLERANCE:
        failures.append(f"{name}: max relative difference {err:.3e} > {TOLERANCE}")
    return err


load_model = tiny_decoder.load  # examples/pytorch/tiny_decoder.py


def run(args, cwd):
    r = subprocess.run(args, capture_output=True, text=True, cwd=cwd)
    if r.returncode != 0:
        failures.append(f"{' '.join(args[1:3])}: exit {r.returncode}: {r.stderr.strip()}")
    return r


def check_explain(binary, tmp):
    r = run([binary, "explain", "--checkpoint", "c.safetensors", "--json"], tmp)
    if r.returncode != 0:
        return
    j = json.loads(r.stdout)
    model, _, _, _ = load_model(os.path.join(tmp, "c.safetensors"))
    idx = torch.tensor([j["ids"]])
    h, z, probs = model(idx)
    p = F.softmax(z[0, -1], dim=-1)
    loss = -F.log_softmax(z[0, -1], dim=-1)[j["target"]["id"]]
    loss.backward()
    errs = [close("explain h", j["h"], h[0, -1]),
            close("explain logits", j["logits"], z[0, -1]),
            close("explain probabilities", j["probabilities"], p),
            close("explain loss", j["loss"], loss),
            close("explain grad_W_out", j["grad_W_out"], model.W_out.grad),
            close("explain attention", j["attention"],
                  torch.stack([q[0, :, -1, :] for q in probs]))]
    print(f"explain --json vs torch: max relative difference {max(errs):.3e}")


def check_step(binary, tmp, steps=3, B=3):
    model, state, meta, cfg = load_model(os.path.join(tmp, "c.safetensors"))
    rng = random.Random(20261202)
    batches = [[[rng.randrange(cfg["V"]) for _ in range(cfg["T_max"] + 1)] for _ in range(B)]
               for _ in range(steps)]
    with open(os.path.join(tmp, "batches.json"), "w") as f:
        json.dump(batches, f)
    r = run([binary, "step", "--checkpoint", "c.safetensors", "--batches", "batches.json",
             "--steps", str(steps), "--out", "s.safetensors", "--json"], tmp)
    if r.returncode != 0:
        return
    losses = json.loads(r.stdout)["losses"]

    named = dict(model.named_parameters())
    decay = [p for n, p in named.items() if p.dim() >= 2]
    no_decay = [p for n, p in named.items() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": float(meta["optimizer.weight_decay"])},
         {"params": no_decay, "weight_decay": 0.0}],
        lr=float(meta["optimizer.lr"]), betas=(float(meta["optimizer.beta1"]),
                                               float(meta["optimizer.beta2"])),
        eps=float(meta["optimizer.eps"]), foreach=False)
    step0 = float(meta["optimizer.step"])
    for n, p in named.items():
        opt.state[p] = {"step": torch.tensor(step0),
                        "exp_avg": state["optimizer.exp_avg." + n].clone(),
                        "exp_avg_sq": state["optimizer.exp_avg_sq." + n].clone()}
    clip = float(meta["train.clip"])
    errs = []
    for s, batch in enumerate(batches):
        t = torch.tensor(batch)
        _, z, _ = model(t[:, :-1])
        loss = F.cross_entropy(z.reshape(-1, cfg["V"]), t[:, 1:].reshape(-1))
        errs.append(close(f"step {s + 1} loss", losses[s], loss))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
    after, meta_after = ts.load(os.path.join(tmp, "s.safetensors"))
    if meta_after["optimizer.step"] != str(int(step0) + steps):
        failures.append(f"step's checkpoint is at step {meta_after['optimizer.step']}")
    for n, p in named.items():
        errs.append(close(f"after {steps} steps: {n}", after[n], p))
        errs.append(close(f"after {steps} steps: exp_avg.{n}", after["optimizer.exp_avg." + n],
                          opt.state[p]["exp_avg"]))
        errs.append(close(f"after {steps} steps: exp_avg_sq.{n}",
                          after["optimizer.exp_avg_sq." + n], opt.state[p]["exp_avg_sq"]))
    print(f"step --steps {steps} vs torch AdamW: {len(named)} parameters and their moments, "
          f"losses {losses}, max relative difference {max(errs):.3e}")


def check_weights_from_pytorch(binary, tmp):
    """Weights saved back from PyTorch's state_dict (no AdamW moments) run generate and explain
    as the checkpoint they came from does; `step` refuses them (it needs the moments)."""
    model, _, metadata, _ = load_model(os.path.join(tmp, "c.safetensors"))
    ts.save(os.path.join(tmp, "torch.safetensors"), model.state_dict(), metadata)
    prompt = ["--prompt", "Paris ist die Hauptstadt von"]
    for command in (["generate", "--tokens", "6"], ["explain", "--json"]):
        ours = run([binary, *command, "--checkpoint", "c.safetensors", *prompt], tmp)
        back = run([binary, *command, "--checkpoint", "torch.safetensors", *prompt], tmp)
        same = ours.returncode == 0 and back.returncode == 0 and (
            ours.stdout.replace("c.safetensors", "torch.safetensors") == back.stdout)
        if not same:
            failures.append(f"{command[0]} on the weights saved from PyTorch differs")
    r = subprocess.run([binary, "step", "--checkpoint", "torch.safetensors", "--batches", "none",
                        "--steps", "1", "--out", "s2.safetensors"], capture_output=True, text=True,
                       cwd=tmp)
    if r.returncode != 2 or "no optimizer state" not in r.stderr:
        failures.append(f"step on weights without AdamW moments: exit {r.returncode}: {r.stderr}")
    print("weights saved from PyTorch: generate and explain as the original, step refuses")


def main():
    binary = os.path.abspath(sys.argv[1])
    torch.set_num_threads(1)
    tmp = tempfile.mkdtemp(prefix="tiny_decoder_torch_")
    try:
        r = run([binary, "train", "--steps", "10", "--channels", "16", "--layers", "2",
                 "--heads", "2", "--context", "8", "--batch", "4", "--eval-every", "5",
                 "--no-plots", "--out", "c.safetensors"], tmp)
        if r.returncode == 0:
            check_explain(binary, tmp)
            check_step(binary, tmp)
            check_weights_from_pytorch(binary, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
