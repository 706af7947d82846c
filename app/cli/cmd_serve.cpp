// `mistudio serve` (the headless API server) and `mistudio models download` (a download through
// the service from the command line). Both run the same ModelService the GUI and the API use;
// neither loads a GUI library. docs/api.md and docs/cli.md describe them.
#include "cli/command.h"
#include "cli/exitcodes.h"
#include "cli/secretoption.h"
#include "cli/servicecommands.h"

#include "common/settingskeys.h"
#include "common/units.h"
#include "server/apiserver.h"
#include "server/apitoken.h"
#include "server/http/filelimit.h"
#include "server/compat/internalemitsink.h"
#include "service/modelservice.h"
#include "stack/servicestack.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostInfo>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QSettings>
#include <QSocketNotifier>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::cli {
namespace {

int g_signalFd[2] = {-1, -1};

void handleSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalFd[1], &c, 1);
}

} // namespace

// SIGINT/SIGTERM end the event loop (and with it the jobs, which resume on the next start).
void quitOnSignals(std::function<void()> onSignal)
{
    if (g_signalFd[0] < 0 && ::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFd) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalFd[0], QSocketNotifier::Read, QCoreApplication::instance());
    QObject::connect(notifier, &QSocketNotifier::activated, notifier, [onSignal = std::move(onSignal)] {
        char c;
        [[maybe_unused]] const ssize_t n = ::read(g_signalFd[0], &c, 1);
        onSignal();
    });
    struct sigaction sa = {};
    sa.sa_handler = handleSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

void addCatalogueOptions(QCommandLineParser &p)
{
    p.addOption({u"data-dir"_s, u"Data directory (env MISTUDIO_DATA_DIR)."_s, u"DIR"_s});
    p.addOption({u"database-url"_s, u"postgresql://... catalogue (env MISTUDIO_DATABASE_URL)."_s, u"URL"_s});
    p.addOption({{u"h"_s, u"help"_s}, u"Show this help."_s});
}

AppConfig configFrom(const QCommandLineParser &p, const AppConfig &base)
{
    AppConfig c = base;
    if (p.isSet(u"data-dir"_s) || p.isSet(u"database-url"_s)) {
        AppConfig::Overrides o;
        o.dataDir = p.value(u"data-dir"_s);
        o.databaseUrl = p.value(u"database-url"_s);
        const QSettings settings;
        c = AppConfig::resolve(o, QProcessEnvironment::systemEnvironment(), &settings);
        if (o.dataDir.isEmpty())
            c.dataDir = base.dataDir;
        if (o.databaseUrl.isEmpty())
            c.databaseUrl = base.databaseUrl;
    }
    return c;
}

int fail(Context &ctx, const Error &e)
{
    ctx.err << "mistudio: " << e.toString() << '\n';
    ctx.err.flush();
    return exitCodeFor(e.code);
}

// The process's service, built by the one composition root from the settings read once.
Result<std::unique_ptr<ServiceStack>> buildService(const AppConfig &config, StackRole role,
                                                   bool noWorker)
{
    const QSettings settings;
    StackConfig c = StackConfig::read(config, role, &settings);
    if (noWorker)
        c.service.runsJobs = false;
    return ServiceStack::build(c);
}

