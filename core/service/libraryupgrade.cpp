#include "service/libraryupgrade.h"

#include "common/repoid.h"
#include "service/deletionpolicy.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

// The variant a transformers checkpoint is, from its quantization_config (docs/quantization.md).
std::optional<QuantVariant> variantOf(const QString &dir)
{
    QFile f(dir + u"/config.json"_s);
    if (!f.open(QIODevice::ReadOnly) || f.size() > 4 * 1024 * 1024)
        return std::nullopt;
    const QJsonObject q = QJsonDocument::fromJson(f.readAll()).object().value(u"quantization_config"_s).toObject();
    if (q.value(u"load_in_8bit"_s).toBool())
        return QuantVariant{u"bnb-8bit"_s, u"nf4"_s, true};
    if (q.value(u"load_in_4bit"_s).toBool())
        return QuantVariant{u"bnb-4bit"_s, q.value(u"bnb_4bit_quant_type"_s).toString(u"nf4"_s),
                            q.value(u"bnb_4bit_use_double_quant"_s).toBool(false)};
    return std::nullopt;
}

} // namespace

Result<int> LibraryUpgrade::run()
{
    int upgraded = 0;
    ModelQuery q;
    q.limit = 1000;
    for (q.page = 1;; ++q.page) {
        const Result<ModelPage> page = m_store.list(q);
        if (!page)
            return page.error();
        for (const ModelRecord &m : page->items) {
            if (m.quantizedPath.isEmpty())
                continue;
            const Result<std::vector<VariantRecord>> known = m_store.variants(m.id);
            if (!known)
                return known.error();
            if (!known->empty())
                continue;
            if (Status s = upgrade(m); !s)
                qWarning("library upgrade: %s: %s", qPrintable(m.repoId), qPrintable(s.error().toString()));
            else
                ++upgraded;
        }
        if (qint64(q.page) * q.limit >= page->total)
            break;
    }
    return upgraded;
}

Status LibraryUpgrade::upgrade(const ModelRecord &model)
{
    const Result<RepoId> repo = RepoId::parse(model.repoId);
    if (!repo)
        return repo.error();
    const QString quantized = m_dataDir.quantizedDir(*repo);
    const QString marker = m_dataDir.modelDir(*repo) + u"/quantized.upgrading"_s;
    // 1. quantized/ (one checkpoint in it) → quantized.upgrading/
    if (!QFileInfo::exists(marker) && QFileInfo::exists(quantized + u"/config.json"_s)) {
        if (!QDir().rename(quantized, marker))
            return Error::make(ErrorCode::IoError, u"Cannot move %1 aside"_s.arg(quantized));
    }
    // 2. quantized.upgrading/ → quantized/<variant>/
    if (QFileInfo::exists(marker)) {
        const std::optional<QuantVariant> v = variantOf(marker);
        if (!v)
            return Error::make(ErrorCode::InvalidCheckpoint,
                               u"%1 has no bitsandbytes quantization_config"_s.arg(marker));
        if (!QDir().mkpath(quantized) || !QDir().rename(marker, quantized + u'/' + v->name()))
            return Error::make(ErrorCode::IoError, u"Cannot move %1 into place"_s.arg(marker));
    }
    // 3. Record what quantized/ holds now (also after a crash between 2 and 3).
    bool any = false;
    const QStringList names = QDir(quantized).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &name : names) {
        const std::optional<QuantVariant> v = QuantVariant::fromName(name);
        const QString dir = quantized + u'/' + name;
        if (!v || variantOf(dir) != v)
            continue;
        VariantRecord r;
        r.modelId = model.id;
        r.variant = *v;
        r.path = dir;
        r.sizeBytes = DeletionPolicy::treeBytes(dir);
        ModelPatch patch;
        patch.addVariant = r;
        if (model.quantization == v->mode) {
            const QString file = dir + u"/model.safetensors"_s;
            patch.quantizedPath = QFileInfo::exists(file) ? file : dir;
        }
        if (Result<ModelRecord> u = m_store.update(model.id, patch); !u)
            return u.error();
        any = true;
    }
    if (!any)
        return Error::make(ErrorCode::NotFound, u"No quantized checkpoint found in %1"_s.arg(quantized));
    return {};
}

} // namespace mistudio
