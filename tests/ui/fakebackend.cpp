#include "fakebackend.h"

#include <QCryptographicHash>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui::test {

ModelRecord FakeBackend::makeRecord(int i, ModelStatus status)
{
    static const char *const kOrgs[] = {"google",    "meta-llama", "Qwen",
                                        "mistralai", "EleutherAI", "openai-community"};
    static const char *const kNames[] = {"gemma-2-2b",      "Llama-3.2-1B", "Qwen2.5-0.5B",
                                         "Mistral-7B-v0.3", "pythia-160m",  "gpt2"};
    ModelRecord r;
    r.id = QUuid::fromString(u"{00000000-0000-4000-8000-%1}"_s.arg(i, 12, 10, QChar(u'0')));
    const int k = i % 6;
    r.name = QString::fromLatin1(kNames[k]) + (i >= 6 ? u"-"_s + QString::number(i) : QString());
    r.repoId = QString::fromLatin1(kOrgs[k]) + u'/' + r.name;
    r.revision = u"main"_s;
    r.commitSha = u"%1"_s.arg(i, 40, 16, QChar(u'a'));
    r.status = status;
    r.quantization = i % 3 == 0 ? u"bnb-4bit"_s : (i % 3 == 1 ? u"none"_s : u"bnb-8bit"_s);
    r.paramsCount = 124'000'000LL * (k + 1) + i;
    r.sizeBytes = 250'000'000LL * (k + 1) + i * 1000LL;
    r.filePath = u"/data/models/"_s + QString(r.repoId).replace(u'/', u"--"_s);
    r.createdAt = QDateTime(QDate(2026, 11, 1), QTime(8, 0), Qt::UTC).addSecs(i * 60);
    r.updatedAt = r.createdAt.addSecs(3600);
    if (status == ModelStatus::Failed)
        r.errorMessage = u"checksum_mismatch: model-00001-of-00002.safetensors"_s;
    return r;
}

JobView FakeBackend::makeJob(const QUuid &modelId, const QString &state, const QString &kind)
{
    JobView j;
    j.id = QUuid::createUuidV5(modelId, state + kind);
    j.modelId = modelId;
    j.kind = kind;
    j.state = state;
    return j;
}

void FakeBackend::listModels(QObject *context, BatchCallback batch)
{
    calls << u"list"_s;
    // Two batches when there is more than one record, like the service adapter's paging.
    const size_t split = records.size() > 1 ? 1 : records.size();
    std::vector<ModelRecord> first(records.begin(), records.begin() + qsizetype(split));
    std::vector<ModelRecord> rest(records.begin() + qsizetype(split), records.end());
    deliver(context, [batch, first, last = rest.empty()] { batch(first, last); });
    if (!rest.empty())
        deliver(context, [batch, rest] { batch(rest, true); });
}

void FakeBackend::listJobs(QObject *context, Callback<QList<JobView>> done)
{
    deliver(context, [done, j = jobList] { done(j); });
}

void FakeBackend::machine(QObject *context, Callback<MachineInfo> done)
{
    deliver(context, [done, m = machineInfo] { done(m); });
}

void FakeBackend::workers(QObject *context, Callback<WorkerList> done)
{
    calls << u"workers"_s;
    if (workersError)
        deliver(context, [done, e = *workersError] { done(e); });
    else
        deliver(context, [done, w = workerList] { done(w); });
}

WorkerRecord FakeBackend::makeWorker(int i, const QString &role, const QDateTime &heartbeat)
{
    WorkerRecord w;
    w.host = u"host-%1"_s.arg(i);
    w.pid = 1000 + i;
    w.id = u"%1/boot/%2/0"_s.arg(w.host).arg(w.pid);
    w.role = role;
    if (role != u"cli"_s)
        w.kinds = QStringList{u"download"_s, u"quantize"_s};
    w.devices = i % 2 == 0 ? QStringList{u"cpu"_s} : QStringList{u"cpu"_s, u"cuda:0"_s};
    w.version = u"0.9.%1"_s.arg(i);
    w.specVersion = 1;
    w.heartbeatAt = heartbeat;
    w.startedAt = heartbeat.addSecs(-3600);
    return w;
}

void FakeBackend::preview(const PreviewRequest &request, QObject *context,
                          Callback<hub::ModelPreview> done)
{
    calls << u"preview %1 %2 token=%3"_s.arg(request.repoId, request.revision,
                                             request.token.isEmpty() ? u"no"_s : u"yes"_s);
    if (previewError)
        deliver(context, [done, e = *previewError] { done(e); });
    else
        deliver(context, [done, p = previewData] { done(p); });
}

void FakeBackend::modelCard(const PreviewRequest &request, QObject *context, Callback<QString> done)
{
    calls << u"card "_s + request.repoId;
    if (cardError)
        deliver(context, [done, e = *cardError] { done(e); });
    else
        deliver(context, [done, c = card] { done(c); });
}

