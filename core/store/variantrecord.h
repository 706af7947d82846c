#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUuid>

#include <optional>

namespace mistudio {

// Which bitsandbytes checkpoint a variant is: the mode and, for 4-bit, the quant type and
// whether the absmax statistics are quantized again. Its name is its folder under the model's
// quantized/ folder: "bnb-8bit", "bnb-4bit-nf4-dq", "bnb-4bit-nf4", "bnb-4bit-fp4-dq",
// "bnb-4bit-fp4".
struct QuantVariant
{
    QString mode = QStringLiteral("bnb-4bit"); // bnb-4bit | bnb-8bit
    QString quantType = QStringLiteral("nf4"); // nf4 | fp4 (bnb-4bit only)
    bool doubleQuant = true;                   // bnb-4bit only

    QString name() const;
    static std::optional<QuantVariant> fromName(QStringView name);
    bool operator==(const QuantVariant &o) const { return name() == o.name(); }
};

// One quantized variant of a model on disk: one row of `model_variants`.
struct VariantRecord
{
    QUuid modelId;
    QuantVariant variant;
    QString path;          // its folder
    qint64 sizeBytes = 0;  // bytes of its files
    QString device;        // where it was quantized ("cpu", "cuda:0")
    QDateTime createdAt;   // UTC

    QString name() const { return variant.name(); }
    // {"name","mode","quant_type"?,"double_quant"?,"path","size_bytes","device","created_at"}
    QJsonObject toJson() const;
};

// One file of a model's download as the Hub described it at the pinned commit: what
// `models verify` checks the bytes on disk against and `check-updates` compares with upstream.
struct ModelFileRecord
{
    QString path;   // repo path
    qint64 size = 0;
    QString sha256; // LFS files: lowercase hex
    QString gitOid; // git blob sha1 (the tree's oid), for files without sha256

    // {"path","size","sha256"?,"git_oid"?}
    QJsonObject toJson() const;
};

} // namespace mistudio
