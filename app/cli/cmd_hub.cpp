// `mistudio models preview`, `mistudio models arch`, `mistudio hub search`: the Hub-facing
// commands. Each runs one HubClient call chain on a local event loop (the CLI's main thread
// has nothing else to do) and prints text or, with --json, one JSON document.
#include "cli/command.h"
#include "cli/exitcodes.h"

#include "hub/hubclient.h"
#include "common/units.h"
#include "hub/previewbuilder.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSettings>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::cli {
namespace {

hub::HubOptions hubOptions(const QString &token)
{
    const QSettings settings;
    return hub::HubOptions::fromEnvironment(QProcessEnvironment::systemEnvironment(), &settings, token);
}

template<class T>
Result<T> wait(const std::function<void(hub::HubClient::Callback<T>)> &start)
{
    std::optional<Result<T>> result;
    QEventLoop loop;
    start([&](Result<T> r) {
        result.emplace(std::move(r));
        loop.quit();
    });
    if (!result)
        loop.exec();
    return std::move(*result);
}

int reportError(Context &ctx, const Error &e, bool json)
{
    if (json) {
        QJsonObject err{{u"code"_s, e.codeName()}, {u"message"_s, e.message},
                        {u"request_id"_s, e.requestId.isEmpty() ? QJsonValue() : QJsonValue(e.requestId)}};
        if (!e.details.isEmpty())
            err.insert(u"details"_s, e.details);
        ctx.out << QJsonDocument(QJsonObject{{u"error"_s, err}}).toJson(QJsonDocument::Compact) << '\n';
    } else {
        ctx.err << "mistudio: " << e.toString() << '\n';
    }
    return exitCodeFor(e.code);
}

int usage(Context &ctx, QCommandLineParser &p, const QString &why)
{
    ctx.err << "mistudio: " << why << "\n\n" << p.helpText();
    return ExitUsage;
}

QString bytes(qint64 n) { return n < 0 ? u"unknown"_s : formatBytes(n); }

void printPreview(QTextStream &out, const hub::ModelPreview &p)
{
    const QLocale c = QLocale::c();
    auto row = [&out](const char *label, const QString &value) {
        out << QString::fromLatin1(label).leftJustified(18) << value << '\n';
    };
    row("Repository", p.repoId + u" @ "_s + p.revision + u" ("_s + p.commitSha.left(12) + u')');
    row("Model type", p.modelType.isEmpty() ? u"unknown"_s : p.modelType);
    QString params = p.parameters;
    if (p.paramsEstimated)
        params += u" (estimated from file sizes)"_s;
    else {
        QStringList parts;
        for (auto it = p.parametersByDtype.cbegin(); it != p.parametersByDtype.cend(); ++it)
            parts << it.key() + u' ' + c.toString(it.value());
        params += u" ("_s + c.toString(p.parameterCount) + (parts.isEmpty() ? QString() : u"; "_s + parts.join(u", "_s))
                  + u')';
        if (p.paramsMatchHub)
            params += *p.paramsMatchHub ? u", matches the Hub"_s : u", DIFFERS from the Hub"_s;
    }
    row("Parameters", params);
    row("Hidden size", QString::number(p.hiddenSize));
    row("Layers", QString::number(p.numLayers));
    row("License", p.license.isEmpty() ? u"not stated"_s : p.license);
    QString access = p.isPrivate ? u"private"_s : p.gated.isEmpty() ? u"public"_s : u"gated ("_s + p.gated + u')';
    if (p.canDownload)
        access += *p.canDownload ? u"; this token may download"_s
                                 : u"; cannot download: "_s + (p.accessError ? p.accessError->message : QString());
    row("Access", access);
    row("Download", QString::number(p.files.files.size()) + u" files, "_s + bytes(p.totalDownloadBytes)
                        + (p.files.weightFormat.isEmpty() ? QString() : u" ("_s + p.files.weightFormat + u')'));
    row("Remote code", p.requiresTrustRemoteCode ? u"required (trust_remote_code)"_s : u"not needed"_s);
    for (const hub::SizeEstimate &s : p.sizes) {
        row(s.mode == hub::Quantization::None ? "Size (none)" : s.mode == hub::Quantization::Bnb4bit
                                                                    ? "Size (bnb-4bit)"
                                                                    : "Size (bnb-8bit)",
            bytes(s.outputBytes) + u" on disk, ~"_s + bytes(s.memoryBytes) + u" to load; needs "_s
                + bytes(p.diskNeeded(s.mode)) + (p.fits(s.mode) ? u", fits"_s : u", does NOT fit"_s)
                + (p.sizesEstimated ? u" (estimated)"_s : QString()));
    }
    row("Free disk", bytes(p.freeDiskBytes) + u" in "_s + p.dataDir);
    for (const QString &w : p.warnings)
        row("Warning", w);
}

int runPreview(Context &ctx)
{
    QCommandLineParser p;
    p.setApplicationDescription(u"Show what a download of REPO would fetch, without fetching weights."_s);
    p.addHelpOption();
    p.addPositionalArgument(u"REPO"_s, u"Hub repo id, e.g. google/gemma-2-2b"_s);
    p.addOption({u"revision"_s, u"branch, tag or commit (default main)"_s, u"R"_s, u"main"_s});
    p.addOption({u"token"_s, u"Hub token (default: HF_TOKEN, token files, stored token)"_s, u"T"_s});
    p.addOption({u"json"_s, u"print JSON"_s});
    if (!p.parse(ctx.args))
        return usage(ctx, p, p.errorText());
    if (p.isSet(u"help"_s)) {
        ctx.out << p.helpText();
        return ExitOk;
    }
    if (p.positionalArguments().size() != 1)
        return usage(ctx, p, u"expected one REPO"_s);
    const bool json = p.isSet(u"json"_s);
    hub::HubClient client(hubOptions(p.value(u"token"_s)));
    hub::PreviewRequest req{p.positionalArguments().first(), p.value(u"revision"_s), ctx.config.dataDir};
    const auto r = wait<hub::ModelPreview>([&](auto done) { hub::buildPreview(&client, req, done); });
    if (!r.ok())
        return reportError(ctx, r.error(), json);
    if (json)
        ctx.out << QJsonDocument(r->toJson()).toJson(QJsonDocument::Indented);
    else
        printPreview(ctx.out, *r);
    return ExitOk;
}

int runArch(Context &ctx)
{
    QCommandLineParser p;
    p.setApplicationDescription(u"Architecture, layer tree and hook points of a Hub repo."_s);
    p.addHelpOption();
    p.addPositionalArgument(u"REPO"_s, u"Hub repo id (catalogue ids are accepted once the catalogue lands)"_s);
    p.addOption({u"revision"_s, u"branch, tag or commit (default main)"_s, u"R"_s, u"main"_s});
    p.addOption({u"token"_s, u"Hub token"_s, u"T"_s});
    p.addOption({u"json"_s, u"print JSON (architecture + layer_tree)"_s});
    if (!p.parse(ctx.args))
        return usage(ctx, p, p.errorText());
    if (p.isSet(u"help"_s)) {
        ctx.out << p.helpText();
        return ExitOk;
    }
    if (p.positionalArguments().size() != 1)
        return usage(ctx, p, u"expected one REPO"_s);
    const bool json = p.isSet(u"json"_s);
    hub::HubClient client(hubOptions(p.value(u"token"_s)));
    hub::PreviewRequest req{p.positionalArguments().first(), p.value(u"revision"_s), QString()};
    const auto r = wait<hub::ModelPreview>([&](auto done) { hub::buildPreview(&client, req, done); });
    if (!r.ok())
        return reportError(ctx, r.error(), json);
    if (r->accessError)
        return reportError(ctx, *r->accessError, json); // gated/private: config and headers are unreadable
    if (!r->architecture)
        return reportError(ctx,
                           Error::make(ErrorCode::InvalidCheckpoint, u"no config.json or tensor headers to read"_s),
                           json);
    const arch::Architecture &a = *r->architecture;
    if (json) {
        ctx.out << QJsonDocument(QJsonObject{{u"repo_id"_s, r->repoId},
                                             {u"commit_sha"_s, r->commitSha},
                                             {u"architecture"_s, a.toJson()},
                                             {u"layer_tree"_s, a.layerTreeJson()}})
                       .toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    ctx.out << r->repoId << " (" << a.modelType << ", " << a.detection << ")\n"
            << "hidden " << a.hiddenSize << ", intermediate " << a.intermediateSize << ", layers "
            << a.numHiddenLayers << ", heads " << a.numAttentionHeads << "/" << a.numKeyValueHeads << " kv, vocab "
            << a.vocabSize << ", dtype " << a.torchDtype << (a.parallelResidual ? ", parallel residual" : "")
            << "\n\nHook points (name | TransformerLens | module [input/output] | width):\n";
    for (const arch::HookPoint &h : a.hookPoints)
        ctx.out << "  " << h.name << " | " << h.tlName << " | " << h.modulePath << " ["
                << (h.side == arch::HookSide::Input ? "input" : "output") << "] | " << h.width << '\n';
    for (const QString &w : a.warnings)
        ctx.out << "warning: " << w << '\n';
    return ExitOk;
}

int runSearch(Context &ctx)
{
    QCommandLineParser p;
    p.setApplicationDescription(u"Search Hub model ids (substring match)."_s);
    p.addHelpOption();
    p.addPositionalArgument(u"QUERY"_s, u"text to look for in repo ids"_s);
    p.addOption({u"limit"_s, u"at most N results (1-500, default 20)"_s, u"N"_s, u"20"_s});
    p.addOption({u"json"_s, u"print JSON"_s});
    if (!p.parse(ctx.args))
        return usage(ctx, p, p.errorText());
    if (p.isSet(u"help"_s)) {
        ctx.out << p.helpText();
        return ExitOk;
    }
    const bool json = p.isSet(u"json"_s);
    bool ok = false;
    const int limit = p.value(u"limit"_s).toInt(&ok);
    if (p.positionalArguments().size() != 1)
        return usage(ctx, p, u"expected one QUERY"_s);
    if (!ok || limit < 1 || limit > 500)
        return reportError(ctx, Error::make(ErrorCode::InvalidInput, u"--limit must be 1-500"_s), json);
    hub::HubClient client(hubOptions(QString()));
    const QString query = p.positionalArguments().first();
    const auto r = wait<QList<hub::SearchHit>>([&](auto done) { client.search(query, limit, done); });
    if (!r.ok())
        return reportError(ctx, r.error(), json);
    if (json) {
        QJsonArray a;
        for (const hub::SearchHit &h : *r)
            a.append(h.toJson());
        ctx.out << QJsonDocument(QJsonObject{{u"results"_s, a}}).toJson(QJsonDocument::Indented);
        return ExitOk;
    }
    for (const hub::SearchHit &h : *r)
        ctx.out << h.id.leftJustified(48) << ' ' << QString::number(h.downloads).rightJustified(10) << " downloads"
                << (h.gated.isEmpty() ? QString() : u"  gated"_s) << '\n';
    return ExitOk;
}

} // namespace

void registerHubCommands(Registry &registry)
{
    registry.add({{u"models"_s, u"preview"_s}, u"show what downloading a Hub repo would fetch"_s, runPreview});
    registry.add({{u"models"_s, u"arch"_s}, u"architecture, layer tree and hook points of a repo"_s, runArch});
    registry.add({{u"hub"_s, u"search"_s}, u"search Hub model ids"_s, runSearch});
}

} // namespace mistudio::cli
