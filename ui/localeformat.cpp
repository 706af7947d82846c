#include "localeformat.h"

#include <QCoreApplication>
#include <QLocale>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

namespace {

// tr() context for the few words here.
struct Format
{
    Q_DECLARE_TR_FUNCTIONS(Format)
};

QString scaled(double v, const char *const *units, int count, double step)
{
    int u = 0;
    while (v >= step && u < count - 1) {
        v /= step;
        ++u;
    }
    const int decimals = u == 0 ? 0 : (v < 10 ? 2 : (v < 100 ? 1 : 0));
    return QLocale().toString(v, 'f', decimals) + u' ' + QLatin1StringView(units[u]);
}

} // namespace

QString sizeText(qint64 bytes)
{
    if (bytes < 0)
        return u"?"_s;
    static const char *const kUnits[] = {"B", "KB", "MB", "GB", "TB", "PB"};
    return scaled(double(bytes), kUnits, 6, 1000.0);
}

QString speedText(double bytesPerSecond)
{
    if (bytesPerSecond < 0)
        return QString();
    static const char *const kUnits[] = {"B/s", "KB/s", "MB/s", "GB/s", "TB/s"};
    return scaled(bytesPerSecond, kUnits, 5, 1000.0);
}

QString paramsText(qint64 count)
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
            const bool whole = v >= 10 || v == double(qint64(v));
            return QLocale().toString(v, 'f', whole ? 0 : 1) + QChar::fromLatin1(s.suffix);
        }
    }
    return QLocale().toString(count);
}

QString numberText(qint64 value)
{
    return QLocale().toString(value);
}

QString percentText(double percent)
{
    return Format::tr("%1 %").arg(QLocale().toString(percent, 'f', 1));
}

QString etaText(qint64 seconds)
{
    if (seconds < 0)
        return {};
    if (seconds < 60)
        return Format::tr("%n s left", nullptr, int(seconds));
    if (seconds < 3600)
        return Format::tr("%n min left", nullptr, int((seconds + 59) / 60));
    return Format::tr("%1 h %2 min left")
        .arg(QLocale().toString(seconds / 3600))
        .arg(QLocale().toString((seconds % 3600) / 60));
}

QString agoText(qint64 seconds)
{
    if (seconds < 0)
        return {};
    if (seconds < 60)
        return Format::tr("%n s ago", nullptr, int(seconds));
    if (seconds < 3600)
        return Format::tr("%n min ago", nullptr, int(seconds / 60));
    return Format::tr("%n h ago", nullptr, int(seconds / 3600));
}

} // namespace mistudio::ui
