#include "hub/hubtypes.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hub {

QList<RepoFile> RepoFile::listFromTree(const QJsonArray &page)
{
    QList<RepoFile> files;
    for (const QJsonValue &v : page) {
        const QJsonObject e = v.toObject();
        if (e.value(u"type"_s).toString() != u"file"_s)
            continue;
        const QJsonObject lfs = e.value(u"lfs"_s).toObject();
        files.append(RepoFile{e.value(u"path"_s).toString(), e.value(u"size"_s).toInteger(-1),
                              e.value(u"oid"_s).toString(), lfs.value(u"oid"_s).toString(),
                              e.value(u"xetHash"_s).toString()});
    }
    return files;
}

ModelInfo ModelInfo::fromJson(const QJsonObject &o)
{
    ModelInfo m;
    m.raw = o;
    m.id = o.value(u"id"_s).toString(o.value(u"modelId"_s).toString());
    m.sha = o.value(u"sha"_s).toString();
    m.isPrivate = o.value(u"private"_s).toBool();
    const QJsonValue gated = o.value(u"gated"_s);
    m.gated = gated.isString() ? gated.toString() : QString();
    m.disabled = o.value(u"disabled"_s).toBool();
    m.pipelineTag = o.value(u"pipeline_tag"_s).toString();
    m.libraryName = o.value(u"library_name"_s).toString();
    for (const QJsonValue &t : o.value(u"tags"_s).toArray())
        m.tags << t.toString();
    const QJsonValue cardLicense = o.value(u"cardData"_s).toObject().value(u"license"_s);
    if (cardLicense.isString())
        m.license = cardLicense.toString();
    else if (cardLicense.isArray() && !cardLicense.toArray().isEmpty())
        m.license = cardLicense.toArray().first().toString();
    if (m.license.isEmpty()) {
        for (const QString &t : std::as_const(m.tags)) {
            if (t.startsWith(u"license:"_s)) {
                m.license = t.mid(8);
                break;
            }
        }
    }
    m.config = o.value(u"config"_s).toObject();
    for (const QJsonValue &v : o.value(u"siblings"_s).toArray()) {
        const QJsonObject s = v.toObject();
        const QJsonObject lfs = s.value(u"lfs"_s).toObject();
        m.siblings.append(RepoFile{s.value(u"rfilename"_s).toString(),
                                   s.value(u"size"_s).toInteger(lfs.value(u"size"_s).toInteger(-1)),
                                   s.value(u"blobId"_s).toString(), lfs.value(u"sha256"_s).toString(),
                                   QString()});
    }
    const QJsonObject st = o.value(u"safetensors"_s).toObject();
    const QJsonObject params = st.value(u"parameters"_s).toObject();
    for (auto it = params.begin(); it != params.end(); ++it)
        m.safetensorsParameters.insert(it.key(), it.value().toInteger());
    m.safetensorsTotal = st.value(u"total"_s).toInteger(-1);
    m.lastModified = QDateTime::fromString(o.value(u"lastModified"_s).toString(), Qt::ISODateWithMs);
    return m;
}

QJsonObject SearchHit::toJson() const
{
    return QJsonObject{{u"id"_s, id},
                       {u"downloads"_s, downloads},
                       {u"likes"_s, likes},
                       {u"pipeline_tag"_s, pipelineTag},
                       {u"gated"_s, gated.isEmpty() ? QJsonValue(false) : QJsonValue(gated)},
                       {u"private"_s, isPrivate},
                       {u"last_modified"_s, lastModified.isValid()
                                                ? QJsonValue(lastModified.toString(Qt::ISODateWithMs))
                                                : QJsonValue()}};
}

} // namespace mistudio::hub
