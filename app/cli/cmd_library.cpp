// `mistudio models import-hf-cache|publish-hf-cache|verify|du|check-updates|update`: the
// library's use cases (core/service/modellibrary.h) from the command line, docs/huggingface.md.
// Each command only translates options into one ModelLibrary call and renders its result.
#include "cli/command.h"
#include "cli/exitcodes.h"
#include "cli/output.h"
#include "cli/servicecommands.h"

#include "common/units.h"
#include "service/modellibrary.h"
#include "service/modelservice.h"
#include "stack/servicestack.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcessEnvironment>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::cli {
namespace {

// The parsing, catalogue overrides, --json and error rendering the library commands share.
class LibraryCommand
{
public:
    LibraryCommand(Context &ctx, const QString &description, const QString &args)
        : m_ctx(ctx)
    {
        m_parser.setApplicationDescription(description);
        if (!args.isEmpty())
            m_parser.addPositionalArgument(args, {});
        m_parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
        m_parser.addOption({u"json"_s, u"Print JSON instead of text."_s});
        m_parser.addOption({u"data-dir"_s, u"Data directory (env MISTUDIO_DATA_DIR)."_s, u"DIR"_s});
        m_parser.addOption({u"database-url"_s, u"postgresql://... catalogue (env MISTUDIO_DATABASE_URL)."_s, u"URL"_s});
        m_parser.addOption({{u"h"_s, u"help"_s}, u"Show this help."_s});
    }
    QCommandLineParser &parser() { return m_parser; }
    const QStringList positional() const { return m_parser.positionalArguments(); }
    bool json() const { return m_json; }
    QTextStream &out() { return m_ctx.out; }
    QTextStream &err() { return m_ctx.err; }

    // False when the command ends now with *rc (help, or a usage error).
    bool parse(int minArgs, int maxArgs, int *rc)
    {
        const bool parsed = m_parser.parse(m_ctx.args);
        m_json = parsed ? m_parser.isSet(u"json"_s) : m_ctx.args.contains(u"--json"_s);
        if (parsed && m_parser.isSet(u"help"_s)) {
            m_ctx.out << m_parser.helpText();
            *rc = ExitOk;
            return false;
        }
        const qsizetype n = m_parser.positionalArguments().size();
        if (!parsed || n < minArgs || n > maxArgs) {
            *rc = fail(Error::make(ErrorCode::InvalidInput,
                                   !parsed ? m_parser.errorText()
                                           : u"Wrong number of arguments; see --help"_s));
            return false;
        }
        m_ctx.config = configFrom(m_parser, m_ctx.config);
        return true;
    }

    // A reader runs no jobs; `update` needs a process that runs the one it starts.
    Result<std::unique_ptr<ServiceStack>> open(StackRole role = StackRole::Reader)
    {
        return buildService(m_ctx.config, role);
    }

    int fail(const Error &e)
    {
        if (m_json)
            printJsonError(m_ctx.out, e);
        else
            m_ctx.err << "mistudio: " << e.message << '\n';
        return exitCodeFor(e.code);
    }
    void printJson(const QJsonValue &v)
    {
        m_ctx.out << (v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject())).toJson(QJsonDocument::Compact)
                  << '\n';
    }

private:
    Context &m_ctx;
    QCommandLineParser m_parser;
    bool m_json = false;
};

// The catalogue, and the model ID|--all names (none: every ready one).
struct Target
{
    std::unique_ptr<ServiceStack> stack;
    std::optional<ModelRecord> model;
    ModelService *service() const { return stack->service(); }
};

Result<Target> openTarget(LibraryCommand &cmd)
{
    const bool all = cmd.parser().isSet(u"all"_s);
    if (all == !cmd.positional().isEmpty())
        return Error::make(ErrorCode::InvalidInput, u"Name one model (ID or repo id) or --all"_s);
    Result<std::unique_ptr<ServiceStack>> stack = cmd.open();
    if (!stack)
        return stack.error();
    Target t{std::move(stack.value()), std::nullopt};
    if (!all) {
        const Result<ModelRecord> r = t.service()->resolve(cmd.positional().first());
        if (!r)
            return r.error();
        t.model = *r;
    }
    return t;
}

