// `mistudio models preview`, `mistudio models arch`, `mistudio hub search`: the Hub-facing
// commands. Each runs one HubClient call chain on a local event loop (the CLI's main thread
// has nothing else to do) and prints text or, with --json, one JSON document.
#include "cli/command.h"
#include "cli/exitcodes.h"
#include "cli/output.h"
#include "cli/secretoption.h"

#include "hub/hubclient.h"
#include "common/units.h"
#include "hub/previewbuilder.h"
#include "stack/servicestack.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSettings>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::cli {
namespace {

const SecretOption kHubToken(u"token"_s, u"Hub token (default: HF_TOKEN, token files, stored token)"_s);

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
    if (json)
        printJsonError(ctx.out, e);
    else
        ctx.err << "mistudio: " << e.toString() << '\n';
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
    kHubToken.addTo(p);
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
    const Result<QString> token = kHubToken.read(p);
    if (!token)
        return reportError(ctx, token.error(), json);
    hub::HubClient client(hubOptions(token.value()));
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

// The architecture JSON as printed by `models arch` (Hub or catalogue).
void printArchitectureText(QTextStream &out, const QString &title, const QJsonObject &a)
{
    out << title << " (" << a.value(u"model_type"_s).toString() << ", " << a.value(u"detection"_s).toString()
        << ")\nhidden " << a.value(u"hidden_size"_s).toInteger() << ", intermediate "
        << a.value(u"intermediate_size"_s).toInteger() << ", layers " << a.value(u"num_hidden_layers"_s).toInteger()
        << ", heads " << a.value(u"num_attention_heads"_s).toInteger() << "/"
        << a.value(u"num_key_value_heads"_s).toInteger() << " kv, vocab " << a.value(u"vocab_size"_s).toInteger()
        << ", dtype " << a.value(u"torch_dtype"_s).toString()
        << (a.value(u"parallel_residual"_s).toBool() ? ", parallel residual" : "")
        << "\n\nHook points (name | TransformerLens | module [input/output] | width):\n";
    const QJsonArray details = a.value(u"hook_point_details"_s).toArray();
    if (details.isEmpty()) {
        for (const QJsonValue &h : a.value(u"hook_points"_s).toArray())
            out << "  " << h.toString() << '\n';
    }
    for (const QJsonValue &v : details) {
        const QJsonObject h = v.toObject();
        out << "  " << h.value(u"name"_s).toString() << " | " << h.value(u"transformer_lens"_s).toString() << " | "
            << h.value(u"module"_s).toString() << " [" << h.value(u"io"_s).toString() << "] | "
            << h.value(u"width"_s).toInteger() << '\n';
    }
    for (const QJsonValue &w : a.value(u"warnings"_s).toArray())
        out << "warning: " << w.toString() << '\n';
}

int runArch(Context &ctx)
{
    QCommandLineParser p;
    p.setApplicationDescription(u"Architecture, layer tree and hook points of a catalogue model or a Hub repo."_s);
    p.addHelpOption();
    p.addPositionalArgument(u"REPO|ID"_s, u"catalogue id (or unique prefix) of a model, or a Hub repo id"_s);
    p.addOption({u"revision"_s, u"branch, tag or commit when reading the Hub (default main)"_s, u"R"_s, u"main"_s});
    kHubToken.addTo(p);
    p.addOption({u"json"_s, u"print JSON (architecture, and layer_tree when read from the Hub)"_s});
    if (!p.parse(ctx.args))
        return usage(ctx, p, p.errorText());
    if (p.isSet(u"help"_s)) {
        ctx.out << p.helpText();
        return ExitOk;
    }
    if (p.positionalArguments().size() != 1)
        return usage(ctx, p, u"expected one REPO or ID"_s);
    const bool json = p.isSet(u"json"_s);
    const QString target = p.positionalArguments().first();
    const Result<QString> token = kHubToken.read(p);
    if (!token)
        return reportError(ctx, token.error(), json);

    // A catalogue record with an extracted architecture answers without the network.
    QString repo = target;
    QString revision = p.value(u"revision"_s);
    const QSettings settings;
    if (const auto stack = ServiceStack::build(StackConfig::read(ctx.config, StackRole::Reader, &settings));
        stack.ok()) {
        const auto rec = (*stack)->service()->resolve(target);
        if (rec.ok() && !rec->architecture.isEmpty()) {
            if (json)
                ctx.out << QJsonDocument(QJsonObject{{u"model_id"_s, rec->id.toString(QUuid::WithoutBraces)},
                                                     {u"repo_id"_s, rec->repoId},
                                                     {u"commit_sha"_s, rec->commitSha},
                                                     {u"architecture"_s, rec->architecture}})
                               .toJson(QJsonDocument::Indented);
            else
                printArchitectureText(ctx.out, rec->repoId + u" ["_s + rec->shortId() + u']', rec->architecture);
            return ExitOk;
        }
        if (rec.ok()) { // known model, architecture not extracted yet: read it from the Hub
            repo = rec->repoId;
            revision = rec->commitSha.isEmpty() ? rec->revision : rec->commitSha;
        } else if (rec.error().code != ErrorCode::NotFound && rec.error().code != ErrorCode::InvalidInput) {
            return reportError(ctx, rec.error(), json);
        }
    }

    hub::HubClient client(hubOptions(token.value()));
    hub::PreviewRequest req{repo, revision, QString()};
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
    printArchitectureText(ctx.out, r->repoId, a.toJson());
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
    registry.add({{u"models"_s, u"preview"_s}, u"Show exactly what downloading a Hub repo would fetch"_s, runPreview});
    registry.add({{u"models"_s, u"arch"_s}, u"Architecture, layer tree and hook points of a repo or model"_s, runArch});
    registry.add({{u"hub"_s, u"search"_s}, u"Search Hub model ids"_s, runSearch});
}

} // namespace mistudio::cli