void FakeBackend::searchRepos(const QString &query, int, QObject *context,
                              Callback<QList<hub::SearchHit>> done)
{
    calls << u"search "_s + query;
    QList<hub::SearchHit> hits;
    for (const hub::SearchHit &s : std::as_const(searchResults))
        if (s.id.contains(query, Qt::CaseInsensitive))
            hits << s;
    deliver(context, [done, hits] { done(hits); });
}

void FakeBackend::download(const DownloadRequest &request, QObject *context,
                           Callback<ModelRecord> done)
{
    calls << u"download %1 %2 %3 %4 limit=%5"_s
                 .arg(request.repoId, request.quant.mode, request.quant.quantType,
                      request.quant.doubleQuant ? u"dq"_s : u"nodq"_s)
                 .arg(request.maxBytesPerSecond);
    if (downloadError) {
        deliver(context, [done, e = *downloadError] { done(e); });
        return;
    }
    ModelRecord r = makeRecord(int(records.size()) + 1000, ModelStatus::Downloading);
    r.repoId = request.repoId;
    r.name = request.repoId.section(u'/', -1);
    r.quantization = request.quant.mode;
    records.push_back(r);
    Q_EMIT modelChanged(r);
    deliver(context, [done, r] { done(r); });
}

#define FAKE_STATUS_CALL(verb)                                                                     \
    calls << QString(QStringLiteral(#verb " ") + id.toString(QUuid::WithoutBraces));               \
    deliver(context, [done] { done(Status()); })

void FakeBackend::start(const QUuid &id, QObject *context, StatusCallback done)
{
    FAKE_STATUS_CALL(start);
}
void FakeBackend::cancel(const QUuid &id, QObject *context, StatusCallback done)
{
    FAKE_STATUS_CALL(cancel);
}
void FakeBackend::pause(const QUuid &id, QObject *context, StatusCallback done)
{
    FAKE_STATUS_CALL(pause);
}
void FakeBackend::resume(const QUuid &id, const QString &, QObject *context, StatusCallback done)
{
    FAKE_STATUS_CALL(resume);
}
void FakeBackend::retry(const QUuid &id, const QString &, QObject *context, StatusCallback done)
{
    FAKE_STATUS_CALL(retry);
}

void FakeBackend::setBandwidthLimit(qint64 bytesPerSecond, QObject *context, StatusCallback done)
{
    calls << u"setBandwidthLimit %1"_s.arg(bytesPerSecond);
    deliver(context, [done] { done(Status()); });
}

void FakeBackend::pauseAll(QObject *context, Callback<int> done)
{
    calls << u"pauseAll"_s;
    deliver(context, [done] { done(0); });
}

void FakeBackend::resumeAll(QObject *context, Callback<int> done)
{
    calls << u"resumeAll"_s;
    deliver(context, [done] { done(0); });
}

void FakeBackend::moveInQueue(const QUuid &id, const std::optional<QUuid> &before, QObject *context,
                              StatusCallback done)
{
    calls << u"move %1 before %2"_s.arg(id.toString(QUuid::WithoutBraces),
                                        before ? before->toString(QUuid::WithoutBraces) : u"end"_s);
    deliver(context, [done] { done(Status()); });
}

void FakeBackend::requantize(const QUuid &id, const QuantOptions &quant, QObject *context,
                             StatusCallback done)
{
    calls << u"requantize %1 %2 %3 %4 %5"_s.arg(
        id.toString(QUuid::WithoutBraces), quant.mode, quant.quantType,
        quant.doubleQuant ? u"dq"_s : u"no-dq"_s, quant.device);
    deliver(context, [done] { done(Status()); });
}

void FakeBackend::planRemoval(const QList<QUuid> &ids, QObject *context, Callback<qint64> done)
{
    calls << u"planRemoval %1"_s.arg(ids.size());
    if (planError) {
        deliver(context, [done, e = *planError] { done(e); });
        return;
    }
    qint64 bytes = 0;
    for (const QUuid &id : ids) {
        if (plannedFree.contains(id)) {
            bytes += plannedFree.value(id);
            continue;
        }
        for (const ModelRecord &r : records)
            if (r.id == id)
                bytes += r.sizeBytes.value_or(0) + r.variantsSizeBytes;
    }
    deliver(context, [done, bytes] { done(bytes); });
}

void FakeBackend::remove(const QUuid &id, QObject *context, Callback<qint64> done)
{
    calls << u"remove "_s + id.toString(QUuid::WithoutBraces);
    std::erase_if(records, [&id](const ModelRecord &r) { return r.id == id; });
    deliver(context, [done, b = bytesFreed] { done(b); });
}

VariantRecord FakeBackend::makeVariant(const QUuid &modelId, const QString &name, qint64 bytes)
{
    VariantRecord v;
    v.modelId = modelId;
    v.variant = QuantVariant::fromName(name).value_or(QuantVariant{});
    v.path = u"/data/models/org--model/quantized/"_s + name;
    v.sizeBytes = bytes;
    v.device = u"cpu"_s;
    v.createdAt = QDateTime(QDate(2026, 11, 2), QTime(10, 0), Qt::UTC);
    return v;
}

void FakeBackend::variants(const QUuid &id, QObject *context,
                           Callback<std::vector<VariantRecord>> done)
{
    calls << u"variants "_s + id.toString(QUuid::WithoutBraces);
    deliver(context, [done, v = variantsOf.value(id)] { done(v); });
}

void FakeBackend::removeVariant(const QUuid &id, const QString &variant, QObject *context,
                                Callback<qint64> done)
{
    calls << u"removeVariant %1 %2"_s.arg(id.toString(QUuid::WithoutBraces), variant);
    qint64 freed = 0;
    std::erase_if(variantsOf[id], [&](const VariantRecord &v) {
        if (v.name() != variant)
            return false;
        freed = v.sizeBytes;
        return true;
    });
    deliver(context, [done, freed] { done(freed); });
}

void FakeBackend::estimateVariants(const QUuid &id, QObject *context,
                                   Callback<QList<hub::SizeEstimate>> done)
{
    calls << u"estimate "_s + id.toString(QUuid::WithoutBraces);
    if (estimateError)
        deliver(context, [done, e = *estimateError] { done(e); });
    else
        deliver(context, [done, e = estimates] { done(e); });
}

void FakeBackend::architecture(const QUuid &id, QObject *context, Callback<QJsonObject> done)
{
    calls << u"architecture "_s + id.toString(QUuid::WithoutBraces);
    deliver(context, [done, a = architectureJson] { done(a); });
}

void FakeBackend::scanHfCache(QObject *context, Callback<CacheListing> done)
{
    calls << u"scanHfCache"_s;
    if (scanError) {
        deliver(context, [done, e = *scanError] { done(e); });
        return;
    }
    deliver(context, [done, l = cacheListing] { done(l); });
}

void FakeBackend::importFromHfCache(const QList<HfImportRequest> &requests, QObject *context,
                                    ImportCallback done)
{
    importRequests += requests;
    for (int i = 0; i < requests.size(); ++i) {
        const HfImportRequest &request = requests.at(i);
        calls << u"importFromHfCache %1 %2"_s.arg(request.repoId, request.revision);
        if (importErrors.contains(request.repoId)) {
            deliver(context, [done, i, e = importErrors.value(request.repoId)] { done(i, e); });
            continue;
        }
        ModelRecord r = makeRecord(int(records.size()) + 100);
        r.repoId = request.repoId;
        r.commitSha = request.revision;
        records.push_back(r);
        deliver(context, [this, done, i, r] {
            Q_EMIT modelChanged(r);
            done(i, r);
        });
    }
}

void FakeBackend::verify(const QUuid &id, QObject *context, Callback<VerificationInfo> done)
{
    calls << u"verify "_s + id.toString(QUuid::WithoutBraces);
    VerificationInfo v = verifyResults.value(id);
    if (v.state.isEmpty())
        v.state = u"ok"_s;
    v.verifiedAt = QDateTime::currentDateTimeUtc();
    recordedVerification.insert(id, v);
    for (ModelRecord &r : records) {
        if (r.id != id)
            continue;
        r.verifyState = v.state;
        r.verifiedAt = v.verifiedAt;
        deliver(context, [this, done, v, r] {
            Q_EMIT modelChanged(r);
            done(v);
        });
        return;
    }
    deliver(context, [done] { done(Error::make(ErrorCode::NotFound, u"no such model"_s)); });
}

void FakeBackend::verification(const QUuid &id, QObject *context, Callback<VerificationInfo> done)
{
    calls << u"verification "_s + id.toString(QUuid::WithoutBraces);
    deliver(context, [done, v = recordedVerification.value(id)] { done(v); });
}

CacheCandidate FakeBackend::makeCandidate(const QString &repoId, qint64 bytes, CacheCandidate::State state)
{
    CacheCandidate c;
    c.repoId = repoId;
    // A stable 40-hex commit per repo.
    c.commit = QString::fromLatin1(
        QCryptographicHash::hash(repoId.toUtf8(), QCryptographicHash::Sha1).toHex());
    c.refs = {u"main"_s};
    c.files = 3;
    c.bytes = bytes;
    c.state = state;
    c.isDefault = true;
    if (state == CacheCandidate::State::Incomplete)
        c.problems = {u"model.safetensors: the blob is missing"_s};
    return c;
}

} // namespace mistudio::ui::test