QString rate(qint64 bytes, qint64 ms)
{
    return ms > 0 ? u"%1 GB/s"_s.arg(double(bytes) / 1e9 / (double(ms) / 1000.0), 0, 'f', 2) : u"-"_s;
}

// A progress line on stderr (text mode only), at most one per percent.
hfcache::ProgressFn progressLine(LibraryCommand &cmd, const QString &what)
{
    auto last = std::make_shared<int>(-1);
    return [&cmd, what, last](const hfcache::Progress &p) {
        const int pct = p.bytesTotal > 0 ? int(100 * p.bytesDone / p.bytesTotal) : 100;
        if (!cmd.json() && pct != *last) {
            *last = pct;
            cmd.err() << u"\r%1: %2%  (%3 / %4 files)   "_s.arg(what).arg(pct).arg(p.filesDone).arg(p.filesTotal);
            cmd.err().flush();
        }
        return true;
    };
}

int runImport(Context &ctx)
{
    LibraryCommand cmd(ctx, u"Imports complete snapshots of the Hugging Face cache into the catalogue as ready models (hard links where the file system allows, every file verified against its blob name). Without REPO, every importable repo's default snapshot."_s,
                       u"[REPO...]"_s);
    cmd.parser().addOption({u"path"_s, u"The HF cache (default: HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub)."_s, u"DIR"_s});
    cmd.parser().addOption({u"revision"_s, u"A commit or ref of the cache (default: refs/main, else the only snapshot)."_s, u"REV"_s});
    cmd.parser().addOption({u"copy"_s, u"Copy the bytes instead of linking them."_s});
    cmd.parser().addOption({u"dry-run"_s, u"List what the cache holds and what would be imported; change nothing."_s});
    int rc = 0;
    if (!cmd.parse(0, 1000, &rc))
        return rc;
    Result<std::unique_ptr<ServiceStack>> stack = cmd.open();
    if (!stack)
        return cmd.fail(stack.error());
    ModelLibrary *library = stack.value()->service()->library();
    const QString path = cmd.parser().value(u"path"_s);
    const Result<CacheListing> listing = library->scanHfCache(path);
    if (!listing)
        return cmd.fail(listing.error());
    QStringList repos = cmd.positional();
    if (repos.isEmpty()) {
        for (const CacheCandidate &c : listing->snapshots) {
            if (c.isDefault && c.state == CacheCandidate::State::Importable)
                repos << c.repoId;
        }
    }
    if (cmd.parser().isSet(u"dry-run"_s)) {
        if (cmd.json()) {
            QJsonObject o = listing->toJson();
            o.insert(u"would_import"_s, QJsonArray::fromStringList(repos));
            cmd.printJson(o);
            return ExitOk;
        }
        cmd.out() << "HF cache " << listing->cacheDir << " (" << listing->source << ")\n";
        for (const CacheCandidate &c : listing->snapshots)
            cmd.out() << "  " << c.repoId << ' ' << c.commit.left(12) << ' ' << CacheCandidate::stateName(c.state) << ' '
                      << c.files << " files " << formatBytes(c.bytes) << (c.isDefault ? " (default)" : "")
                      << (c.problems.isEmpty() ? QString() : u" - "_s + c.problems.join(u"; "_s)) << '\n';
        cmd.out() << "would import: " << (repos.isEmpty() ? u"nothing"_s : repos.join(u", "_s)) << '\n';
        return ExitOk;
    }
    QJsonArray done;
    int worst = ExitOk;
    for (const QString &repo : std::as_const(repos)) {
        HfImportRequest req;
        req.cacheDir = path;
        req.repoId = repo;
        req.revision = cmd.parser().value(u"revision"_s);
        if (cmd.parser().isSet(u"copy"_s))
            req.mode = hfcache::TransferMode::Copy;
        const Result<HfImportOutcome> r = library->importFromHfCache(req, progressLine(cmd, repo));
        if (!cmd.json())
            cmd.err() << '\n';
        if (!r) {
            worst = cmd.fail(r.error());
            continue;
        }
        if (cmd.json()) {
            done.append(r->toJson());
            continue;
        }
        const hfcache::ImportResult &i = r->import;
        cmd.out() << "imported " << repo << " @ " << i.commit << " as " << r->model.id.toString(QUuid::WithoutBraces)
                  << ": " << i.files.size() << " files, " << formatBytes(i.bytesTotal) << ", copied "
                  << i.bytesCopied << " bytes (" << i.hardLinked << " hard links, " << i.reflinked << " reflinks, "
                  << i.copied << " copies) in " << i.elapsedMs << " ms\n";
    }
    if (cmd.json())
        cmd.printJson(QJsonObject{{u"imported"_s, done}});
    return worst;
}

