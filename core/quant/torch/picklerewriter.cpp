#include "quant/torch/picklerewriter.h"

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace mistudio::quant {

namespace {

// What a stack slot holds, as far as the rewrite cares. The special kinds have no (or not their
// real) representation in the output, so any use other than the ones rewritten is refused.
enum class Slot : uint8_t {
    Other,
    EmptyTuple,    // an EMPTY_TUPLE (may be the argument of OrderedDict())
    OrderedDict,   // the collections.OrderedDict class: nothing in the output
    ODictInstance, // an OrderedDict() rewritten to EMPTY_DICT: its BUILD state is dropped
    ParamClass,    // torch._utils._rebuild_parameter[_with_state]: nothing in the output
    ParamArgs,     // its args tuple, reduced in the output to the tensor alone
};

bool special(Slot s)
{
    return s == Slot::OrderedDict || s == Slot::ParamClass || s == Slot::ParamArgs;
}

struct Item
{
    Slot slot = Slot::Other;
    size_t start = 0; // where the bytes that build it begin in the output
};

struct Mark
{
    size_t depth = 0;  // stack size when MARK was read
    size_t offset = 0; // where its '(' is in the output
};

struct MemoEntry
{
    Slot slot = Slot::Other;
    bool dropped = false; // its PUT was cut from the output with a dropped value
};

// Globals LibTorch itself accepts in a state dict; any other one inside a value the rewrite drops
// (the `_metadata` state, a Parameter's hooks) is refused here, since LibTorch never sees it.
bool knownGlobal(std::string_view module, std::string_view name)
{
    if (module == "torch._utils")
        return name == "_rebuild_tensor_v2";
    if (module == "torch")
        return name.size() > 7 && name.substr(name.size() - 7) == "Storage";
    return false;
}

class Rewriter
{
public:
    explicit Rewriter(std::string_view in) : m_in(in) { m_out.reserve(in.size()); }

    Result<std::string> run()
    {
        while (!m_stopped) {
            if (m_pos >= m_in.size())
                return invalid("truncated pickle (no STOP)");
            const size_t start = m_pos;
            const uint8_t op = uint8_t(m_in[m_pos++]);
            if (auto err = step(op, start))
                return *err;
        }
        return std::move(m_out);
    }

private:
    using Err = std::optional<QuantError>;

    std::string_view m_in;
    size_t m_pos = 0;
    std::string m_out;
    std::vector<Item> m_stack;
    std::vector<Mark> m_marks;
    std::unordered_map<uint64_t, MemoEntry> m_memo;
    uint64_t m_memoCount = 0; // MEMOIZE's implicit index
    // Output offsets of emitted memo PUTs and foreign globals, in output order, so that a cut
    // (dropping a value's bytes) knows what it removed.
    std::vector<std::pair<size_t, uint64_t>> m_puts;
    std::vector<std::pair<size_t, std::string>> m_globals;
    bool m_stopped = false;

    static QuantError invalid(const std::string &why)
    {
        return makeError(QuantErrc::InvalidCheckpoint, "malformed pickle: " + why);
    }
    static QuantError unsafe(const std::string &why) { return makeError(QuantErrc::UnsafeCheckpoint, why); }
    static QuantError misuse() { return unsafe("unsupported use of collections.OrderedDict or torch Parameter"); }

    bool take(size_t n, std::string_view &arg)
    {
        if (m_in.size() - m_pos < n)
            return false;
        arg = m_in.substr(m_pos, n);
        m_pos += n;
        return true;
    }
    bool takeLine(std::string_view &arg)
    {
        const size_t nl = m_in.find('\n', m_pos);
        if (nl == std::string_view::npos)
            return false;
        arg = m_in.substr(m_pos, nl - m_pos);
        m_pos = nl + 1;
        return true;
    }
    static uint64_t le(std::string_view b)
    {
        uint64_t v = 0;
        for (size_t i = b.size(); i-- > 0;)
            v = (v << 8) | uint8_t(b[i]);
        return v;
    }
    static uint64_t decimal(std::string_view s)
    {
        uint64_t v = 0;
        if (s.empty())
            return uint64_t(-1);
        for (char c : s) {
            if (c < '0' || c > '9' || v > (uint64_t(1) << 40))
                return uint64_t(-1); // never a PUT'able id: a GET of it fails
            v = v * 10 + uint64_t(c - '0');
        }
        return v;
    }
    static std::string hex(uint8_t v)
    {
        const char *d = "0123456789abcdef";
        return {d[v >> 4], d[v & 15]};
    }

    size_t floor() const { return m_marks.empty() ? 0 : m_marks.back().depth; }
    void copy(size_t start) { m_out.append(m_in.substr(start, m_pos - start)); }
    // Copies the opcode and pushes a plain value built by it.
    Err plain(size_t start)
    {
        const size_t at = m_out.size();
        copy(start);
        m_stack.push_back(Item{Slot::Other, at});
        return std::nullopt;
    }
    Err need(size_t n) const
    {
        if (m_stack.size() < floor() + n)
            return invalid("stack underflow");
        return std::nullopt;
    }
    Err noSpecial(size_t from) const
    {
        for (size_t i = from; i < m_stack.size(); ++i)
            if (special(m_stack[i].slot))
                return misuse();
        return std::nullopt;
    }

    // Removes the output from `cut` on: the values built there are dropped. A later GET of a memo
    // entry set there is refused, and a foreign global there is refused (LibTorch never sees it).
    Err cutOutput(size_t cut)
    {
        if (!m_globals.empty() && m_globals.back().first >= cut)
            return unsafe("global " + m_globals.back().second + " is not allowed in a state dict");
        while (!m_puts.empty() && m_puts.back().first >= cut) {
            m_memo[m_puts.back().second].dropped = true;
            m_puts.pop_back();
        }
        m_out.resize(cut);
        return std::nullopt;
    }
    // Removes (delta -1) or inserts (delta +1, byte `c`) one byte at `at` and shifts the recorded
    // offsets after it.
    void spliceByte(size_t at, int delta, char c = 0)
    {
        if (delta < 0)
            m_out.erase(at, 1);
        else
            m_out.insert(m_out.begin() + long(at), c);
        for (auto it = m_puts.rbegin(); it != m_puts.rend() && it->first >= at; ++it)
            it->first = size_t(long(it->first) + delta);
        for (auto it = m_globals.rbegin(); it != m_globals.rend() && it->first >= at; ++it)
            it->first = size_t(long(it->first) + delta);
        for (Item &item : m_stack)
            if (item.start > at || (delta > 0 && item.start == at))
                item.start = size_t(long(item.start) + delta);
        for (Mark &mark : m_marks)
            if (mark.offset > at)
                mark.offset = size_t(long(mark.offset) + delta);
    }

    Err put(uint64_t id, size_t start, bool memoize)
    {
        if (auto e = need(1))
            return e;
        const Slot s = m_stack.back().slot;
        if (s == Slot::OrderedDict || s == Slot::ParamClass || s == Slot::ParamArgs) {
            // The class itself never reaches LibTorch; a GET of the args tuple is refused.
            m_memo[id] = MemoEntry{s, false};
            return std::nullopt;
        }
        m_memo[id] = MemoEntry{s == Slot::EmptyTuple ? Slot::Other : s, false};
        m_puts.emplace_back(m_out.size(), id);
        if (memoize) { // MEMOIZE (protocol 4) as the LONG_BINPUT LibTorch reads
            if (id > 0xffffffffu)
                return invalid("memo too large");
            m_out += 'r';
            for (int i = 0; i < 4; ++i)
                m_out += char((id >> (8 * i)) & 0xff);
        } else {
            copy(start);
        }
        return std::nullopt;
    }
    Err get(uint64_t id, size_t start)
    {
        auto it = m_memo.find(id);
        if (it == m_memo.end() || it->second.dropped)
            return invalid("memo GET of an unset entry");
        const Slot s = it->second.slot;
        if (s == Slot::ParamArgs)
            return misuse();
        const size_t at = m_out.size();
        if (s != Slot::OrderedDict && s != Slot::ParamClass)
            copy(start);
        m_stack.push_back(Item{s, at});
        return std::nullopt;
    }

    // The args of _rebuild_parameter (n items on top): keep the tensor, drop the others.
    Err paramArgs(size_t n)
    {
        if (n == 0)
            return invalid("_rebuild_parameter without arguments");
        if (auto e = noSpecial(m_stack.size() - n))
            return e;
        if (n > 1)
            if (auto e = cutOutput(m_stack[m_stack.size() - n + 1].start))
                return e;
        m_stack.resize(m_stack.size() - n + 1);
        m_stack.back().slot = Slot::ParamArgs;
        return std::nullopt;
    }
    Err tupleN(size_t n, size_t start)
    {
        if (auto e = need(n))
            return e;
        if (m_stack.size() >= floor() + n + 1 && m_stack[m_stack.size() - n - 1].slot == Slot::ParamClass)
            return paramArgs(n);
        if (auto e = noSpecial(m_stack.size() - n))
            return e;
        const size_t at = m_stack[m_stack.size() - n].start;
        m_stack.resize(m_stack.size() - n);
        copy(start);
        m_stack.push_back(Item{Slot::Other, at});
        return std::nullopt;
    }
    Err markTuple(size_t start)
    {
        if (m_marks.empty())
            return invalid("TUPLE without MARK");
        const Mark mark = m_marks.back();
        m_marks.pop_back();
        if (mark.depth > floor() && m_stack[mark.depth - 1].slot == Slot::ParamClass) {
            if (auto e = paramArgs(m_stack.size() - mark.depth))
                return e;
            spliceByte(mark.offset, -1); // nor is the MARK of the args wanted
            return std::nullopt;
        }
        if (auto e = noSpecial(mark.depth))
            return e;
        m_stack.resize(mark.depth);
        copy(start);
        m_stack.push_back(Item{Slot::Other, mark.offset});
        return std::nullopt;
    }

    Err reduce(size_t start)
    {
        if (auto e = need(2))
            return e;
        const Item args = m_stack.back();
        const Item fn = m_stack[m_stack.size() - 2];
        m_stack.resize(m_stack.size() - 2);
        if (fn.slot == Slot::OrderedDict) {
            // Python writes OrderedDict() as class, EMPTY_TUPLE, REDUCE: ')' is the last byte out.
            if (args.slot != Slot::EmptyTuple || args.start + 1 != m_out.size())
                return unsafe("collections.OrderedDict called with arguments");
            m_out.back() = '}';
            m_stack.push_back(Item{Slot::ODictInstance, fn.start});
            return std::nullopt;
        }
        if (fn.slot == Slot::ParamClass) {
            if (args.slot != Slot::ParamArgs)
                return misuse();
            m_stack.push_back(Item{Slot::Other, fn.start}); // the tensor is already out
            return std::nullopt;
        }
        if (special(fn.slot) || special(args.slot))
            return misuse();
        copy(start);
        m_stack.push_back(Item{Slot::Other, fn.start});
        return std::nullopt;
    }
    Err build(size_t start)
    {
        if (auto e = need(2))
            return e;
        const Item state = m_stack.back();
        const Item target = m_stack[m_stack.size() - 2];
        if (special(state.slot) || special(target.slot))
            return misuse();
        m_stack.pop_back();
        if (target.slot == Slot::ODictInstance)
            return cutOutput(state.start); // OrderedDict's instance state (`_metadata`): dropped
        copy(start);
        return std::nullopt;
    }
    // APPEND / SETITEM: LibTorch 1.13 reads only the batch forms, so a MARK goes in before the
    // popped values and the op becomes APPENDS / SETITEMS.
    Err fill(size_t n, size_t start)
    {
        if (auto e = need(n + 1))
            return e;
        if (auto e = noSpecial(m_stack.size() - n - 1))
            return e;
        (void)start;
        spliceByte(m_stack[m_stack.size() - n].start, +1, '(');
        m_stack.resize(m_stack.size() - n);
        m_out += n == 1 ? 'e' : 'u';
        return std::nullopt;
    }
    Err fillMark(size_t start)
    {
        if (m_marks.empty())
            return invalid("no MARK on the stack");
        const Mark mark = m_marks.back();
        m_marks.pop_back();
        if (mark.depth == floor() || mark.depth == 0)
            return invalid("stack underflow");
        if (auto e = noSpecial(mark.depth - 1))
            return e;
        m_stack.resize(mark.depth);
        copy(start);
        return std::nullopt;
    }
    // Ops that pop down to the MARK and push one new container.
    Err collect(size_t start)
    {
        if (m_marks.empty())
            return invalid("no MARK on the stack");
        const Mark mark = m_marks.back();
        m_marks.pop_back();
        if (auto e = noSpecial(mark.depth))
            return e;
        m_stack.resize(mark.depth);
        copy(start);
        m_stack.push_back(Item{Slot::Other, mark.offset});
        return std::nullopt;
    }
    Err fixed(size_t n, size_t start)
    {
        std::string_view a;
        if (!take(n, a))
            return invalid("truncated argument");
        return plain(start);
    }
    Err counted(size_t width, size_t start)
    {
        std::string_view len, body;
        if (!take(width, len))
            return invalid("truncated length");
        const uint64_t n = le(len);
        if (n > m_in.size() - m_pos || !take(size_t(n), body))
            return invalid("truncated length-prefixed argument");
        return plain(start);
    }

    // LONG1 as Python writes it has the fewest bytes that hold the value (e.g. 5 for a numel of
    // 2^32); LibTorch 1.13 reads only 8-byte LONG1, so it is sign-extended to 8 bytes.
    Err long1(size_t start)
    {
        std::string_view len, body;
        if (!take(1, len) || !take(uint8_t(len[0]), body))
            return invalid("truncated LONG1");
        if (body.size() > 8)
            return makeError(QuantErrc::UnsupportedCheckpoint, "integer wider than 64 bits");
        (void)start;
        const size_t at = m_out.size();
        const char fill = !body.empty() && (uint8_t(body.back()) & 0x80) ? char(0xff) : char(0);
        m_out += '\x8a';
        m_out += '\x08';
        m_out.append(body);
        m_out.append(8 - body.size(), fill);
        m_stack.push_back(Item{Slot::Other, at});
        return std::nullopt;
    }

    Err step(uint8_t op, size_t start)
    {
        std::string_view a, b;
        switch (char(op)) { // opcode literals are chars
        case 'N': case '\x88': case '\x89': case '}': case ']': case '\x8f':
            return plain(start);
        case ')': {
            const size_t at = m_out.size();
            copy(start);
            m_stack.push_back(Item{Slot::EmptyTuple, at});
            return std::nullopt;
        }
        case 'K': return fixed(1, start);
        case 'M': return fixed(2, start);
        case 'J': return fixed(4, start);
        case 'G': return fixed(8, start);
        case 'I': case 'L': case 'F': case 'S': case 'V': case 'P':
            if (!takeLine(a))
                return invalid("truncated line argument");
            return plain(start);
        case '\x8a': return long1(start);
        case 'U': case 'C': case '\x8c': return counted(1, start);
        case '\x8b': case 'T': case 'X': case 'B': return counted(4, start);
        case '\x8d': case '\x8e': case '\x96': return counted(8, start);
        case '\x80':
            if (!take(1, a))
                return invalid("truncated PROTO");
            if (uint8_t(a[0]) < 2 || uint8_t(a[0]) > 5)
                return makeError(QuantErrc::UnsupportedCheckpoint,
                                 "unsupported pickle protocol " + std::to_string(uint8_t(a[0])));
            copy(start);
            return std::nullopt;
        case '\x95':
            if (!take(8, a))
                return invalid("truncated FRAME");
            return std::nullopt; // framing is only a read-ahead hint
        case '.':
            if (m_stack.size() != 1 || !m_marks.empty())
                return invalid("STOP with a stack that does not hold exactly one value");
            if (special(m_stack.back().slot))
                return misuse();
            copy(start);
            m_stopped = true;
            return std::nullopt;
        case '(':
            m_marks.push_back(Mark{m_stack.size(), m_out.size()});
            copy(start);
            return std::nullopt;
        case '0': {
            if (auto e = need(1))
                return e;
            const Slot s = m_stack.back().slot;
            m_stack.pop_back();
            if (s != Slot::OrderedDict && s != Slot::ParamClass)
                copy(start);
            return std::nullopt;
        }
        case '1':
            if (m_marks.empty())
                return invalid("no MARK on the stack");
            if (auto e = noSpecial(m_marks.back().depth))
                return e;
            m_stack.resize(m_marks.back().depth);
            m_marks.pop_back();
            copy(start);
            return std::nullopt;
        case '2':
            // DUP's copy is built from the value below it, so its bytes cannot be moved behind
            // the MARK that APPEND/SETITEM get (it would then copy the MARK's empty stack). Python's
            // pickler never writes DUP, so a state dict never holds one.
            return makeError(QuantErrc::UnsupportedCheckpoint, "pickle opcode DUP is not supported");
        case 'q':
            if (!take(1, a))
                return invalid("truncated BINPUT");
            return put(le(a), start, false);
        case 'r':
            if (!take(4, a))
                return invalid("truncated LONG_BINPUT");
            return put(le(a), start, false);
        case 'p':
            if (!takeLine(a))
                return invalid("truncated PUT");
            return put(decimal(a), start, false);
        case '\x94':
            return put(m_memoCount++, start, true);
        case 'h':
            if (!take(1, a))
                return invalid("truncated BINGET");
            return get(le(a), start);
        case 'j':
            if (!take(4, a))
                return invalid("truncated LONG_BINGET");
            return get(le(a), start);
        case 'g':
            if (!takeLine(a))
                return invalid("truncated GET");
            return get(decimal(a), start);
        case 'c': {
            if (!takeLine(a) || !takeLine(b))
                return invalid("truncated GLOBAL");
            const size_t at = m_out.size();
            if (a == "collections" && b == "OrderedDict") {
                m_stack.push_back(Item{Slot::OrderedDict, at});
            } else if (a == "torch._utils" && (b == "_rebuild_parameter" || b == "_rebuild_parameter_with_state")) {
                m_stack.push_back(Item{Slot::ParamClass, at});
            } else {
                if (!knownGlobal(a, b))
                    m_globals.emplace_back(at, std::string(a) + "." + std::string(b));
                copy(start); // LibTorch's own allow-list decides
                m_stack.push_back(Item{Slot::Other, at});
            }
            return std::nullopt;
        }
        case 'R': return reduce(start);
        case 'b': return build(start);
        case 'Q': {
            if (auto e = need(1))
                return e;
            if (auto e = noSpecial(m_stack.size() - 1))
                return e;
            m_stack.back().slot = Slot::Other;
            copy(start);
            return std::nullopt;
        }
        case '\x85': return tupleN(1, start);
        case '\x86': return tupleN(2, start);
        case '\x87': return tupleN(3, start);
        case 't': return markTuple(start);
        case 'l': case 'd': case '\x91': return collect(start);
        case 'a': return fill(1, start);
        case 's': return fill(2, start);
        case 'e': case 'u': case '\x90': return fillMark(start);
        // object construction outside the state-dict vocabulary
        case 'i': case 'o': case '\x81': case '\x92': case '\x93': case '\x82': case '\x83': case '\x84':
        case '\x97': case '\x98':
            return unsafe("pickle opcode 0x" + hex(op) + " builds arbitrary Python objects");
        default:
            return invalid("unknown pickle opcode 0x" + hex(op));
        }
    }
};

} // namespace

Result<std::string> rewriteStateDictPickle(std::string_view pickle)
{
    return Rewriter(pickle).run();
}

} // namespace mistudio::quant
