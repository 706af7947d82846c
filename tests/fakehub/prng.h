#pragma once

#include <QtGlobal>

namespace mistudio::fakehub {

// Deterministic PRNG for fixture content, so tests can recompute expected bytes and hashes.
class SplitMix64
{
public:
    explicit SplitMix64(quint64 seed)
        : m_state(seed)
    {
    }
    quint64 next()
    {
        m_state += 0x9E3779B97F4A7C15ULL;
        return mix(m_state);
    }
    // Uniform float in [-1, 1).
    float nextSigned() { return float(double(next() >> 11) * (1.0 / 9007199254740992.0) * 2.0 - 1.0); }
    static quint64 mix(quint64 z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

private:
    quint64 m_state;
};

} // namespace mistudio::fakehub