int runPublish(Context &ctx)
{
    LibraryCommand cmd(ctx, u"Publishes ready models into the Hugging Face cache (blobs, relative snapshot links, refs), verifying every file on the way, so that huggingface_hub finds them offline."_s,
                       u"[ID]"_s);
    cmd.parser().addOption({u"all"_s, u"Every ready model."_s});
    cmd.parser().addOption({u"path"_s, u"The HF cache (default: the library's, see --help of import-hf-cache)."_s, u"DIR"_s});
    cmd.parser().addOption({u"move-ref"_s, u"Point the revision's ref at our commit even when it names another one."_s});
    int rc = 0;
    if (!cmd.parse(0, 1, &rc))
        return rc;
    Result<Target> target = openTarget(cmd);
    if (!target)
        return cmd.fail(target.error());
    ModelService *service = target->service();
    const std::optional<ModelRecord> &which = target->model;
    const QString path = cmd.parser().value(u"path"_s);
    const bool moveRef = cmd.parser().isSet(u"move-ref"_s);
    QList<HfPublishOutcome> outcomes;
    if (which) {
        const Result<HfPublishOutcome> p = service->library()->publishToHfCache(which->id, path, moveRef,
                                                                               progressLine(cmd, which->repoId));
        if (!p)
            return cmd.fail(p.error());
        outcomes << *p;
    } else {
        const Result<QList<HfPublishOutcome>> all = service->library()->publishAllToHfCache(path, moveRef);
        if (!all)
            return cmd.fail(all.error());
        outcomes = *all;
    }
    if (!cmd.json())
        cmd.err() << '\n';
    QJsonArray out;
    for (const HfPublishOutcome &p : std::as_const(outcomes)) {
        if (cmd.json())
            out.append(p.toJson());
        else
            cmd.out() << "published " << p.model.repoId << " @ " << p.model.commitSha << " into " << p.cacheDir << '\n';
    }
    if (cmd.json())
        cmd.printJson(QJsonObject{{u"published"_s, out}});
    return ExitOk;
}

int runVerify(Context &ctx)
{
    LibraryCommand cmd(ctx, u"Re-hashes a model's files against the hashes recorded when they were downloaded or imported, and stores the result (shown by `models show` and the API). Exit 7 when a file is missing or changed."_s,
                       u"[ID]"_s);
    cmd.parser().addOption({u"all"_s, u"Every ready model with recorded hashes."_s});
    int rc = 0;
    if (!cmd.parse(0, 1, &rc))
        return rc;
    Result<Target> target = openTarget(cmd);
    if (!target)
        return cmd.fail(target.error());
    ModelService *service = target->service();
    const std::optional<ModelRecord> &which = target->model;
    QList<VerifyOutcome> outcomes;
    if (which) {
        const Result<VerifyOutcome> v = service->library()->verify(which->id, progressLine(cmd, which->repoId));
        if (!v)
            return cmd.fail(v.error());
        outcomes << *v;
    } else {
        const Result<QList<VerifyOutcome>> all = service->library()->verifyAll(
            [&cmd](const ModelRecord &m, const hfcache::Progress &p) { return progressLine(cmd, m.repoId)(p); });
        if (!all)
            return cmd.fail(all.error());
        outcomes = *all;
    }
    if (!cmd.json())
        cmd.err() << '\n';
    QJsonArray out;
    bool failed = false;
    for (const VerifyOutcome &v : std::as_const(outcomes)) {
        failed = failed || v.state != u"ok"_s;
        if (cmd.json()) {
            out.append(v.toJson());
            continue;
        }
        cmd.out() << v.model.repoId << ": " << v.state << ", " << v.report.files.size() << " files, "
                  << formatBytes(v.report.bytesHashed) << " hashed in " << v.report.elapsedMs << " ms ("
                  << rate(v.report.bytesHashed, v.report.elapsedMs) << ")\n";
        for (const hfcache::VerifiedFile &f : v.report.files) {
            if (f.state != hfcache::VerifyState::Ok)
                cmd.out() << "  " << hfcache::verifyStateName(f.state) << ' ' << f.path << '\n';
        }
    }
    if (cmd.json())
        cmd.printJson(QJsonObject{{u"verified"_s, out}});
    return failed ? ExitIntegrity : ExitOk;
}

