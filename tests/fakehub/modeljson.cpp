#include "routes_p.h"

#include "fixtures/safetensorswriter.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::fakehub::detail {

namespace {

QString isoDate(const QDateTime &dt)
{
    return dt.toUTC().toString(u"yyyy-MM-ddTHH:mm:ss.zzzZ"_s);
}

// Like the Hub, the server reads no huge README or config (the hostile fixtures have one).
constexpr qint64 kMaxParsedFileBytes = 16 << 20;
// huggingface_hub's SAFETENSORS_MAX_HEADER_LENGTH: longer headers get no `safetensors` field.
constexpr qint64 kMaxSafetensorsHeader = 25'000'000;

// The README's YAML front matter, for the simple `key: value` and `key:\n- item` forms fixtures use.
QJsonObject cardData(const Commit &commit)
{
    QJsonObject out;
    const auto it = commit.files.constFind(u"README.md"_s);
    if (it == commit.files.cend() || it->blob->size() > kMaxParsedFileBytes)
        return out;
    const QStringList lines = QString::fromUtf8(it->blob->readAll()).split(u'\n');
    if (lines.value(0).trimmed() != u"---"_s)
        return out;
    QString listKey;
    QJsonArray list;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QString line = lines[i];
        if (line.trimmed() == u"---"_s)
            break;
        if (line.startsWith(u"- "_s) && !listKey.isEmpty()) {
            list.append(line.mid(2).trimmed());
            out.insert(listKey, list);
            continue;
        }
        const qsizetype colon = line.indexOf(u':');
        if (colon <= 0)
            continue;
        const QString key = line.left(colon).trimmed();
        const QString value = line.mid(colon + 1).trimmed();
        if (value.isEmpty()) {
            listKey = key;
            list = QJsonArray();
        } else {
            listKey.clear();
            out.insert(key, value);
        }
    }
    return out;
}

QJsonObject jsonFile(const Commit &commit, const QString &path)
{
    const auto it = commit.files.constFind(path);
    if (it == commit.files.cend() || it->blob->size() > kMaxParsedFileBytes)
        return {};
    return QJsonDocument::fromJson(it->blob->readAll()).object();
}

} // namespace

HttpResponse errorResponse(int status, const QByteArray &code, const QString &message)
{
    HttpResponse r = HttpResponse::json(status, QJsonDocument(QJsonObject{{u"error"_s, message}}).toJson(QJsonDocument::Compact));
    if (!code.isEmpty())
        r.setHeader("X-Error-Code", code);
    r.setHeader("X-Error-Message", message.toUtf8());
    return r;
}

bool parseBool(const QString &value)
{
    const QString v = value.toLower();
    return v == u"true"_s || v == u"1"_s || v == u"yes"_s;
}

QSet<QString> expandKeys(const QUrlQuery &query)
{
    QSet<QString> out;
    for (const QString &key : {u"expand"_s, u"expand[]"_s, u"expand%5B%5D"_s}) {
        const QStringList values = query.allQueryItemValues(key, QUrl::FullyDecoded);
        for (const QString &v : values) {
            for (const QString &part : v.split(u',', Qt::SkipEmptyParts))
                out.insert(part.trimmed());
        }
    }
    return out;
}

QByteArray contentTypeFor(const QString &path)
{
    if (path.endsWith(u".json"_s))
        return "application/json; charset=utf-8";
    if (path.endsWith(u".md"_s) || path.endsWith(u".txt"_s) || path.endsWith(u".py"_s) || path.startsWith(u".git"_s))
        return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

QJsonObject safetensorsInfo(HubState &state, const Commit &commit)
{
    const auto cached = state.safetensorsCache.constFind(commit.sha);
    if (cached != state.safetensorsCache.cend())
        return *cached;
    QStringList files;
    if (commit.files.contains(u"model.safetensors"_s)) {
        files.append(u"model.safetensors"_s);
    } else if (commit.files.contains(u"model.safetensors.index.json"_s)) {
        const QJsonObject map = jsonFile(commit, u"model.safetensors.index.json"_s).value(u"weight_map"_s).toObject();
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (!files.contains(it.value().toString()))
                files.append(it.value().toString());
        }
    }
    QJsonObject result;
    QMap<QString, qint64> perDtype;
    bool ok = !files.isEmpty();
    for (const QString &name : std::as_const(files)) {
        const auto it = commit.files.constFind(name);
        if (it == commit.files.cend()) {
            ok = false;
            break;
        }
        const BlobPtr &blob = it->blob;
        qint64 headerLength = 0;
        const QByteArray first = blob->read(0, std::min<qint64>(8, blob->size()));
        countSafetensorsParameters(first, &perDtype, &headerLength); // fails: only reads the length
        if (headerLength <= 0 || headerLength > kMaxSafetensorsHeader || headerLength + 8 > blob->size()
            || !countSafetensorsParameters(blob->read(0, headerLength + 8), &perDtype)) {
            ok = false;
            break;
        }
    }
    if (ok) {
        QJsonObject parameters;
        qint64 total = 0;
        for (auto it = perDtype.cbegin(); it != perDtype.cend(); ++it) {
            parameters.insert(it.key(), double(it.value()));
            total += it.value();
        }
        result = QJsonObject{{u"parameters"_s, parameters}, {u"total"_s, double(total)}};
    }
    state.safetensorsCache.insert(commit.sha, result);
    return result;
}