namespace {

int runServe(Context &ctx)
{
    QCommandLineParser p;
    p.setApplicationDescription(u"Runs the model service and its HTTP/WebSocket API (docs/api.md)."_s);
    p.addOption({u"host"_s, u"Address to listen on (default 127.0.0.1). Any other address requires the API token."_s, u"H"_s});
    p.addOption({u"port"_s, u"Port (default 8765; 0 = any free port, printed)."_s, u"P"_s});
    p.addOption({u"allowed-origin"_s, u"Browser origin allowed for CORS/WebSocket (repeatable)."_s, u"ORIGIN"_s});
    p.addOption({u"require-token"_s, u"Require the API token even on 127.0.0.1."_s});
    // No plain --token: the API token never goes on the command line.
    const SecretOption apiToken(u"token"_s,
                                u"API token (32 characters or more, instead of DATA_DIR/server/api-token; implies --require-token)"_s,
                                false);
    p.addOption({u"no-worker"_s, u"Run no jobs here: a front end while `mistudio worker` processes (or "
                                 "other servers) sharing the catalogue run them (setting jobs/runJobs)."_s});
    apiToken.addTo(p);
    p.addOption({u"compat-prefix"_s, u"Where the original miStudio web frontend's API is served (default /compat: its VITE_API_URL is http://HOST:PORT/compat; empty: not served)."_s, u"PREFIX"_s});
    p.addOption({u"compat-at-root"_s, u"Serve the original frontend's /api/v1/models at the root (a drop-in for its backend); the native model routes move to /native/api/v1."_s});
    p.addOption({u"compat-emit-url"_s, u"Post model events to an original miStudio backend's internal emit endpoint, e.g. http://backend:8000/api/internal/ws/emit (token: setting compat/emitToken)."_s, u"URL"_s});
    p.addOption({u"mirror"_s, u"Also answer the Hub's read-only routes for the catalogue's ready models, so that other machines download them with HF_ENDPOINT=http://HOST:PORT (setting server/mirror; docs/huggingface.md)."_s});
    addCatalogueOptions(p);
    if (!p.parse(ctx.args))
        return fail(ctx, Error::make(ErrorCode::InvalidInput, p.errorText()));
    if (p.isSet(u"help"_s)) {
        ctx.out << p.helpText();
        return ExitOk;
    }
    const Result<QString> givenToken = apiToken.read(p);
    if (!givenToken)
        return fail(ctx, givenToken.error());
    if (!givenToken->isEmpty() && givenToken->size() < 32)
        return fail(ctx, Error::make(ErrorCode::InvalidInput, u"The API token must have at least 32 characters"_s));
    // Every connection is a file descriptor: take what the system allows (the connection caps
    // are sized below it).
    http::raiseOpenFileLimit();
    const AppConfig config = configFrom(p, ctx.config);
    const QSettings settings;
    ServerConfig sc;
    const QString host = p.isSet(u"host"_s) ? p.value(u"host"_s)
                                            : settings.value(QLatin1StringView(settingskeys::kServerHost), u"127.0.0.1"_s).toString();
    if (host == u"localhost"_s)
        sc.host = QHostAddress(QHostAddress::LocalHost);
    else if (!sc.host.setAddress(host))
        return fail(ctx, Error::make(ErrorCode::InvalidInput, u"--host must be an IP address: %1"_s.arg(host)));
    bool ok = true;
    const uint port = (p.isSet(u"port"_s) ? p.value(u"port"_s)
                                          : settings.value(QLatin1StringView(settingskeys::kServerPort), 8765).toString())
                          .toUInt(&ok);
    if (!ok || port > 65535)
        return fail(ctx, Error::make(ErrorCode::InvalidInput, u"--port must be 0..65535"_s));
    sc.port = quint16(port);
    sc.allowedOrigins = settings.value(QLatin1StringView(settingskeys::kServerAllowedOrigins)).toStringList()
                        + p.values(u"allowed-origin"_s);
    sc.requireToken = p.isSet(u"require-token"_s) || !givenToken->isEmpty();
    sc.compatPrefix = p.isSet(u"compat-prefix"_s)
        ? p.value(u"compat-prefix"_s)
        : settings.value(QLatin1StringView(settingskeys::kCompatPrefix), sc.compatPrefix).toString();
    if (!sc.compatPrefix.isEmpty() && (!sc.compatPrefix.startsWith(u'/') || sc.compatPrefix.endsWith(u'/')
                                       || sc.compatPrefix.startsWith(u"/api/"_s) || sc.compatPrefix == u"/ws"_s))
        return fail(ctx, Error::make(ErrorCode::InvalidInput,
                                     u"--compat-prefix must start with '/', not end with one, and not be under /api/ or /ws: %1"_s
                                         .arg(sc.compatPrefix)));
    sc.mirror = p.isSet(u"mirror"_s) || settings.value(QLatin1StringView(settingskeys::kServerMirror), false).toBool();
    sc.compatAtRoot = p.isSet(u"compat-at-root"_s)
        || settings.value(QLatin1StringView(settingskeys::kCompatAtRoot), false).toBool();
    // Mixed deployments: events to an original backend as well (docs/remote-frontends.md).
    std::shared_ptr<compat::InternalEmitSink> emitSink;
    const QString emitUrl = p.isSet(u"compat-emit-url"_s)
        ? p.value(u"compat-emit-url"_s)
        : settings.value(QLatin1StringView(settingskeys::kCompatEmitUrl)).toString();
    if (!emitUrl.isEmpty()) {
        const QUrl url(emitUrl, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != u"http"_s && url.scheme() != u"https"_s) || url.host().isEmpty())
            return fail(ctx, Error::make(ErrorCode::InvalidInput, u"compat emit URL must be http(s)://HOST...: %1"_s.arg(emitUrl)));
        compat::InternalEmitSink::Options eo;
        eo.url = url;
        eo.token = settings.value(QLatin1StringView(settingskeys::kCompatEmitToken)).toString();
        if (eo.token.isEmpty())
            return fail(ctx, Error::make(ErrorCode::InvalidInput,
                                         u"Posting events to %1 needs the original backend's INTERNAL_API_SECRET in the setting compat/emitToken"_s
                                             .arg(url.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery))));
        emitSink = std::make_shared<compat::InternalEmitSink>(eo);
    }
    QString tokenFile;
    if (!givenToken->isEmpty()) {
        sc.token = givenToken.value();
    } else if (sc.tokenRequired()) {
        tokenFile = apiTokenPath(config.dataDir);
        const Result<QString> token = loadOrCreateApiToken(tokenFile);
        if (!token)
            return fail(ctx, token.error());
        sc.token = token.value();
    }

    Result<std::unique_ptr<ServiceStack>> stack = buildService(config, StackRole::Serve, p.isSet(u"no-worker"_s));
    if (!stack)
        return fail(ctx, stack.error());
    ModelService *service = stack.value()->service();
    if (emitSink)
        stack.value()->bus()->addSink(emitSink);
    if (Status s = service->start(); !s)
        return fail(ctx, s.error());
    ApiServer server(service, sc);
    const Result<quint16> listening = server.start();
    if (!listening)
        return fail(ctx, listening.error());
    ctx.out << "mistudio: serving http://" << (sc.host.protocol() == QAbstractSocket::IPv6Protocol
                                                   ? u"["_s + sc.host.toString() + u"]"_s
                                                   : sc.host.toString())
            << ':' << listening.value() << "/api/v1 (data " << config.dataDir << ")\n";
    if (!sc.compatPrefix.isEmpty() || sc.compatAtRoot)
        ctx.out << "mistudio: the original miStudio frontend's API at "
                << (sc.compatAtRoot ? u"/api/v1/models (native model routes under /native/api/v1)"_s
                                    : QString(sc.compatPrefix + u"/api/v1"_s))
                << ", Socket.IO at /ws/socket.io\n";
    if (sc.mirror)
        ctx.out << "mistudio: Hub mirror for the catalogue's ready models: HF_ENDPOINT=http://HOST:"
                << listening.value() << '\n';
    if (!tokenFile.isEmpty())
        ctx.out << "mistudio: API token required (Authorization: Bearer); it is in " << tokenFile << '\n';
    else if (!givenToken->isEmpty())
        ctx.out << "mistudio: API token required (Authorization: Bearer); the one given by --token-"
                << (p.isSet(u"token-file"_s) ? "file" : "stdin") << '\n';
    ctx.out.flush();
    quitOnSignals([] { QCoreApplication::quit(); });
    const int rc = QCoreApplication::exec();
    service->shutdown(); // Hub calls in flight end first; running jobs are released
    if (emitSink)
        stack.value()->bus()->removeSink(emitSink);
    return rc == 0 ? ExitOk : ExitFailure;
}

