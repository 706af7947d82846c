// `mistudio models list|add|show|rm`: the catalogue from the command line (docs/cli.md).
#include "cli/command.h"
#include "cli/exitcodes.h"
#include "cli/output.h"
#include "cli/servicecommands.h"

#include "common/namepolicy.h"
#include "common/repoid.h"
#include "common/units.h"
#include "service/modelservice.h"
#include "stack/servicestack.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::cli {
namespace {

// What every `models` command shares: --json, --help and the two catalogue overrides, which
// are also accepted after the command words (`mistudio models list --data-dir X`).
class ModelsCommand
{
public:
    ModelsCommand(Context &ctx, QString usage, QString description)
        : m_ctx(ctx), m_usage(std::move(usage)), m_description(std::move(description))
    {
        m_parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
        addOption({u"json"_s, u"Print JSON instead of text."_s});
        addOption({u"data-dir"_s, u"Data directory (env MISTUDIO_DATA_DIR)."_s, u"DIR"_s});
        addOption({u"database-url"_s, u"postgresql://... catalogue (env MISTUDIO_DATABASE_URL)."_s, u"URL"_s});
        addOption({{u"h"_s, u"help"_s}, u"Show this help."_s});
    }

    void addOption(const QCommandLineOption &option)
    {
        m_parser.addOption(option);
        m_options.push_back(option);
    }

    // False when the command should end now with *rc (help printed, or a usage error).
    bool parse(int minPositional, int maxPositional, int *rc)
    {
        const bool parsed = m_parser.parse(m_ctx.args);
        // Even when parsing failed, an error asked for as JSON comes as JSON.
        m_json = parsed ? m_parser.isSet(u"json"_s) : m_ctx.args.contains(u"--json"_s);
        if (parsed && m_parser.isSet(u"help"_s)) {
            printHelp();
            *rc = ExitOk;
            return false;
        }
        if (!parsed) {
            *rc = fail(Error::make(ErrorCode::InvalidInput, m_parser.errorText()), true);
            return false;
        }
        const qsizetype n = m_parser.positionalArguments().size();
        if (n < minPositional || n > maxPositional) {
            *rc = fail(Error::make(ErrorCode::InvalidInput,
                                   n < minPositional ? u"Missing argument"_s : u"Too many arguments"_s),
                       true);
            return false;
        }
        m_ctx.config = configFrom(m_parser, m_ctx.config);
        return true;
    }

    const QCommandLineParser &parser() const { return m_parser; }
    QString arg(int i) const { return m_parser.positionalArguments().value(i); }
    bool json() const { return m_json; }
    Context &ctx() { return m_ctx; }

    // The catalogue through the service (a reader: it runs no jobs), built by the one
    // composition root like every face.
    Result<std::unique_ptr<ServiceStack>> open()
    {
        return buildService(m_ctx.config, StackRole::Reader);
    }

    int fail(const Error &e, bool usage = false)
    {
        if (m_json) {
            printJsonError(m_ctx.out, e);
        } else {
            m_ctx.err << "mistudio: " << e.message << '\n';
            if (usage)
                m_ctx.err << "Try '" << m_ctx.args.value(0) << " --help'.\n";
        }
        return exitCodeFor(e.code);
    }

    void printJson(const QJsonObject &o)
    {
        m_ctx.out << QJsonDocument(o).toJson(QJsonDocument::Compact) << '\n';
    }

private:
    void printHelp()
    {
        QTextStream &s = m_ctx.out;
        s << "Usage: " << m_ctx.args.value(0) << ' ' << m_usage << "\n\n" << m_description << "\n\nOptions:\n";
        // The command's own options first, then the shared ones (added in the constructor).
        std::vector<QCommandLineOption> ordered(m_options.begin() + kSharedOptions, m_options.end());
        ordered.insert(ordered.end(), m_options.begin(), m_options.begin() + kSharedOptions);
        for (const QCommandLineOption &o : ordered) {
            QStringList names;
            for (const QString &n : o.names())
                names << (n.size() == 1 ? u"-"_s : u"--"_s) + n;
            QString left = names.join(u", "_s);
            if (!o.valueName().isEmpty())
                left += u' ' + o.valueName();
            s << "  " << left.leftJustified(26) << ' ' << o.description() << '\n';
        }
        s << "\nExit codes: 0 ok, 2 usage, 3 not found, 6 conflict (e.g. ambiguous id), 1 other."
             " See docs/cli.md.\n";
    }

    static constexpr int kSharedOptions = 4;