QByteArray xetHash(const RepoFile &file)
{
    return QCryptographicHash::hash(QByteArray("xet:" + file.blob->sha256Hex()), QCryptographicHash::Sha256).toHex();
}

QJsonObject fileEntry(const Commit &commit, const RepoFile &file, bool expand, bool xet)
{
    QJsonObject e{{u"type"_s, u"file"_s},
                  {u"oid"_s, QString::fromLatin1(file.gitOid())},
                  {u"size"_s, double(file.size())},
                  {u"path"_s, file.path}};
    if (file.lfs) {
        e.insert(u"lfs"_s, QJsonObject{{u"oid"_s, QString::fromLatin1(file.blob->sha256Hex())},
                                       {u"size"_s, double(file.size())},
                                       {u"pointerSize"_s, double(file.lfsPointer().size())}});
        if (xet)
            e.insert(u"xetHash"_s, QString::fromLatin1(xetHash(file)));
    }
    if (expand) {
        e.insert(u"lastCommit"_s, QJsonObject{{u"id"_s, QString::fromLatin1(commit.sha)},
                                              {u"title"_s, commit.title},
                                              {u"date"_s, isoDate(commit.date)}});
        e.insert(u"securityFileStatus"_s, QJsonObject{{u"status"_s, u"safe"_s},
                                                      {u"avScan"_s, QJsonObject{{u"status"_s, u"safe"_s}}},
                                                      {u"pickleImportScan"_s, QJsonObject{{u"status"_s, u"safe"_s}}}});
    }
    return e;
}

QJsonObject directoryEntry(const Commit &commit, const QString &path, bool expand)
{
    const QByteArray oid = QCryptographicHash::hash(QByteArray(commit.sha + ":" + path.toUtf8()), QCryptographicHash::Sha1).toHex();
    QJsonObject e{{u"type"_s, u"directory"_s}, {u"oid"_s, QString::fromLatin1(oid)}, {u"size"_s, 0}, {u"path"_s, path}};
    if (expand) {
        e.insert(u"lastCommit"_s, QJsonObject{{u"id"_s, QString::fromLatin1(commit.sha)},
                                              {u"title"_s, commit.title},
                                              {u"date"_s, isoDate(commit.date)}});
    }
    return e;
}