int runDu(Context &ctx)
{
    LibraryCommand cmd(ctx, u"Disk usage per model and quantized variant, and in total (allocated space counts a file hard-linked with the HF cache once)."_s, {});
    int rc = 0;
    if (!cmd.parse(0, 0, &rc))
        return rc;
    Result<std::unique_ptr<ServiceStack>> stack = cmd.open();
    if (!stack)
        return cmd.fail(stack.error());
    const Result<DiskUsage> du = stack.value()->service()->library()->diskUsage();
    if (!du)
        return cmd.fail(du.error());
    if (cmd.json()) {
        cmd.printJson(du->toJson());
        return ExitOk;
    }
    for (const ModelDiskUsage &m : du->models) {
        cmd.out() << formatBytes(m.totalBytes()).rightJustified(10) << "  " << m.model.repoId
                  << (m.files.linkedBytes > 0 ? u" (%1 shared by hard links)"_s.arg(formatBytes(m.files.linkedBytes)) : QString())
                  << (m.files.partialBytes > 0 ? u" (%1 partial)"_s.arg(formatBytes(m.files.partialBytes)) : QString()) << '\n';
        for (const DiskUsageEntry &v : m.variants)
            cmd.out() << formatBytes(v.bytes).rightJustified(10) << "    " << v.name << '\n';
    }
    cmd.out() << formatBytes(du->totalBytes).rightJustified(10) << "  total (" << formatBytes(du->totalAllocated)
              << " allocated; " << (du->freeBytes >= 0 ? formatBytes(du->freeBytes) : u"?"_s) << " free)\n";
    return ExitOk;
}

void printCheck(LibraryCommand &cmd, const UpdateCheck &c)
{
    cmd.out() << c.model.repoId << " (" << c.revision << "): "
              << (c.upToDate() ? u"up to date"_s
                               : u"%1 changed, %2 added, %3 removed; update downloads %4"_s.arg(c.changed.size())
                                     .arg(c.added.size())
                                     .arg(c.removed.size())
                                     .arg(formatBytes(c.downloadBytes)))
              << (c.recordedCommit != c.upstreamCommit
                      ? u" [%1 -> %2]"_s.arg(c.recordedCommit.left(12), c.upstreamCommit.left(12))
                      : QString())
              << '\n';
    for (const auto &[label, list] : {std::pair{"changed", &c.changed}, std::pair{"added", &c.added},
                                      std::pair{"removed", &c.removed}}) {
        for (const FileChange &f : *list)
            cmd.out() << "  " << label << ' ' << f.path << ' ' << formatBytes(f.size) << '\n';
    }
}

int runCheckUpdates(Context &ctx)
{
    LibraryCommand cmd(ctx, u"Compares each model's recorded commit and files with its revision on the Hub now: files changed, added and removed, and what an update would download. Exit 0 either way."_s,
                       u"[ID]"_s);
    cmd.parser().addOption({u"all"_s, u"Every ready model (the default without ID)."_s});
    int rc = 0;
    if (!cmd.parse(0, 1, &rc))
        return rc;
    Result<std::unique_ptr<ServiceStack>> stack = cmd.open();
    if (!stack)
        return cmd.fail(stack.error());
    ModelService *service = stack.value()->service();
    const QString token = QProcessEnvironment::systemEnvironment().value(u"HF_TOKEN"_s);
    QList<UpdateCheck> checks;
    if (!cmd.positional().isEmpty()) {
        const Result<ModelRecord> r = service->resolve(cmd.positional().first());
        if (!r)
            return cmd.fail(r.error());
        const Result<UpdateCheck> c = service->library()->checkUpdates(r->id, token);
        if (!c)
            return cmd.fail(c.error());
        checks << *c;
    } else {
        const Result<QList<UpdateCheck>> all = service->library()->checkAllUpdates(token);
        if (!all)
            return cmd.fail(all.error());
        checks = *all;
    }
    QJsonArray out;
    for (const UpdateCheck &c : std::as_const(checks)) {
        if (cmd.json())
            out.append(c.toJson());
        else
            printCheck(cmd, c);
    }
    if (cmd.json())
        cmd.printJson(QJsonObject{{u"checks"_s, out}});
    return ExitOk;
}