    Context &m_ctx;
    QString m_usage;
    QString m_description;
    QCommandLineParser m_parser;
    std::vector<QCommandLineOption> m_options;
    bool m_json = false;
};

QString orDash(const QString &s)
{
    return s.isEmpty() ? u"-"_s : s;
}

QString sizeText(const ModelRecord &r)
{
    return r.sizeBytes ? formatBytes(*r.sizeBytes) : u"-"_s;
}

Result<int> positiveInt(const QString &text, const QString &option)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v < 1)
        return Error::make(ErrorCode::InvalidInput, u"--%1 must be a whole number of 1 or more"_s.arg(option));
    return v;
}

int runList(Context &ctx)
{
    ModelsCommand cmd(ctx, u"[options]"_s, u"Lists the models of the catalogue, newest first."_s);
    cmd.addOption({u"status"_s, u"Only models in this status: pending, downloading, quantizing, ready, failed."_s,
                   u"STATUS"_s});
    cmd.addOption({u"search"_s, u"Only models whose name or repo id contains TEXT (any case)."_s, u"TEXT"_s});
    cmd.addOption({u"sort"_s, u"created_at (default), updated_at, name, repo_id, status, size_bytes."_s, u"KEY"_s});
    cmd.addOption({u"order"_s, u"asc or desc (default)."_s, u"ORDER"_s});
    cmd.addOption({u"page"_s, u"Page number, from 1 (default 1)."_s, u"N"_s});
    cmd.addOption({u"limit"_s, u"Models per page, 1 to 1000 (default 50)."_s, u"N"_s});
    int rc = 0;
    if (!cmd.parse(0, 0, &rc))
        return rc;
    const QCommandLineParser &p = cmd.parser();
    ModelQuery query;
    if (p.isSet(u"status"_s)) {
        query.status = modelStatusFromName(p.value(u"status"_s));
        if (!query.status)
            return cmd.fail(Error::make(ErrorCode::InvalidInput, u"Unknown status '%1'"_s.arg(p.value(u"status"_s))),
                            true);
    }
    query.search = p.value(u"search"_s);
    if (p.isSet(u"sort"_s)) {
        const auto key = sortKeyFromName(p.value(u"sort"_s));
        if (!key)
            return cmd.fail(Error::make(ErrorCode::InvalidInput, u"Unknown sort key '%1'"_s.arg(p.value(u"sort"_s))),
                            true);
        query.sort = *key;
    }
    if (p.isSet(u"order"_s)) {
        const QString order = p.value(u"order"_s);
        if (order != u"asc"_s && order != u"desc"_s)
            return cmd.fail(Error::make(ErrorCode::InvalidInput, u"--order must be asc or desc"_s), true);
        query.order = order == u"asc"_s ? SortOrder::Ascending : SortOrder::Descending;
    }
    for (const auto &[name, into] : {std::pair{u"page"_s, &query.page}, std::pair{u"limit"_s, &query.limit}}) {
        if (!p.isSet(name))
            continue;
        auto v = positiveInt(p.value(name), name);
        if (!v)
            return cmd.fail(v.error(), true);
        *into = *v;
    }
    auto stack = cmd.open();
    if (!stack)
        return cmd.fail(stack.error());
    auto page = (*stack)->service()->list(query);
    if (!page)
        return cmd.fail(page.error());
    if (cmd.json()) {
        cmd.printJson(page->toJson());
        return ExitOk;
    }
    QTextStream &out = ctx.out;
    if (page->total == 0) {
        out << "No models" << (query.status || !query.search.isEmpty() ? " match." : " yet. Add one with `mistudio models add REPO`.") << '\n';
        return ExitOk;
    }
    out << u"ID"_s.leftJustified(10) << u"NAME"_s.leftJustified(26) << u"STATUS"_s.leftJustified(13)
        << u"QUANT"_s.leftJustified(10) << u"SIZE"_s.leftJustified(10) << "REPO\n";
    for (const ModelRecord &r : page->items) {
        QString status = modelStatusName(r.status);
        if (r.status == ModelStatus::Downloading || r.status == ModelStatus::Quantizing)
            status += u" %1%"_s.arg(int(r.progress));
        out << r.shortId().leftJustified(10) << r.name.leftJustified(25, u' ', true) << ' '
            << status.leftJustified(13) << r.quantization.leftJustified(10) << sizeText(r).leftJustified(10)
            << r.repoId << '\n';
    }
    const qint64 pages = (page->total + page->limit - 1) / page->limit;
    out << page->total << (page->total == 1 ? " model" : " models");
    if (pages > 1)
        out << " (page " << page->page << " of " << pages << ')';
    out << '\n';
    return ExitOk;
}

