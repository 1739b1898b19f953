"""AdamW, Adam (torch.optim, single-tensor path) and torch.nn.utils.clip_grad_norm_.

An optimizer case replays tapegrad's run: the same initial parameters, at every step the
gradients of L = sum(w p^2)/2 + sum(c p), i.e. p.grad = w * p + c, then clip_grad_norm_ (when
max_norm is given), then step(); after every step each parameter, exp_avg, exp_avg_sq, the step
count and the total norm are compared. The hyperparameters are read back from the strings
tapegrad's hyperparameters() wrote, so their round trip is checked as well. A run that tapegrad
resumed from its saved state half way is compared with torch's uninterrupted run.
"""

import torch

from torch_reference import compare, number, tensor


def _optimizer_case(case, optimizer_class, optimizer_name):
    i, r = case["inputs"], case["results"]
    h = i["hyperparameters"]
    if h["optimizer"] != optimizer_name:
        raise ValueError("hyperparameters name optimizer %r, not %r" % (h["optimizer"],
                                                                        optimizer_name))
    lr, eps, wd = float(h["lr"]), float(h["eps"]), float(h["weight_decay"])
    betas = (float(h["beta1"]), float(h["beta2"]))
    names = [p["name"] for p in i["parameters"]]
    params = {p["name"]: tensor(p["value"], requires_grad=True) for p in i["parameters"]}
    w = {n: tensor(a) for n, a in i["loss"]["w"].items()}
    c = {n: tensor(a) for n, a in i["loss"]["c"].items()}
    if h["decay_only_matrices"] == "true":  # nanoGPT's two groups
        groups = [{"params": [params[n] for n in names if params[n].dim() >= 2],
                   "weight_decay": wd},
                  {"params": [params[n] for n in names if params[n].dim() < 2],
                   "weight_decay": 0.0}]
        groups = [g for g in groups if g["params"]]
    else:
        groups = [{"params": [params[n] for n in names]}]
    opt = optimizer_class(groups, lr=lr, betas=betas, eps=eps, weight_decay=wd, foreach=False)
    max_norm = None if i["max_norm"] is None else number(i["max_norm"])
    out = []
    if len(r["steps"]) != i["steps"]:
        raise ValueError("%d steps recorded, %d asked" % (len(r["steps"]), i["steps"]))
    for t, record in enumerate(r["steps"], start=1):
        with torch.no_grad():
            for n in names:
                params[n].grad = w[n] * params[n] + c[n]
        if max_norm is not None:
            total = torch.nn.utils.clip_grad_norm_([params[n] for n in names], max_norm)
            out.append(compare("step %d total_norm" % t, record["total_norm"], total))
        opt.step()
        opt.zero_grad(set_to_none=True)
        for n in names:
            state = opt.state[params[n]]
            if float(state["step"]) != t or record["step_count"] != t:
                raise ValueError("step %d: torch counts %s, tapegrad %s" %
                                 (t, float(state["step"]), record["step_count"]))
            out.append(compare("step %d %s" % (t, n), record["parameters"][n], params[n]))
            out.append(compare("step %d exp_avg.%s" % (t, n), record["state"]["exp_avg." + n],
                               state["exp_avg"]))
            out.append(compare("step %d exp_avg_sq.%s" % (t, n),
                               record["state"]["exp_avg_sq." + n], state["exp_avg_sq"]))
    return out


def check_adamw(case):
    return _optimizer_case(case, torch.optim.AdamW, "AdamW")


def check_adam(case):
    return _optimizer_case(case, torch.optim.Adam, "Adam")


def check_clip_grad_norm(case):
    i, r = case["inputs"], case["results"]
    params = []
    for g in i["gradients"]:
        p = torch.zeros(g["shape"], dtype=torch.float64, requires_grad=True)
        if g["grad"] is not None:
            p.grad = tensor(g["grad"])
        params.append((g["name"], p))
    total = torch.nn.utils.clip_grad_norm_([p for _, p in params], number(i["max_norm"]))
    out = [compare("total_norm", r["total_norm"], total)]
    for name, p in params:
        if p.grad is None:
            if name in r["gradients"]:
                raise ValueError("tapegrad gave %s a gradient, torch has none" % name)
            continue
        out.append(compare(name, r["gradients"][name], p.grad))
    return out


KINDS = {"adamw": check_adamw, "adam": check_adam, "clip_grad_norm": check_clip_grad_norm}
# Written to torch's order of operations: identical bits against torch's portable kernels.
BITWISE_KINDS = {"adamw", "adam", "clip_grad_norm"}
