#include "common/units.h"

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

QString formatBytes(qint64 bytes)
{
    if (bytes < 0)
        return u"?"_s;
    static const char *const kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB"};
    double v = double(bytes);
    int u = 0;
    while (v >= 1000.0 && u < 5) {
        v /= 1000.0;
        ++u;
    }
    if (u == 0)
        return u"%1 B"_s.arg(bytes);
    return u"%1 %2"_s.arg(v, 0, 'f', v < 10 ? 2 : (v < 100 ? 1 : 0)).arg(QLatin1StringView(kUnits[u]));
}

QString formatParamCount(qint64 count)
{
    if (count < 0)
        return u"?"_s;
    struct Step
    {
        double div;
        char suffix;
    };
    static const Step kSteps[] = {{1e12, 'T'}, {1e9, 'B'}, {1e6, 'M'}, {1e3, 'K'}};
    for (const Step &s : kSteps) {
        if (double(count) >= s.div) {
            const double v = double(count) / s.div;
            QString n = QString::number(v, 'f', v < 10 ? 1 : 0);
            if (n.endsWith(u".0"_s))
                n.chop(2);
            return n + QChar::fromLatin1(s.suffix);
        }
    }
    return QString::number(count);
}

std::optional<qint64> parseByteSize(QStringView text)
{
    QString t = text.trimmed().toString().toLower();
    if (t.endsWith(u"ib"_s))
        t.chop(2), t += u'b';
    if (t.endsWith(u'b'))
        t.chop(1);
    double mult = 1;
    if (!t.isEmpty()) {
        switch (t.back().unicode()) {
        case u'k': mult = 1e3; break;
        case u'm': mult = 1e6; break;
        case u'g': mult = 1e9; break;
        case u't': mult = 1e12; break;
        default: break;
        }
        if (mult != 1)
            t.chop(1);
    }
    bool ok = false;
    const double v = t.toDouble(&ok);
    if (!ok || !std::isfinite(v) || v < 0 || v * mult > 9.0e18)
        return std::nullopt;
    return qint64(std::llround(v * mult));
}

} // namespace mistudio