int runAdd(Context &ctx)
{
    ModelsCommand cmd(ctx, u"REPO [options]"_s,
                      u"Adds a Hugging Face model (e.g. google/gemma-2-2b) to the catalogue as a pending "
                      "record.\nNothing is downloaded yet."_s);
    cmd.addOption({u"revision"_s, u"Branch, tag or commit to use (default main)."_s, u"REV"_s});
    cmd.addOption({u"quantization"_s, u"none (default), bnb-4bit or bnb-8bit."_s, u"MODE"_s});
    cmd.addOption({u"name"_s, u"Display name (default: the repo's name)."_s, u"NAME"_s});
    int rc = 0;
    if (!cmd.parse(1, 1, &rc))
        return rc;
    const QCommandLineParser &p = cmd.parser();
    // Validate before touching the catalogue (or creating a data directory).
    const auto repo = RepoId::parse(cmd.arg(0));
    if (!repo)
        return cmd.fail(repo.error(), true);
    NewModel m;
    m.repoId = repo->toString();
    m.name = p.value(u"name"_s);
    if (Status s = validateDisplayName(m.name); !s)
        return cmd.fail(s.error(), true);
    if (p.isSet(u"revision"_s)) {
        const auto rev = validateRevision(p.value(u"revision"_s));
        if (!rev)
            return cmd.fail(rev.error(), true);
        m.revision = *rev;
    }
    if (p.isSet(u"quantization"_s)) {
        m.quantization = p.value(u"quantization"_s);
        if (!isKnownQuantization(m.quantization))
            return cmd.fail(Error::make(ErrorCode::InvalidInput,
                                        u"Unknown quantization '%1' (none, bnb-4bit or bnb-8bit)"_s.arg(m.quantization)),
                            true);
    }
    auto stack = cmd.open();
    if (!stack)
        return cmd.fail(stack.error());
    auto created = (*stack)->service()->create(m);
    if (!created)
        return cmd.fail(created.error());
    if (cmd.json()) {
        cmd.printJson(created->toJson());
        return ExitOk;
    }
    ctx.out << "Added " << created->repoId << " (" << created->id.toString(QUuid::WithoutBraces)
            << "), revision " << created->revision << ", quantization " << created->quantization
            << ", status pending.\n";
    return ExitOk;
}

void printRecord(QTextStream &out, const ModelRecord &r)
{
    auto line = [&](const char *key, const QString &value) {
        out << QString::fromLatin1(key).leftJustified(16) << value << '\n';
    };
    line("id", r.id.toString(QUuid::WithoutBraces));
    line("name", r.name);
    line("repo", r.repoId);
    line("revision", r.revision);
    line("commit", orDash(r.commitSha));
    QString status = modelStatusName(r.status);
    if (r.status == ModelStatus::Downloading || r.status == ModelStatus::Quantizing)
        status += u" (%1%)"_s.arg(r.progress, 0, 'f', 1);
    line("status", status);
    if (!r.errorMessage.isEmpty())
        line("error", r.errorMessage);
    line("quantization", r.quantization);
    line("size", sizeText(r));
    line("parameters", r.paramsCount ? formatParamCount(*r.paramsCount) : u"-"_s);
    line("files", orDash(r.filePath));
    line("quantized files", orDash(r.quantizedPath));
    if (!r.architecture.isEmpty()) {
        const QJsonObject &a = r.architecture;
        line("architecture", u"%1, %2 layers, hidden size %3"_s.arg(
                                 a.value(u"model_type"_s).toString(u"?"_s),
                                 QString::number(a.value(u"num_hidden_layers"_s).toInt()),
                                 QString::number(a.value(u"hidden_size"_s).toInt())));
    }
    line("created", r.createdAt.toString(Qt::ISODate));
    line("updated", r.updatedAt.toString(Qt::ISODate));
}

