#pragma once

#include <QString>

namespace mistudio::ui {

// Numbers as the user's locale writes them (QLocale's default, set from the language setting):
// "1,5 GB" in German, "1.5 GB" in English. core/common/units.h formats for logs and the wire
// (always a dot); everything the window shows goes through these so that one screen never
// mixes "1.5 GB" and "2,614,341,888".
QString sizeText(qint64 bytes);           // "5.23 GB" (decimal units, as the Hub shows sizes)
QString speedText(double bytesPerSecond); // "48.2 MB/s"
QString paramsText(qint64 count);         // "2.6B", "124M"
QString numberText(qint64 value);         // "2,614,341,888"
QString percentText(double percent);      // "63.4 %" ("63,4 %")
QString etaText(qint64 seconds);          // "13 s left", "2 min left", "1 h 5 min left"; "" unknown
QString agoText(qint64 seconds);          // "2 s ago", "3 min ago", "5 h ago"; "" unknown (< 0)

} // namespace mistudio::ui
