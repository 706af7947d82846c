#pragma once

#include "fault.h"
#include "fixtures/fixturerepos.h"
#include "fixtures/hostilerepos.h"
#include "requestlog.h"

#include <QString>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

namespace mistudio::fakehub {

struct HubState;
class ServerThread;

// What tests need to know about one file of a fixture revision.
struct FileInfo
{
    QString path;
    qint64 size = 0;
    QByteArray sha256;  // hex
    QByteArray gitOid;  // hex: ETag of regular files, pointer id of LFS files
    bool lfs = false;
    QByteArray commit;  // 40 hex
};

// The project's fake Hugging Face Hub (docs/fakehub.md): a hub listener on 127.0.0.1 and a CDN
// listener on "localhost" (another host name, so "drop Authorization on a cross-host redirect" runs),
// both on ephemeral ports unless given. The servers run on their own thread; every method here is
// thread-safe and may be called from any thread while clients talk to the servers.
class FakeHub final
{
public:
    struct Options
    {
        quint16 hubPort = 0;
        quint16 cdnPort = 0;
        FixtureOptions fixtures;
        bool standardFixtures = true;
    };

    FakeHub();
    explicit FakeHub(const Options &options);
    ~FakeHub();
    Q_DISABLE_COPY_MOVE(FakeHub)

    // Listens on both ports; false (and *error) if a port cannot be bound.
    bool start(QString *error = nullptr);
    void stop();
    bool isRunning() const;

    QUrl endpoint() const;    // HF_ENDPOINT value: http://127.0.0.1:<hubPort>
    QUrl cdnEndpoint() const; // http://localhost:<cdnPort>
    QUrl otherEndpoint() const; // http://127.0.0.2:<port>: "another host" serving the hub's routes
    quint16 hubPort() const;
    quint16 cdnPort() const;

    // ---- fixtures
    QStringList repoIds() const;
    void addRepo(const Repo &repo);
    void addToken(const QString &token, const QString &user);
    // The hostile repos (fixtures/hostilerepos.h), for security tests.
    void addHostileRepos(const HostileOptions &options = {});
    // Serves every DIR/<org>/<name>/ folder as a repo with one commit on `main`.
    int addReposFromDirectory(const QString &dir, QString *error = nullptr);
    QByteArray commitOf(const QString &repo, const QString &revision = QStringLiteral("main")) const;
    std::optional<FileInfo> fileInfo(const QString &repo, const QString &revision, const QString &path) const;
    QByteArray fileContent(const QString &repo, const QString &revision, const QString &path) const;
    QList<FileInfo> files(const QString &repo, const QString &revision = QStringLiteral("main")) const;
    // Writes the files of one revision under dir (dir/<path>), e.g. to give a test a "downloaded" model
    // without network. Streams big blobs. False and *error on an unknown repo/revision or an I/O error.
    bool writeSnapshot(const QString &repo, const QString &revision, const QString &dir, QString *error = nullptr) const;
    // Moves a branch to the commit of another ref (branch, tag or sha).
    bool moveBranch(const QString &repo, const QString &branch, const QString &toRef);

    // ---- behaviour
    int addFault(const Fault &fault); // returns its index
    void clearFaults();
    QList<Fault> faults() const;      // with seen/fired counters
    void setCdnDown(bool down);       // closes / reopens the CDN listener (connection refused)
    void setHubDown(bool down);
    void setCdnBandwidthPerConnection(qint64 bytesPerSecond); // 0: unlimited
    void setSignedUrlTtl(int seconds);
    void expireSignedUrls();          // every URL issued so far now gets 403
    void setStrictCdnAuth(bool strict); // CDN: 400 when a request carries Authorization
    void setRegularFileRedirect(bool on); // regular files: 307 to /api/resolve-cache (current Hub)
    void setGzipText(bool on);     // mode G: .json/.txt/.md as gzip + chunked, no Content-Length, when accepted
    void setXetMode(bool on);      // LFS files also advertise Xet: X-Xet-Hash, Link rels, tree xetHash, xet-read-token
    void setTreePageSize(int size);
    void setSearchPageSize(int size);
    // Applies a control document (the body of POST /__control); false and *error on a bad one.
    bool applyControl(const QJsonObject &control, QString *error = nullptr);

    // ---- request log
    QList<LogEntry> log() const;
    void clearLog();
    qint64 requestCount(Listener listener = Listener::Any, const QString &pathContains = {}, const QByteArray &method = {}) const;
    qint64 bytesServed(Listener listener = Listener::Any, const QString &pathContains = {}) const;
    // Number of CDN requests that carried an Authorization header (must stay 0 for a correct client).
    qint64 cdnRequestsWithAuthorization() const;
    // The same for any listener (Listener::Other: the other host a redirect may point at).
    qint64 requestsWithAuthorization(Listener listener) const;

private:
    qint64 sumLog(const std::function<qint64(const LogEntry &)> &value) const;

    Options m_options;
    std::unique_ptr<HubState> m_state;
    std::unique_ptr<ServerThread> m_thread;
};

} // namespace mistudio::fakehub
