#pragma once

// Writes `.bin` files the way Python's torch.save(model.state_dict()) does (pickle protocol 2 of
// a collections.OrderedDict with `_metadata` applied by BUILD, memoized globals and strings,
// `_rebuild_tensor_v2` over persistent storages, optional `_rebuild_parameter` wrappers), so the
// reader is tested against real-looking checkpoints without Python. The zip container comes from
// LibTorch's own PyTorchStreamWriter (the same writer torch.save uses).
#include <caffe2/serialize/inline_container.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace quanttest {

class Pickler
{
public:
    // longMemo: LONG_BINPUT/LONG_BINGET for every memo entry; long1Ints: every int as LONG1 of
    // the fewest bytes (what Python writes for values past 32 bits).
    Pickler(bool longMemo, bool long1Ints) : m_long(longMemo), m_long1(long1Ints) {}

    std::string out = std::string("\x80\x02", 2);

    void op(char c) { out += c; }
    void raw(const std::string &s) { out += s; }
    uint32_t put()
    {
        const uint32_t id = m_next++;
        if (m_long || id > 255) {
            out += 'r';
            le32(id);
        } else {
            out += 'q';
            out += char(id);
        }
        return id;
    }
    void get(uint32_t id)
    {
        if (m_long || id > 255) {
            out += 'j';
            le32(id);
        } else {
            out += 'h';
            out += char(id);
        }
    }
    // Globals and the strings Python shares by identity are memoized and re-used with GET.
    void global(const std::string &module, const std::string &name)
    {
        memoized("g" + module + "." + name, [&] { out += 'c' + module + '\n' + name + '\n'; });
    }
    void sharedStr(const std::string &s) { memoized("s" + s, [&] { str(s); }); }
    void str(const std::string &s)
    {
        out += 'X';
        le32(uint32_t(s.size()));
        out += s;
    }
    void strPut(const std::string &s)
    {
        str(s);
        put();
    }
    void integer(int64_t v)
    {
        if (m_long1) {
            std::string bytes;
            int64_t x = v;
            do { // two's complement, little-endian, minimal (as pickle's encode_long)
                bytes += char(x & 0xff);
                x >>= 8;
            } while (!((x == 0 && !(bytes.back() & 0x80)) || (x == -1 && (bytes.back() & 0x80))));
            out += '\x8a';
            out += char(bytes.size());
            out += bytes;
            return;
        }
        if (v >= 0 && v < 256) {
            out += 'K';
            out += char(v);
        } else {
            out += 'J';
            le32(uint32_t(int32_t(v)));
        }
    }
    // OrderedDict() as Python's save_reduce writes it: class, (), REDUCE, memo PUT.
    void orderedDict()
    {
        global("collections", "OrderedDict");
        out += ")R";
        put();
    }
    void intTuple(const std::vector<int64_t> &v)
    {
        if (v.empty()) {
            out += ')';
            return;
        }
        if (v.size() > 3)
            out += '(';
        for (int64_t x : v)
            integer(x);
        out += v.size() == 1 ? '\x85' : v.size() == 2 ? '\x86' : v.size() == 3 ? '\x87' : 't';
        put();
    }

private:
    template <typename F>
    void memoized(const std::string &key, F write)
    {
        auto it = m_memo.find(key);
        if (it != m_memo.end())
            return get(it->second);
        write();
        m_memo[key] = put();
    }
    void le32(uint32_t v)
    {
        for (int i = 0; i < 4; ++i)
            out += char((v >> (8 * i)) & 0xff);
    }
    bool m_long;
    bool m_long1;
    uint32_t m_next = 0;
    std::map<std::string, uint32_t> m_memo;
};

struct SavedTensor
{
    std::string name;
    std::string storageKey;  // tensors naming the same key share one storage (tied weights)
    std::string storageType; // FloatStorage, HalfStorage, BFloat16Storage, LongStorage
    int64_t storageNumel = 0;
    int64_t offset = 0;
    std::vector<int64_t> shape, stride;
    enum class Wrap { None, Parameter, ParameterWithState } wrap = Wrap::None;
};

// One tensor: _rebuild_tensor_v2((storage pid), offset, size, stride, requires_grad, OrderedDict()).
inline void pickleTensor(Pickler &p, const SavedTensor &t)
{
    if (t.wrap == SavedTensor::Wrap::Parameter)
        p.global("torch._utils", "_rebuild_parameter");
    else if (t.wrap == SavedTensor::Wrap::ParameterWithState)
        p.global("torch._utils", "_rebuild_parameter_with_state");
    if (t.wrap == SavedTensor::Wrap::ParameterWithState)
        p.op('(');
    p.global("torch._utils", "_rebuild_tensor_v2");
    p.op('(');
    p.op('(');
    p.sharedStr("storage");
    p.global("torch", t.storageType);
    p.sharedStr(t.storageKey);
    p.sharedStr("cpu");
    p.integer(t.storageNumel);
    p.op('t');
    p.put();
    p.op('Q'); // BINPERSID
    p.integer(t.offset);
    p.intTuple(t.shape);
    p.intTuple(t.stride);
    p.op('\x89'); // requires_grad False
    p.orderedDict(); // backward hooks
    p.op('t');
    p.put();
    p.op('R');
    p.put();
    if (t.wrap == SavedTensor::Wrap::Parameter) {
        p.op('\x88'); // requires_grad
        p.orderedDict();
        p.op('\x87');
        p.put();
        p.op('R');
        p.put();
    } else if (t.wrap == SavedTensor::Wrap::ParameterWithState) {
        p.op('\x88');
        p.orderedDict();
        p.op('}'); // state: no Python attributes
        p.put();
        p.op('t');
        p.put();
        p.op('R');
        p.put();
    }
}

// The data.pkl of torch.save(state_dict). `metadata` adds the `_metadata` instance state (BUILD).
inline std::string stateDictPickle(const std::vector<SavedTensor> &tensors, bool longMemo, bool metadata,
                                   bool long1Ints = false)
{
    Pickler p(longMemo, long1Ints);
    p.orderedDict();
    if (tensors.size() > 1)
        p.op('(');
    for (const SavedTensor &t : tensors) {
        p.strPut(t.name);
        pickleTensor(p, t);
    }
    p.op(tensors.size() > 1 ? 'u' : 's');
    if (metadata) {
        p.op('}');
        p.put();
        p.strPut("_metadata");
        p.orderedDict(); // re-uses the memoized class with a GET
        p.op('(');
        p.strPut("");
        p.op('}');
        p.put();
        p.sharedStr("version");
        p.integer(1);
        p.op('s');
        p.strPut("model");
        p.op('}');
        p.put();
        p.sharedStr("version");
        p.integer(1);
        p.op('s');
        p.op('u');
        p.op('s');
        p.op('b'); // BUILD: OrderedDict.__setstate__-like update of __dict__
    }
    p.op('.');
    return p.out;
}

// The zip container around a pickle and its storages (name -> raw bytes).
inline std::string torchZip(const std::string &pickle, const std::map<std::string, std::string> &storages)
{
    std::string out;
    caffe2::serialize::PyTorchStreamWriter w([&out](const void *data, size_t n) {
        out.append(static_cast<const char *>(data), n);
        return n;
    });
    w.writeRecord("data.pkl", pickle.data(), pickle.size());
    for (const auto &[key, bytes] : storages)
        w.writeRecord("data/" + key, bytes.data(), bytes.size());
    w.writeEndOfFile();
    return out;
}

} // namespace quanttest
