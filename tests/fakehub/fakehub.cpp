#include "fakehub.h"

#include "hubstate.h"
#include "serverthread.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutexLocker>
#include <QRandomGenerator>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::fakehub {

namespace {

constexpr qint64 kPrehashBytes = 256LL * 1024 * 1024;

QByteArray requestId(const HttpRequest &request)
{
    const QByteArray trace = request.header("x-amzn-trace-id");
    if (!trace.isEmpty())
        return trace;
    QByteArray random(12, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(random.data()), 3);
    return "Root=1-" + QByteArray::number(QDateTime::currentSecsSinceEpoch(), 16) + '-' + random.toHex() + ';'
           + QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
}

void addCommonHeaders(HubState &state, const HttpRequest &request, Listener listener, HttpResponse &r)
{
    r.setHeader("X-Request-Id", requestId(request));
    if (request.hasHeader("x-amzn-trace-id"))
        r.setHeader("X-Amzn-Trace-Id", request.header("x-amzn-trace-id"));
    r.setHeader("Access-Control-Expose-Headers",
                "X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,"
                "Content-Range,X-Linked-Size,X-Linked-ETag,X-Xet-Hash");
    if (listener != Listener::Hub)
        return;
    const bool resolver = request.path().contains(u"/resolve/"_s);
    const QByteArray bucket = resolver ? "resolvers" : "api";
    const qint64 quota = resolver ? 3000 : 1000;
    const qint64 windowLeft = 300 - (state.clock.elapsed() / 1000) % 300;
    const qint64 remaining = std::max<qint64>(0, quota - 1 - state.requestCounter % quota);
    r.setHeader("RateLimit", '"' + bucket + "\";r=" + QByteArray::number(remaining) + ";t=" + QByteArray::number(windowLeft));
    r.setHeader("RateLimit-Policy", "\"fixed window\";\"" + bucket + "\";q=" + QByteArray::number(quota) + ";w=300");
    r.setHeader("X-Powered-By", "huggingface-moon");
}

} // namespace

FakeHub::FakeHub()
    : FakeHub(Options())
{
}

FakeHub::FakeHub(const Options &options)
    : m_options(options)
    , m_state(std::make_unique<HubState>())
{
    m_state->clock.start();
    if (options.standardFixtures)
        m_state->fixtures = buildStandardFixtures(options.fixtures);
}

FakeHub::~FakeHub()
{
    stop();
}

bool FakeHub::start(QString *error)
{
    if (m_thread)
        return true;
    // Hash big blobs now: done lazily on the server thread, the first HEAD of a multi-GB file would
    // take longer than a client's metadata timeout.
    QList<BlobPtr> big;
    {
        QMutexLocker lock(&m_state->mutex);
        for (const Repo &repo : std::as_const(m_state->fixtures.repos)) {
            const Commit *commit = repo.commit(repo.branches.value(u"main"_s));
            if (!commit)
                continue;
            {
                for (const RepoFile &file : commit->files) {
                    if (file.lfs && file.size() >= kPrehashBytes)
                        big.append(file.blob);
                }
            }
        }
    }
    for (const BlobPtr &blob : std::as_const(big))
        blob->sha256Hex();
    HubState *state = m_state.get();
    auto dispatch = [this, state](HttpRequest &request, Listener listener) -> HttpResponse {
        if (listener == Listener::Hub && request.rawPath.startsWith("/__")) {
            if (request.rawPath == "/__control" && request.method == "POST") {
                QString message;
                const QJsonDocument doc = QJsonDocument::fromJson(request.body);
                if (!doc.isObject() || !applyControl(doc.object(), &message))
                    return HttpResponse::json(400, QJsonDocument(QJsonObject{{u"error"_s, message}}).toJson());
                return HttpResponse::json(200, "{\"ok\":true}");
            }
            if (request.rawPath == "/__log") {
                QJsonArray entries;
                const QList<LogEntry> entriesNow = log();
                for (const LogEntry &e : entriesNow)
                    entries.append(e.toJson());
                return HttpResponse::json(200, QJsonDocument(QJsonObject{{u"entries"_s, entries}}).toJson());
            }
            if (request.rawPath == "/__faults") {
                QJsonArray list;
                const QList<Fault> current = faults();
                for (const Fault &f : current)
                    list.append(f.toJson());
                return HttpResponse::json(200, QJsonDocument(QJsonObject{{u"faults"_s, list}}).toJson());
            }
            return HttpResponse::text(404, "unknown control route");
        }
        QMutexLocker lock(&state->mutex);
        ++state->requestCounter;
        // The other host mirrors the hub's routes (as a second Hub or a hostile mirror would).
        HttpResponse r = listener == Listener::Cdn ? routeCdn(*state, request) : routeHub(*state, request);
        addCommonHeaders(*state, request, listener, r);
        applyFaults(*state, request, listener, r);

        LogEntry e;
        e.seq = state->requestCounter; // contiguous: every routed request is logged
        e.elapsedMs = state->clock.elapsed();
        e.lastMs = e.elapsedMs;
        e.listener = listener;
        e.host = request.header("host");
        e.method = request.method;
        e.path = request.path();
        e.query = QString::fromUtf8(request.rawQuery);
        e.range = request.header("range");
        e.authorization = request.hasHeader("authorization");
        const QByteArray auth = request.header("authorization");
        e.token = auth.startsWith("Bearer ") ? auth.mid(7).trimmed() : QByteArray();
        e.userAgent = request.header("user-agent");
        e.status = r.resetConnection ? 0 : r.status;
        e.contentLength = r.headOnly ? 0 : r.bodyLength();
        e.faults = r.faults;
        e.requestId = r.header("X-Request-Id");
        e.connectionId = request.connectionId;
        r.logIndex = int(e.seq);
        state->log.append(e);
        return r;
    };
    auto progress = [state](int seq, qint64 bytes, bool finished) {
        QMutexLocker lock(&state->mutex);
        if (state->log.isEmpty())
            return;
        const qint64 index = seq - state->log.first().seq;
        if (index < 0 || index >= state->log.size())
            return;
        LogEntry &e = state->log[index];
        e.bodyBytes = bytes;
        e.finished = e.finished || finished;
        e.lastMs = state->clock.elapsed();
    };
    auto thread = std::make_unique<ServerThread>(m_options.hubPort, m_options.cdnPort, dispatch, progress);
    if (!thread->startAndListen(error))
        return false;
    m_thread = std::move(thread);
    QMutexLocker lock(&m_state->mutex);
    m_state->hubBase = u"http://127.0.0.1:"_s + QString::number(m_thread->hubPort());
    m_state->cdnBase = u"http://localhost:"_s + QString::number(m_thread->cdnPort());
    m_state->otherBase = u"http://127.0.0.2:"_s + QString::number(m_thread->otherPort());
    return true;
}