QString progressBar(const QJsonObject &d)
{
    const double pct = d.value(u"progress"_s).toDouble();
    const int filled = int(pct / 100.0 * 30.0);
    QString bar = QString(filled, u'#') + QString(30 - filled, u' ');
    QString eta = d.value(u"eta_seconds"_s).isNull() ? u"?"_s
                                                     : u"%1s"_s.arg(d.value(u"eta_seconds"_s).toInteger());
    return u"\r[%1] %2%  %3 / %4  %5 MB/s  ETA %6   "_s.arg(bar)
        .arg(pct, 5, 'f', 1)
        .arg(formatBytes(d.value(u"downloaded_bytes"_s).toInteger()))
        .arg(formatBytes(d.value(u"total_bytes"_s).toInteger()))
        .arg(d.value(u"speed_mbps"_s).toDouble(), 0, 'f', 1)
        .arg(eta);
}

int runDownload(Context &ctx)
{
    QCommandLineParser p;
    p.setApplicationDescription(u"Registers REPO (or takes its existing record) and downloads it through the service; a re-run resumes. Exit 0 only when the model is ready."_s);
    p.addPositionalArgument(u"REPO"_s, u"Hub repo id, e.g. openai-community/gpt2"_s);
    p.addOption({u"revision"_s, u"Branch, tag or commit (default main)."_s, u"R"_s});
    p.addOption({u"include"_s, u"Only files matching GLOB (repeatable)."_s, u"GLOB"_s});
    p.addOption({u"exclude"_s, u"Skip files matching GLOB (repeatable)."_s, u"GLOB"_s});
    p.addOption({u"connections"_s, u"Connections per file."_s, u"N"_s});
    p.addOption({u"max-bandwidth"_s, u"This download's own bandwidth cap, e.g. 50M (bytes/s)."_s, u"RATE"_s});
    p.addOption({u"quantization"_s, u"none, bnb-4bit or bnb-8bit (default none)."_s, u"Q"_s, u"none"_s});
    p.addOption({u"quant-type"_s, u"nf4 (default) or fp4, for bnb-4bit."_s, u"TYPE"_s, u"nf4"_s});
    p.addOption({u"no-double-quant"_s, u"bnb-4bit: do not quantize the absmax statistics again."_s});
    p.addOption({u"json-progress"_s, u"Print every event as one JSON line (the WebSocket messages)."_s});
    addCatalogueOptions(p);
    p.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    if (!p.parse(ctx.args))
        return fail(ctx, Error::make(ErrorCode::InvalidInput, p.errorText()));
    if (p.isSet(u"help"_s)) {
        ctx.out << p.helpText();
        return ExitOk;
    }
    if (p.positionalArguments().size() != 1)
        return fail(ctx, Error::make(ErrorCode::InvalidInput, u"Usage: mistudio models download REPO [options]"_s));
    const QString repo = p.positionalArguments().first();
    DownloadRequest req;
    req.quantization = p.value(u"quantization"_s);
    req.quantType = p.value(u"quant-type"_s);
    req.doubleQuant = !p.isSet(u"no-double-quant"_s);
    // Checked before a record is created; the service refuses the same (bnb-4bit only).
    if (req.quantType != u"nf4"_s && req.quantType != u"fp4"_s)
        return fail(ctx, Error::make(ErrorCode::InvalidInput, u"--quant-type must be nf4 or fp4"_s));
    if (req.quantization != u"bnb-4bit"_s && (req.quantType != u"nf4"_s || !req.doubleQuant))
        return fail(ctx, Error::make(ErrorCode::InvalidInput,
                                     u"--quant-type and --no-double-quant apply to --quantization bnb-4bit only"_s));
    req.revision = p.value(u"revision"_s);
    req.include = p.values(u"include"_s);
    req.exclude = p.values(u"exclude"_s);
    if (p.isSet(u"connections"_s)) {
        bool ok = false;
        req.connections = p.value(u"connections"_s).toInt(&ok);
        if (!ok || req.connections < 1 || req.connections > 64)
            return fail(ctx, Error::make(ErrorCode::InvalidInput, u"--connections must be 1..64"_s));
    }
    if (p.isSet(u"max-bandwidth"_s)) {
        const std::optional<qint64> bw = parseByteSize(p.value(u"max-bandwidth"_s));
        if (!bw || *bw <= 0)
            return fail(ctx, Error::make(ErrorCode::InvalidInput, u"--max-bandwidth: a rate like 50M"_s));
        req.maxBytesPerSecond = *bw;
    }
    const bool json = p.isSet(u"json-progress"_s);
    const AppConfig config = configFrom(p, ctx.config);
    // A CLI run is its own process (owner): it never takes over what a running `mistudio serve`
    // on the same catalogue is doing, and runs only this model's job.
    Result<std::unique_ptr<ServiceStack>> stack = buildService(config, StackRole::Cli);
    if (!stack)
        return fail(ctx, stack.error());
    ModelService *service = stack.value()->service();

    // The id is known before the download starts for an existing record; for a new one once
    // the service made it: events of the service's threads reach the handler below through the
    // event loop, by which time `id` is set.
    QUuid id;
    const Result<ModelRecord> existing = service->resolve(repo);
    if (existing)
        id = existing->id;
    else if (existing.error().code != ErrorCode::NotFound)
        return fail(ctx, existing.error());
    int rc = -1;
    Error lastError;
    auto finishWith = [&](int code) {
        if (rc < 0) {
            rc = code;
            QCoreApplication::exit(0);
        }
    };
    stack.value()->bus()->subscribe(QCoreApplication::instance(), [&](const ModelEvent &e) {
        // The model's channel, as a WebSocket client subscribed to model/<id> sees it.
        if (id.isNull() || e.modelId() != id || e.type() == ModelEvent::Type::JobChanged)
            return;
        if (json) {
            ctx.out << QJsonDocument(e.toMessage()).toJson(QJsonDocument::Compact) << '\n';
            ctx.out.flush();
        } else if (e.type() == ModelEvent::Type::DownloadProgress) {
            ctx.err << progressBar(e.payload());
            ctx.err.flush();
        } else if (e.type() == ModelEvent::Type::DownloadCompleted) {
            ctx.err << "\nmistudio: downloaded " << formatBytes(e.payload().value(u"size_bytes"_s).toInteger())
                    << " into " << e.payload().value(u"file_path"_s).toString() << '\n';
        }
        if (e.type() == ModelEvent::Type::DownloadFailed || e.type() == ModelEvent::Type::QuantizeFailed) {
            ErrorCode code = ErrorCode::Internal;
            errorCodeFromName(e.payload().value(u"error_code"_s).toString(), &code);
            lastError = Error::make(code, e.payload().value(u"error"_s).toString());
        }
        if (e.type() == ModelEvent::Type::StatusChanged) {
            const QString s = e.payload().value(u"status"_s).toString();
            if (s == u"ready"_s)
                finishWith(ExitOk);
            else if (s == u"failed"_s)
                finishWith(exitCodeFor(lastError.code));
            else if (e.payload().value(u"job_state"_s).toString() == u"needs_token"_s)
                finishWith(ExitAuth);
        }
    });
    // An existing record: first take up its interrupted job, if a dead process of this host
    // left one (a re-run after kill -9 resumes it), then the one policy of every face.
    if (!id.isNull()) {
        if (Status s = service->start(id); !s)
            return fail(ctx, s.error());
    }
    QFuture<Result<RepoDownload>> asked = service->downloadRepo(repo, req);
    asked.waitForFinished();
    const Result<RepoDownload> outcome = asked.result();
    if (!outcome)
        return fail(ctx, outcome.error());
    if (id.isNull()) {
        id = outcome->model.id;
        if (Status s = service->start(id); !s)
            return fail(ctx, s.error());
    }
    if (outcome->outcome == RepoDownload::Outcome::AlreadyReady) {
        ctx.err << "mistudio: " << repo << " is already downloaded (" << outcome->model.filePath << ")\n";
        return ExitOk;
    }
    if (outcome->outcome == RepoDownload::Outcome::AlreadyRunning) {
        if (const std::optional<JobView> job = service->activeJob(id); job && !job->ownerHost.isEmpty())
            ctx.err << "mistudio: " << repo << " is being downloaded by another process on "
                    << job->ownerHost << "; waiting for it\n";
    }
    // Another process may run the job: its end shows in the catalogue, not as events here.
    QTimer settle;
    QObject::connect(&settle, &QTimer::timeout, &settle, [&] {
        const Result<ModelRecord> now = service->get(id);
        if (!now)
            finishWith(exitCodeFor(now.error().code));
        else if (now->status == ModelStatus::Ready)
            finishWith(ExitOk);
        else if (now->status == ModelStatus::Failed && !service->activeJob(id))
            finishWith(lastError.message.isEmpty() ? ExitFailure : exitCodeFor(lastError.code));
    });
    settle.start(1000);
    quitOnSignals([&] {
        // Ctrl-C pauses the download (a re-run resumes it); it is not handed to another
        // process sharing the catalogue.
        (void)service->pause(id);
        finishWith(ExitCancelled);
    });
    QCoreApplication::exec();
    service->shutdown();
    if (!json && rc != ExitOk)
        ctx.err << '\n';
    if (rc != ExitOk && rc != ExitCancelled && !json)
        ctx.err << "mistudio: " << (lastError.message.isEmpty() ? u"download did not complete"_s : lastError.toString()) << '\n';
    return rc < 0 ? ExitFailure : rc;
}

} // namespace

