#pragma once

#include <chrono>

namespace mistudio::quant {

// Adds the time until the end of its scope to `total` (seconds).
class Timed final
{
public:
    explicit Timed(double &total) : m_total(total), m_t0(std::chrono::steady_clock::now()) {}
    ~Timed() { m_total += std::chrono::duration<double>(std::chrono::steady_clock::now() - m_t0).count(); }
    Timed(const Timed &) = delete;
    Timed &operator=(const Timed &) = delete;

private:
    double &m_total;
    std::chrono::steady_clock::time_point m_t0;
};

} // namespace mistudio::quant