void FakeHub::stop()
{
    if (m_thread) {
        m_thread->stopAndWait();
        m_thread.reset();
    }
}

bool FakeHub::isRunning() const
{
    return m_thread != nullptr;
}

QUrl FakeHub::endpoint() const
{
    return QUrl(u"http://127.0.0.1:"_s + QString::number(hubPort()));
}

QUrl FakeHub::otherEndpoint() const
{
    return QUrl(u"http://127.0.0.2:"_s + QString::number(m_thread ? m_thread->otherPort() : 0));
}

QUrl FakeHub::cdnEndpoint() const
{
    return QUrl(u"http://localhost:"_s + QString::number(cdnPort()));
}

quint16 FakeHub::hubPort() const
{
    return m_thread ? m_thread->hubPort() : 0;
}

quint16 FakeHub::cdnPort() const
{
    return m_thread ? m_thread->cdnPort() : 0;
}

QStringList FakeHub::repoIds() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->fixtures.repos.keys();
}

void FakeHub::addRepo(const Repo &repo)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->fixtures.repos.insert(repo.id, repo);
    m_state->safetensorsCache.clear();
}

void FakeHub::addToken(const QString &token, const QString &user)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->fixtures.tokens.insert(token, user);
}

int FakeHub::addReposFromDirectory(const QString &dir, QString *error)
{
    const QDir root(dir);
    if (!root.exists()) {
        if (error)
            *error = u"no such directory: "_s + dir;
        return -1;
    }
    int added = 0;
    const QStringList orgs = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &org : orgs) {
        const QDir orgDir(root.filePath(org));
        const QStringList names = orgDir.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QString &name : names) {
            const QDir repoDir(orgDir.filePath(name));
            QList<RepoFile> files;
            QDirIterator it(repoDir.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString path = it.next();
                const QString rel = repoDir.relativeFilePath(path);
                if (rel.startsWith(u".git/"_s))
                    continue;
                const qint64 size = it.fileInfo().size();
                files.append(RepoFile{rel, std::make_shared<FileBlob>(path, size), isLfsPath(rel, size)});
            }
            Repo repo;
            repo.id = org + u'/' + name;
            repo.createdAt = QDateTime(QDate(2024, 9, 24), QTime(15, 0), Qt::UTC);
            repo.addCommit(u"main"_s, u"Upload from fixtures directory"_s, files);
            addRepo(repo);
            ++added;
        }
    }
    return added;
}

