#include "engines/hubdownloadsource.h"

#include "hub/cancelsource.h"
#include "hub/fileselection.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

bool matchesAny(const QString &path, const QStringList &globs)
{
    for (const QString &g : globs) {
        const QRegularExpression re(QRegularExpression::wildcardToRegularExpression(
            g, QRegularExpression::UnanchoredWildcardConversion));
        const QRegularExpression anchored(u"^(?:"_s + re.pattern() + u")$"_s);
        if (anchored.match(path).hasMatch() || anchored.match(path.section(u'/', -1)).hasMatch())
            return true;
    }
    return false;
}

hub::HubOptions withCancel(hub::HubOptions options, const std::shared_ptr<hub::CancelSource> &cancel)
{
    // The download's Hub calls end with its job (the session's abort on a stop), rather than with
    // the service-wide source, so that a stopped download is seen as stopped and never as failed.
    options.cancel = cancel;
    return options;
}

} // namespace

HubDownloadSource::HubDownloadSource(hub::HubOptions options, DownloadSpec spec)
    : m_cancel(std::make_shared<hub::CancelSource>())
    , m_client(withCancel(std::move(options), m_cancel))
    , m_resolver(&m_client) // the client's HEAD rules, retries, proxy and token
    , m_spec(std::move(spec))
{
}

HubDownloadSource::~HubDownloadSource() = default;

void HubDownloadSource::abort()
{
    m_cancel->cancel();
}

void HubDownloadSource::resolve(Resolved done)
{
    m_done = std::move(done);
    qCDebug(lcDownloadTiming, "%s: resolving", qPrintable(m_spec.repoId));
    // One commit for every file: the one resolved by an earlier attempt, else the branch's now.
    const QString revision = m_spec.pinnedCommit.isEmpty() ? m_spec.revision : m_spec.pinnedCommit;
    m_client.modelInfo(m_spec.repoId, revision.isEmpty() ? u"main"_s : revision,
                       [this](Result<hub::ModelInfo> info) { handleInfo(std::move(info)); });
}

void HubDownloadSource::handleInfo(Result<hub::ModelInfo> info)
{
    if (!info) {
        m_done(info.error());
        return;
    }
    m_info = std::move(*info);
    // The tree of the pinned commit and the access check (before any byte: a gated repo fails
    // with its own code) do not depend on each other: one round trip for both.
    m_client.listTree(m_spec.repoId, m_info.sha, [this](Result<QList<hub::RepoFile>> tree) {
        m_tree = std::move(tree);
        handleTreeAndAccess();
    });
    m_client.authCheck(m_spec.repoId, [this](Result<bool> access) {
        m_access = std::move(access);
        handleTreeAndAccess();
    });
}

void HubDownloadSource::handleTreeAndAccess()
{
    if (!m_tree || !m_access)
        return;
    if (!*m_tree) { // the tree's failure first, as when they were asked one after the other
        m_done(m_tree->error());
        return;
    }
    if (!*m_access) {
        m_done(m_access->error());
        return;
    }
    qCDebug(lcDownloadTiming, "%s: resolved commit, tree and access", qPrintable(m_spec.repoId));
    const QList<hub::RepoFile> &tree = m_tree->value();
    const hub::FileSelection sel = hub::selectFiles(tree, hub::requiresTrustRemoteCode(m_info.config, tree));
    PinnedDownload pd;
    pd.repoId = m_spec.repoId;
    pd.commit = m_info.sha;
    pd.endpoint = m_client.options().endpoint;
    pd.token = m_client.options().token.token;
    pd.targetDir = m_spec.targetDir;
    for (const hub::RepoFile &f : sel.files) {
        if (!m_spec.include.isEmpty() && !matchesAny(f.path, m_spec.include))
            continue;
        if (matchesAny(f.path, m_spec.exclude))
            continue;
        pd.files.append(RemoteFile{f.path, f.size, f.lfsSha256.toLower(), f.oid});
    }
    if (pd.files.isEmpty()) {
        m_done(Error::make(ErrorCode::EntryNotFound, u"No file of %1 matches the selection"_s.arg(m_spec.repoId)));
        return;
    }
    m_done(std::move(pd));
}

} // namespace mistudio
