"""check_op: the torch side of op_case.hpp. y = fn(inputs, config) in torch float64,
L = (w * y).sum(), backward; compares y, L and the gradient of every input."""

from torch_reference import compare, tensor


def check_op(case, names, fn):
    i, r = case["inputs"], case["results"]
    x = {n: tensor(i[n], requires_grad=True) for n in names}
    y = fn(x, i["config"])
    loss = (tensor(i["w"]) * y).sum()
    loss.backward()
    out = [compare("y", r["y"], y), compare("loss", r["loss"], loss)]
    out += [compare("grad_" + n, r["grad_" + n], x[n].grad) for n in names]
    return out
