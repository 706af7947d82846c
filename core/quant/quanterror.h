#pragma once

#include <string>
#include <utility>
#include <variant>

namespace mistudio::quant {

// core/quant is Qt-free, so it cannot use mistudio::ErrorCode directly. Each value maps 1:1 to
// the ErrorCode of the same name (snake_case from quantErrcName() equals errorCodeName()), which
// is how the Qt side translates a QuantError into a mistudio::Error.
enum class QuantErrc {
    Internal,
    InvalidInput,
    IoError,
    DiskFull,
    Cancelled,
    InvalidCheckpoint,
    UnsupportedCheckpoint,
    UnsafeCheckpoint,
    NonFiniteWeight,
    QuantizationFailed,
    GpuUnavailable,
    OutOfMemory,
    UnsafePath, // a name (shard index entry, output) would leave its folder or breaks the path rules
};

// Stable snake_case name, identical to core/common's errorCodeName() of the same code.
const char *quantErrcName(QuantErrc code);

struct QuantError
{
    QuantErrc code = QuantErrc::Internal;
    std::string message;
    std::string tensor; // the tensor concerned, when there is one
    std::string path;   // the file concerned, when there is one

    // "invalid_checkpoint: shape does not match byte range (tensor: x.weight)"
    std::string toString() const;
};

// A small std::expected stand-in (C++20 has none): a value or a QuantError.
template <typename T>
class Result
{
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(QuantError error) : m_v(std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T &value() { return std::get<0>(m_v); }
    const T &value() const { return std::get<0>(m_v); }
    T &operator*() { return value(); }
    const T &operator*() const { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    const QuantError &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, QuantError> m_v;
};

class Status
{
public:
    Status() = default;
    Status(QuantError error) : m_error(std::move(error)), m_failed(true) {}
    static Status success() { return Status(); }

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const QuantError &error() const { return m_error; }

private:
    QuantError m_error;
    bool m_failed = false;
};

inline QuantError makeError(QuantErrc code, std::string message, std::string tensor = {},
                            std::string path = {})
{
    return QuantError{code, std::move(message), std::move(tensor), std::move(path)};
}

} // namespace mistudio::quant
