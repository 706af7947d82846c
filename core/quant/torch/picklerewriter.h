#pragma once

#include "quant/quanterror.h"

#include <string>
#include <string_view>

namespace mistudio::quant {

// LibTorch 1.13's restricted unpickler turns `collections.OrderedDict` into None and does not know
// `torch._utils._rebuild_parameter`, yet torch.save(model.state_dict()) writes exactly those: a
// top-level OrderedDict (with `_metadata` applied by BUILD) and, sometimes, Parameter-wrapped
// tensors. This walks a pickle (protocols 2..5) opcode by opcode and rewrites only those
// constructions into what LibTorch reads:
//   OrderedDict class (GLOBAL, or a memo GET of it) + EMPTY_TUPLE + REDUCE  -> EMPTY_DICT
//   the memo PUT of the class itself                                        -> dropped
//   BUILD applied to such a dict, with its state (`_metadata`)              -> cut out
//   _rebuild_parameter[_with_state](tensor, requires_grad, hooks[, state])  -> tensor
// LibTorch's unpickler has no POP (and reads BUILD as REDUCE), so dropped values are cut from the
// output: a later memo GET of something PUT inside them, or any global other than the tensor
// ones inside them, is refused.
//   FRAME -> dropped, MEMOIZE -> LONG_BINPUT of the same index.
// Everything else is copied unchanged, so every other global still goes through LibTorch's own
// allow-list. Opcodes that build arbitrary objects (INST, OBJ, NEWOBJ[_EX], STACK_GLOBAL, EXT*,
// out-of-band buffers) or any other use of the rewritten classes are refused as UnsafeCheckpoint.
// DUP is UnsupportedCheckpoint: Python never writes it, and the MARK a single APPEND/SETITEM gets
// would change what it copies. A truncated or malformed stream (unknown opcode, stack underflow,
// GET of an unset memo) is InvalidCheckpoint. Nothing is ever executed; the walk only tracks what each stack slot is.
Result<std::string> rewriteStateDictPickle(std::string_view pickle);

} // namespace mistudio::quant