int quantizeCatalogueModel(Context &ctx, const QString &idOrRepo, const QuantizeRequest &request,
                           bool jsonProgress)
{
    const QString &mode = request.mode;
    Result<std::unique_ptr<ServiceStack>> stack = buildService(ctx.config, StackRole::Cli);
    if (!stack)
        return fail(ctx, stack.error());
    ModelService *service = stack.value()->service();
    const Result<ModelRecord> rec = service->resolve(idOrRepo);
    if (!rec)
        return fail(ctx, rec.error());
    const QUuid id = rec->id;
    int rc = -1;
    Error lastError;
    stack.value()->bus()->subscribe(QCoreApplication::instance(), [&](const ModelEvent &e) {
        // The model's channel, as a WebSocket client subscribed to model/<id> sees it.
        if (e.modelId() != id || e.type() == ModelEvent::Type::JobChanged)
            return;
        if (jsonProgress) {
            ctx.out << QJsonDocument(e.toMessage()).toJson(QJsonDocument::Compact) << '\n';
            ctx.out.flush();
        } else if (e.type() == ModelEvent::Type::QuantizeProgress) {
            ctx.err << u"\rquantizing %1 on %2: %3%   "_s.arg(mode, e.payload().value(u"device"_s).toString())
                           .arg(e.payload().value(u"progress"_s).toDouble(), 0, 'f', 1);
            ctx.err.flush();
        } else if (e.type() == ModelEvent::Type::QuantizeCompleted) {
            ctx.err << "\nmistudio: wrote " << e.payload().value(u"file_path"_s).toString() << '\n';
        }
        if (e.type() == ModelEvent::Type::QuantizeFailed) {
            ErrorCode code = ErrorCode::QuantizationFailed;
            errorCodeFromName(e.payload().value(u"error_code"_s).toString(), &code);
            lastError = Error::make(code, e.payload().value(u"error"_s).toString());
        }
        if (e.type() == ModelEvent::Type::StatusChanged && e.payload().value(u"status"_s).toString() != u"quantizing"_s) {
            rc = lastError.message.isEmpty() ? ExitOk : exitCodeFor(lastError.code);
            QCoreApplication::exit(0);
        }
    });
    if (Status s = service->start(id); !s)
        return fail(ctx, s.error());
    const Result<ModelRecord> started = service->quantize(id, request);
    if (!started)
        return fail(ctx, started.error());
    quitOnSignals([&] {
        rc = ExitCancelled;
        QCoreApplication::exit(0);
    });
    QCoreApplication::exec();
    if (rc == ExitCancelled)
        (void)service->cancel(id);
    service->shutdown();
    if (rc != ExitOk && rc != ExitCancelled && !jsonProgress)
        ctx.err << "mistudio: " << lastError.toString() << '\n';
    return rc < 0 ? ExitFailure : rc;
}

void registerServeCommands(Registry &registry)
{
    registry.add({{u"serve"_s}, u"Run the HTTP/WebSocket API server (headless)"_s, runServe});
    registry.add({{u"models"_s, u"download"_s}, u"Download a model through the service (resumable)"_s, runDownload});
}

} // namespace mistudio::cli
