#include "store/variantrecord.h"

using namespace Qt::Literals::StringLiterals;

namespace mistudio {

QString QuantVariant::name() const
{
    if (mode != u"bnb-4bit"_s)
        return mode;
    return u"bnb-4bit-"_s + quantType + (doubleQuant ? u"-dq"_s : QString());
}

std::optional<QuantVariant> QuantVariant::fromName(QStringView name)
{
    if (name == u"bnb-8bit")
        return QuantVariant{u"bnb-8bit"_s, u"nf4"_s, true};
    for (const QString &type : {u"nf4"_s, u"fp4"_s}) {
        for (bool dq : {true, false}) {
            const QuantVariant v{u"bnb-4bit"_s, type, dq};
            if (v.name() == name)
                return v;
        }
    }
    return std::nullopt;
}

QJsonObject VariantRecord::toJson() const
{
    QJsonObject o{{u"name"_s, name()},
                  {u"mode"_s, variant.mode},
                  {u"path"_s, path},
                  {u"size_bytes"_s, sizeBytes},
                  {u"device"_s, device.isEmpty() ? QJsonValue() : QJsonValue(device)},
                  {u"created_at"_s, createdAt.isValid() ? QJsonValue(createdAt.toUTC().toString(Qt::ISODateWithMs))
                                                        : QJsonValue()}};
    if (variant.mode == u"bnb-4bit"_s) {
        o.insert(u"quant_type"_s, variant.quantType);
        o.insert(u"double_quant"_s, variant.doubleQuant);
    }
    return o;
}

QJsonObject ModelFileRecord::toJson() const
{
    QJsonObject o{{u"path"_s, path}, {u"size"_s, size}};
    if (!sha256.isEmpty())
        o.insert(u"sha256"_s, sha256);
    if (!gitOid.isEmpty())
        o.insert(u"git_oid"_s, gitOid);
    return o;
}

} // namespace mistudio