int runUpdate(Context &ctx)
{
    LibraryCommand cmd(ctx, u"Updates a ready model to its revision's commit on the Hub now: downloads only the files that changed or were added (a download job, resumable) and removes those gone upstream."_s,
                       u"ID"_s);
    int rc = 0;
    if (!cmd.parse(1, 1, &rc))
        return rc;
    Result<std::unique_ptr<ServiceStack>> stack = cmd.open(StackRole::Cli);
    if (!stack)
        return cmd.fail(stack.error());
    ModelService *service = stack.value()->service();
    const Result<ModelRecord> r = service->resolve(cmd.positional().first());
    if (!r)
        return cmd.fail(r.error());
    const QUuid id = r->id;
    rc = -1;
    Error lastError;
    stack.value()->bus()->subscribe(QCoreApplication::instance(), [&](const ModelEvent &e) {
        if (e.modelId() != id)
            return;
        if (e.type() == ModelEvent::Type::DownloadFailed)
            lastError = Error::make(ErrorCode::Internal, e.payload().value(u"error"_s).toString());
        if (e.type() == ModelEvent::Type::StatusChanged) {
            const QString s = e.payload().value(u"status"_s).toString();
            if (s == u"ready"_s || s == u"failed"_s) {
                rc = s == u"ready"_s ? ExitOk : ExitFailure;
                QCoreApplication::exit(0);
            }
        }
    });
    if (Status s = service->start(id); !s)
        return cmd.fail(s.error());
    const Result<UpdateOutcome> u =
        service->library()->update(id, QProcessEnvironment::systemEnvironment().value(u"HF_TOKEN"_s));
    if (!u)
        return cmd.fail(u.error());
    if (!cmd.json())
        printCheck(cmd, u->check);
    if (u->kind == UpdateOutcome::Kind::Started) {
        QCoreApplication::exec();
        service->shutdown();
        if (rc != ExitOk)
            return cmd.fail(lastError.message.isEmpty() ? Error::make(ErrorCode::Internal, u"the update did not complete"_s)
                                                        : lastError);
    }
    const Result<ModelRecord> after = service->get(id);
    if (cmd.json())
        cmd.printJson(QJsonObject{{u"outcome"_s, UpdateOutcome::kindName(u->kind)},
                                  {u"model"_s, after ? after->toJson() : u->model.toJson()},
                                  {u"check"_s, u->check.toJson()}});
    else
        cmd.out() << (u->kind == UpdateOutcome::Kind::UpToDate ? "nothing to update" : "updated") << ": "
                  << r->repoId << " @ " << (after ? after->commitSha : u->model.commitSha) << '\n';
    return ExitOk;
}

} // namespace

void registerLibraryCommands(Registry &registry)
{
    registry.add({{u"models"_s, u"import-hf-cache"_s}, u"Import snapshots of the Hugging Face cache as ready models"_s, runImport});
    registry.add({{u"models"_s, u"publish-hf-cache"_s}, u"Publish ready models into the Hugging Face cache"_s, runPublish});
    registry.add({{u"models"_s, u"verify"_s}, u"Re-hash a model's files against their recorded hashes"_s, runVerify});
    registry.add({{u"models"_s, u"du"_s}, u"Disk usage per model, variant and in total"_s, runDu});
    registry.add({{u"models"_s, u"check-updates"_s}, u"Compare models with their revision on the Hub now"_s, runCheckUpdates});
    registry.add({{u"models"_s, u"update"_s}, u"Download only what changed upstream"_s, runUpdate});
}

} // namespace mistudio::cli