QByteArray FakeHub::commitOf(const QString &repo, const QString &revision) const
{
    QMutexLocker lock(&m_state->mutex);
    const Repo *r = m_state->repo(repo);
    return r ? r->resolveRevision(revision) : QByteArray();
}

std::optional<FileInfo> FakeHub::fileInfo(const QString &repo, const QString &revision, const QString &path) const
{
    RepoFile file;
    QByteArray sha;
    {
        QMutexLocker lock(&m_state->mutex);
        const Repo *r = m_state->repo(repo);
        const Commit *c = r ? r->commit(r->resolveRevision(revision)) : nullptr;
        if (!c || !c->files.contains(path))
            return std::nullopt;
        file = c->files.value(path);
        sha = c->sha;
    }
    return FileInfo{file.path, file.size(), file.blob->sha256Hex(), file.gitOid(), file.lfs, sha};
}

QByteArray FakeHub::fileContent(const QString &repo, const QString &revision, const QString &path) const
{
    BlobPtr blob;
    {
        QMutexLocker lock(&m_state->mutex);
        const Repo *r = m_state->repo(repo);
        const Commit *c = r ? r->commit(r->resolveRevision(revision)) : nullptr;
        if (!c || !c->files.contains(path))
            return {};
        blob = c->files.value(path).blob;
    }
    return blob->readAll();
}

QList<FileInfo> FakeHub::files(const QString &repo, const QString &revision) const
{
    QStringList paths;
    {
        QMutexLocker lock(&m_state->mutex);
        const Repo *r = m_state->repo(repo);
        const Commit *c = r ? r->commit(r->resolveRevision(revision)) : nullptr;
        if (!c)
            return {};
        paths = c->files.keys();
    }
    QList<FileInfo> out;
    for (const QString &p : std::as_const(paths)) {
        if (auto info = fileInfo(repo, revision, p))
            out.append(*info);
    }
    return out;
}

bool FakeHub::writeSnapshot(const QString &repo, const QString &revision, const QString &dir, QString *error) const
{
    QList<RepoFile> files;
    {
        QMutexLocker lock(&m_state->mutex);
        const Repo *r = m_state->repo(repo);
        const Commit *c = r ? r->commit(r->resolveRevision(revision)) : nullptr;
        if (!c) {
            if (error)
                *error = u"unknown repo or revision: "_s + repo + u'@' + revision;
            return false;
        }
        files = c->files.values();
    }
    for (const RepoFile &f : std::as_const(files)) {
        const QString path = QDir(dir).filePath(f.path);
        QFile out(path);
        if (!QDir().mkpath(QFileInfo(path).path()) || !out.open(QIODevice::WriteOnly)) {
            if (error)
                *error = u"cannot write "_s + path + u": "_s + out.errorString();
            return false;
        }
        constexpr qint64 kChunk = 4 << 20;
        for (qint64 pos = 0; pos < f.size(); pos += kChunk) {
            const QByteArray chunk = f.blob->read(pos, std::min(kChunk, f.size() - pos));
            if (out.write(chunk) != chunk.size()) {
                if (error)
                    *error = u"cannot write "_s + path + u": "_s + out.errorString();
                return false;
            }
        }
    }
    return true;
}

bool FakeHub::moveBranch(const QString &repo, const QString &branch, const QString &toRef)
{
    QMutexLocker lock(&m_state->mutex);
    Repo *r = m_state->repo(repo);
    const QByteArray target = r ? r->resolveRevision(toRef) : QByteArray();
    if (target.isEmpty())
        return false;
    r->branches.insert(branch, target);
    return true;
}

int FakeHub::addFault(const Fault &fault)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->faults.append(fault);
    return int(m_state->faults.size() - 1);
}

void FakeHub::clearFaults()
{
    QMutexLocker lock(&m_state->mutex);
    m_state->faults.clear();
}

QList<Fault> FakeHub::faults() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->faults;
}

void FakeHub::setCdnDown(bool down)
{
    if (m_thread)
        m_thread->setListening(Listener::Cdn, !down);
}

void FakeHub::setHubDown(bool down)
{
    if (m_thread)
        m_thread->setListening(Listener::Hub, !down);
}

void FakeHub::setCdnBandwidthPerConnection(qint64 bytesPerSecond)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->cdnBytesPerSecond = bytesPerSecond;
}

void FakeHub::setSignedUrlTtl(int seconds)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->urlTtlSeconds = seconds;
}

void FakeHub::expireSignedUrls()
{
    QMutexLocker lock(&m_state->mutex);
    ++m_state->urlGeneration;
}

void FakeHub::setStrictCdnAuth(bool strict)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->strictCdnAuth = strict;
}

