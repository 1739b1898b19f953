"""CausalAttention (one op): the same torch reference as the composed causal_self_attention."""

from kinds_causal_self_attention import attention
from op_reference import check_op

KINDS = {
    "causal_attention": lambda case: check_op(
        case, ["qkv"], lambda x, c: attention(x["qkv"], c["H"])),
}