int runShow(Context &ctx)
{
    ModelsCommand cmd(ctx, u"ID [options]"_s,
                      u"Shows one model. ID is its UUID, a unique prefix of it (4+ digits) or its repo id."_s);
    int rc = 0;
    if (!cmd.parse(1, 1, &rc))
        return rc;
    auto stack = cmd.open();
    if (!stack)
        return cmd.fail(stack.error());
    ModelService *service = (*stack)->service();
    auto r = service->resolve(cmd.arg(0));
    if (!r)
        return cmd.fail(r.error());
    const Result<std::vector<VariantRecord>> variants = service->variants(r->id);
    if (!variants)
        return cmd.fail(variants.error());
    if (cmd.json()) {
        QJsonObject o = r->toJson();
        QJsonArray vs;
        for (const VariantRecord &v : *variants)
            vs.append(v.toJson());
        o.insert(u"variants"_s, vs);
        if (const std::optional<JobView> job = service->activeJob(r->id))
            o.insert(u"job"_s, job->toJson());
        cmd.printJson(o);
        return ExitOk;
    }
    printRecord(ctx.out, *r);
    for (const VariantRecord &v : *variants)
        ctx.out << u"variant"_s.leftJustified(16) << v.name() << "  " << formatBytes(v.sizeBytes) << "  "
                << v.path << '\n';
    if (const std::optional<JobView> job = service->activeJob(r->id)) {
        ctx.out << u"job"_s.leftJustified(16) << job->kind << ' ' << job->state;
        if (!job->ownerHost.isEmpty())
            ctx.out << " on " << job->ownerHost;
        ctx.out << '\n';
    }
    return ExitOk;
}

int runRm(Context &ctx)
{
    ModelsCommand cmd(ctx, u"ID [options]"_s,
                      u"Deletes a model from the catalogue together with its files under the data directory.\n"
                      "ID is its UUID, a unique prefix of it (4+ digits) or its repo id. Original files that\n"
                      "another record of the same repo uses are kept."_s);
    cmd.addOption({{u"y"_s, u"yes"_s}, u"Do not ask for confirmation (required when not on a terminal)."_s});
    int rc = 0;
    if (!cmd.parse(1, 1, &rc))
        return rc;
    auto stack = cmd.open();
    if (!stack)
        return cmd.fail(stack.error());
    ModelService *service = (*stack)->service();
    auto r = service->resolve(cmd.arg(0));
    if (!r)
        return cmd.fail(r.error());
    // The one deletion policy, the API's and the GUI's: what it would free is asked first.
    auto plan = service->planRemoval(r->id);
    if (!plan)
        return cmd.fail(plan.error());

    if (!cmd.parser().isSet(u"yes"_s)) {
        if (cmd.json() || !isatty(STDIN_FILENO))
            return cmd.fail(Error::make(ErrorCode::InvalidInput,
                                        u"Not deleting %1 without confirmation: pass --yes"_s.arg(r->repoId)),
                            true);
        ctx.err << "Delete " << r->name << " (" << r->shortId() << ", " << r->repoId << ") and "
                << formatBytes(plan->bytes) << " of files? [y/N] ";
        ctx.err.flush();
        QTextStream in(stdin);
        const QString answer = in.readLine().trimmed().toLower();
        if (answer != u"y"_s && answer != u"yes"_s) {
            ctx.err << "Nothing deleted.\n";
            return ExitCancelled;
        }
    }
    // The job (if any) stops first, then the files, then the record (ModelService::remove).
    QFuture<Result<Removal>> removing = service->remove(r->id);
    removing.waitForFinished();
    const Result<Removal> removed = removing.result();
    if (!removed)
        return cmd.fail(removed.error());
    plan = removed;
    if (cmd.json()) {
        cmd.printJson(QJsonObject{{u"deleted"_s, r->toJson()},
                                  {u"bytes_freed"_s, double(plan->bytes)},
                                  {u"removed_paths"_s, QJsonArray::fromStringList(plan->paths)},
                                  {u"kept_paths"_s, QJsonArray::fromStringList(plan->kept)}});
        return ExitOk;
    }
    ctx.out << "Deleted " << r->name << " (" << r->id.toString(QUuid::WithoutBraces) << "), freed "
            << formatBytes(plan->bytes) << ".\n";
    if (!plan->kept.isEmpty())
        ctx.out << "Kept " << plan->kept.join(u", "_s) << ": another record of " << r->repoId << " uses it.\n";
    return ExitOk;
}

} // namespace

void registerModelsCommands(Registry &registry)
{
    registry.add({{u"models"_s, u"list"_s}, u"List the models of the catalogue"_s, runList});
    registry.add({{u"models"_s, u"add"_s}, u"Add a model (pending) by repo id"_s, runAdd});
    registry.add({{u"models"_s, u"show"_s}, u"Show one model"_s, runShow});
    registry.add({{u"models"_s, u"rm"_s}, u"Delete a model and its files"_s, runRm});
}

} // namespace mistudio::cli