void FakeHub::setRegularFileRedirect(bool on)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->regularFileRedirect = on;
}

void FakeHub::setGzipText(bool on)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->gzipText = on;
}

void FakeHub::setXetMode(bool on)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->xetMode = on;
}

void FakeHub::setTreePageSize(int size)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->treePageSize = std::max(1, size);
}

void FakeHub::setSearchPageSize(int size)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->searchPageSize = std::max(1, size);
}

bool FakeHub::applyControl(const QJsonObject &control, QString *error)
{
    QList<Fault> parsed;
    for (const QString &key : {u"faults"_s, u"add_faults"_s}) {
        const QJsonArray list = control.value(key).toArray();
        for (const auto &v : list) {
            const auto f = Fault::fromJson(v.toObject(), error);
            if (!f)
                return false;
            parsed.append(*f);
        }
    }
    if (control.contains(u"move_branch"_s)) {
        const QJsonObject m = control.value(u"move_branch"_s).toObject();
        if (!moveBranch(m.value(u"repo"_s).toString(), m.value(u"branch"_s).toString(u"main"_s), m.value(u"to_ref"_s).toString())) {
            if (error)
                *error = u"move_branch: unknown repo or ref"_s;
            return false;
        }
    }
    {
        QMutexLocker lock(&m_state->mutex);
        if (control.contains(u"faults"_s) || control.value(u"clear_faults"_s).toBool())
            m_state->faults.clear();
        m_state->faults.append(parsed);
        if (control.value(u"clear_log"_s).toBool())
            m_state->log.clear();
        if (control.contains(u"cdn_bytes_per_second"_s))
            m_state->cdnBytesPerSecond = qint64(control.value(u"cdn_bytes_per_second"_s).toDouble());
        if (control.contains(u"signed_url_ttl"_s))
            m_state->urlTtlSeconds = control.value(u"signed_url_ttl"_s).toInt();
        if (control.value(u"expire_signed_urls"_s).toBool())
            ++m_state->urlGeneration;
        if (control.contains(u"strict_cdn_auth"_s))
            m_state->strictCdnAuth = control.value(u"strict_cdn_auth"_s).toBool();
        if (control.contains(u"regular_file_redirect"_s))
            m_state->regularFileRedirect = control.value(u"regular_file_redirect"_s).toBool();
        if (control.contains(u"gzip_text"_s))
            m_state->gzipText = control.value(u"gzip_text"_s).toBool();
        if (control.contains(u"xet_mode"_s))
            m_state->xetMode = control.value(u"xet_mode"_s).toBool();
        if (control.contains(u"tree_page_size"_s))
            m_state->treePageSize = std::max(1, control.value(u"tree_page_size"_s).toInt());
    }
    if (control.contains(u"cdn_down"_s))
        setCdnDown(control.value(u"cdn_down"_s).toBool());
    return true;
}

QList<LogEntry> FakeHub::log() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->log;
}

void FakeHub::clearLog()
{
    QMutexLocker lock(&m_state->mutex);
    m_state->log.clear();
}

qint64 FakeHub::sumLog(const std::function<qint64(const LogEntry &)> &value) const
{
    QMutexLocker lock(&m_state->mutex);
    qint64 n = 0;
    for (const LogEntry &e : std::as_const(m_state->log))
        n += value(e);
    return n;
}

qint64 FakeHub::requestCount(Listener listener, const QString &pathContains, const QByteArray &method) const
{
    return sumLog([&](const LogEntry &e) {
        return qint64((listener == Listener::Any || e.listener == listener) && e.path.contains(pathContains)
                      && (method.isEmpty() || e.method == method));
    });
}

qint64 FakeHub::bytesServed(Listener listener, const QString &pathContains) const
{
    return sumLog([&](const LogEntry &e) {
        return (listener == Listener::Any || e.listener == listener) && e.path.contains(pathContains) ? e.bodyBytes : 0;
    });
}

qint64 FakeHub::cdnRequestsWithAuthorization() const
{
    return requestsWithAuthorization(Listener::Cdn);
}

qint64 FakeHub::requestsWithAuthorization(Listener listener) const
{
    return sumLog([listener](const LogEntry &e) {
        return qint64((listener == Listener::Any || e.listener == listener) && e.authorization);
    });
}

void FakeHub::addHostileRepos(const HostileOptions &options)
{
    FixtureSet hostile = buildHostileFixtures(options);
    QMutexLocker lock(&m_state->mutex);
    for (auto it = hostile.repos.cbegin(); it != hostile.repos.cend(); ++it)
        m_state->fixtures.repos.insert(it.key(), it.value());
}

} // namespace mistudio::fakehub