QJsonObject modelInfo(HubState &state, const Repo &repo, const Commit &commit, bool blobs, bool listing)
{
    const QJsonObject card = cardData(commit);
    const QJsonObject config = jsonFile(commit, u"config.json"_s);
    const QJsonObject tokenizerConfig = jsonFile(commit, u"tokenizer_config.json"_s);
    const QJsonObject safetensors = safetensorsInfo(state, commit);

    QJsonArray tags;
    const auto addTag = [&tags](const QString &t) {
        if (!t.isEmpty() && !tags.contains(t))
            tags.append(t);
    };
    addTag(repo.libraryName);
    bool hasBin = false;
    bool hasGguf = false;
    for (const RepoFile &f : commit.files) {
        hasBin = hasBin || f.path.endsWith(u".bin"_s);
        hasGguf = hasGguf || f.path.endsWith(u".gguf"_s);
    }
    if (hasBin)
        addTag(u"pytorch"_s);
    if (!safetensors.isEmpty())
        addTag(u"safetensors"_s);
    if (hasGguf)
        addTag(u"gguf"_s);
    addTag(config.value(u"model_type"_s).toString());
    addTag(repo.pipelineTag);
    for (const QString &t : repo.extraTags)
        addTag(t);
    if (card.contains(u"license"_s))
        addTag(u"license:"_s + card.value(u"license"_s).toString());
    addTag(u"region:us"_s);

    qint64 usedStorage = 0;
    QJsonArray siblings;
    for (const RepoFile &f : commit.files) {
        usedStorage += f.size();
        QJsonObject s{{u"rfilename"_s, f.path}};
        if (blobs) {
            s.insert(u"size"_s, double(f.size()));
            s.insert(u"blobId"_s, QString::fromLatin1(f.gitOid()));
            if (f.lfs) {
                s.insert(u"lfs"_s, QJsonObject{{u"sha256"_s, QString::fromLatin1(f.blob->sha256Hex())},
                                               {u"size"_s, double(f.size())},
                                               {u"pointerSize"_s, double(f.lfsPointer().size())}});
            }
        }
        siblings.append(s);
    }

    QJsonObject cfg;
    if (!config.isEmpty()) {
        for (const QString &k : {u"architectures"_s, u"model_type"_s, u"auto_map"_s}) {
            if (config.contains(k))
                cfg.insert(k, config.value(k));
        }
        QJsonObject tok;
        for (const QString &k : {u"bos_token"_s, u"eos_token"_s, u"pad_token"_s, u"unk_token"_s}) {
            if (tokenizerConfig.contains(k))
                tok.insert(k, tokenizerConfig.value(k));
        }
        cfg.insert(u"tokenizer_config"_s, tok);
    }

    QJsonObject info{
        {u"_id"_s, QString::fromLatin1(repo.mongoId())},
        {u"id"_s, repo.id},
        {u"modelId"_s, repo.id},
        {u"author"_s, repo.author()},
        {u"sha"_s, QString::fromLatin1(commit.sha)},
        {u"lastModified"_s, isoDate(commit.date)},
        {u"createdAt"_s, isoDate(repo.createdAt)},
        {u"private"_s, repo.isPrivate},
        {u"gated"_s, repo.gated.isEmpty() ? QJsonValue(false) : QJsonValue(repo.gated)},
        {u"disabled"_s, repo.disabled},
        {u"downloads"_s, repo.downloads},
        {u"downloadsAllTime"_s, repo.downloads * 3},
        {u"likes"_s, repo.likes},
        {u"trendingScore"_s, repo.likes / 4},
        {u"tags"_s, tags},
        {u"siblings"_s, siblings},
        {u"spaces"_s, QJsonArray()},
        {u"usedStorage"_s, double(usedStorage)},
    };
    if (!repo.libraryName.isEmpty())
        info.insert(u"library_name"_s, repo.libraryName);
    if (!repo.pipelineTag.isEmpty())
        info.insert(u"pipeline_tag"_s, repo.pipelineTag);
    if (!card.isEmpty())
        info.insert(u"cardData"_s, card);
    if (!cfg.isEmpty()) {
        info.insert(u"config"_s, cfg);
        info.insert(u"transformersInfo"_s, QJsonObject{{u"auto_model"_s, u"AutoModelForCausalLM"_s},
                                                       {u"pipeline_tag"_s, repo.pipelineTag},
                                                       {u"processor"_s, u"AutoTokenizer"_s}});
    }
    if (!safetensors.isEmpty())
        info.insert(u"safetensors"_s, safetensors);
    if (hasGguf)
        info.insert(u"gguf"_s, QJsonObject{{u"architecture"_s, u"llama"_s}, {u"context_length"_s, 128}});
    if (listing) {
        // list entries carry a reduced default set (docs/hub.md H3)
        QJsonObject reduced;
        for (const QString &k : {u"_id"_s, u"id"_s, u"modelId"_s, u"likes"_s, u"downloads"_s, u"pipeline_tag"_s,
                                 u"private"_s, u"tags"_s, u"library_name"_s, u"createdAt"_s}) {
            if (info.contains(k))
                reduced.insert(k, info.value(k));
        }
        return reduced;
    }
    return info;
}

QJsonObject filterExpand(const QJsonObject &full, const QSet<QString> &expand)
{
    QJsonObject out{{u"_id"_s, full.value(u"_id"_s)}, {u"id"_s, full.value(u"id"_s)}};
    for (const QString &k : expand) {
        if (full.contains(k))
            out.insert(k, full.value(k));
    }
    return out;
}

} // namespace mistudio::fakehub::detail
