#include "cli/output.h"

#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::cli {

QJsonObject errorJson(const Error &error)
{
    QJsonObject o = error.toJson();
    if (!o.contains(u"request_id"_s))
        o.insert(u"request_id"_s, QJsonValue(QJsonValue::Null));
    return o;
}

void printJsonError(QTextStream &out, const Error &error)
{
    out << QJsonDocument(QJsonObject{{u"error"_s, errorJson(error)}}).toJson(QJsonDocument::Compact)
        << '\n';
}

} // namespace mistudio::cli
