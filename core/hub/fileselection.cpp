#include "hub/fileselection.h"

#include "common/saturating.h"

#include <QJsonArray>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hub {
namespace {

QString base(const QString &path) { return path.section(u'/', -1); }

bool isBinWeight(const QString &path)
{
    const QString b = base(path);
    return (b.endsWith(u".bin"_s) && !b.startsWith(u"training_args"_s)) || b.endsWith(u".pt"_s)
        || b.endsWith(u".pth"_s) || b.endsWith(u".bin.index.json"_s);
}

// Weight formats we never fetch (the reason is the format's name).
QString otherWeightFormat(const QString &path)
{
    const QString b = base(path).toLower();
    if (path.startsWith(u"onnx/"_s) || b.endsWith(u".onnx"_s) || b.endsWith(u".onnx_data"_s))
        return u"onnx"_s;
    if (path.startsWith(u"openvino/"_s))
        return u"openvino"_s;
    if (b.endsWith(u".h5"_s) || b.startsWith(u"tf_model"_s))
        return u"tensorflow"_s;
    if (b.endsWith(u".msgpack"_s) || b.startsWith(u"flax_model"_s))
        return u"flax"_s;
    if (b.endsWith(u".gguf"_s))
        return u"gguf"_s;
    if (b.endsWith(u".ckpt"_s))
        return u"ckpt"_s;
    if (b.endsWith(u".ot"_s))
        return u"rust"_s;
    if (b.endsWith(u".mlmodel"_s) || path.contains(u".mlpackage/"_s))
        return u"coreml"_s;
    return QString();
}

bool isImage(const QString &path)
{
    const QString b = base(path).toLower();
    for (const char *ext : {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}) {
        if (b.endsWith(QLatin1StringView(ext)))
            return true;
    }
    return false;
}

} // namespace

bool requiresTrustRemoteCode(const QJsonObject &config, const QList<RepoFile> &files)
{
    if (config.contains(u"auto_map"_s))
        return true;
    for (const RepoFile &f : files) {
        const QString b = base(f.path);
        if (b.endsWith(u".py"_s) && (b.startsWith(u"modeling_"_s) || b.startsWith(u"configuration_"_s)))
            return true;
    }
    return false;
}

FileSelection selectFiles(const QList<RepoFile> &files, bool trustRemoteCode)
{
    FileSelection s;
    bool hasSafetensors = false;
    bool hasBin = false;
    for (const RepoFile &f : files) {
        hasSafetensors = hasSafetensors || f.path.endsWith(u".safetensors"_s);
        hasBin = hasBin || (isBinWeight(f.path) && !f.path.endsWith(u".index.json"_s));
    }
    s.weightFormat = hasSafetensors ? u"safetensors"_s : hasBin ? u"pytorch_bin"_s : QString();
    for (const RepoFile &f : files) {
        QString reason;
        const QString other = otherWeightFormat(f.path);
        if (!other.isEmpty())
            reason = other + u" weights are not used"_s;
        else if (isBinWeight(f.path) && hasSafetensors)
            reason = u"safetensors weights are used instead"_s;
        else if (f.path.endsWith(u".py"_s) && !trustRemoteCode)
            reason = u"code files are only needed by trust_remote_code models"_s;
        else if (base(f.path) == u".gitattributes"_s || isImage(f.path))
            reason = u"not needed to load the model"_s;
        if (!reason.isEmpty()) {
            s.skipped.append(FileSelection::Skipped{f.path, f.size, reason});
            continue;
        }
        s.files.append(f);
        s.totalBytes = saturatingAdd(s.totalBytes, qMax<qint64>(0, f.size));
        if ((hasSafetensors && f.path.endsWith(u".safetensors"_s))
            || (!hasSafetensors && isBinWeight(f.path) && !f.path.endsWith(u".index.json"_s)))
            s.weightFiles << f.path;
    }
    return s;
}

QJsonObject FileSelection::toJson() const
{
    QJsonArray fs;
    for (const RepoFile &f : files)
        fs.append(QJsonObject{{u"path"_s, f.path}, {u"size"_s, f.size}, {u"lfs"_s, f.isLfs()}});
    QJsonArray sk;
    for (const Skipped &f : skipped)
        sk.append(QJsonObject{{u"path"_s, f.path}, {u"size"_s, f.size}, {u"reason"_s, f.reason}});
    return QJsonObject{{u"files"_s, fs},
                       {u"skipped"_s, sk},
                       {u"weight_files"_s, QJsonArray::fromStringList(weightFiles)},
                       {u"weight_format"_s, weightFormat},
                       {u"total_bytes"_s, totalBytes}};
}

bool matchesAnyGlob(const QString &path, const QStringList &globs)
{
    for (const QString &g : globs) {
        const QRegularExpression re(QRegularExpression::wildcardToRegularExpression(
            g, QRegularExpression::UnanchoredWildcardConversion));
        const QRegularExpression anchored(u"^(?:"_s + re.pattern() + u")$"_s);
        if (anchored.match(path).hasMatch() || anchored.match(base(path)).hasMatch())
            return true;
    }
    return false;
}

QString literalGlob(const QString &path)
{
    QString out;
    out.reserve(path.size());
    for (const QChar c : path) {
        if (c == u'*' || c == u'?' || c == u'[')
            out += u'[' + c + u']';
        else
            out += c;
    }
    return out;
}

} // namespace mistudio::hub
