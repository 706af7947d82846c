#pragma once

#include "service/engines.h"
#include "service/jobcontrol.h"
#include "service/servicetypes.h"
#include "store/jobqueue.h"
#include "store/modelstore.h"

namespace mistudio {

class EventBus;
class TokenVault;

// One claimed job, run to its end on a pool thread: the row is the job (its fence, kind,
// parameters and device come from the claim). The task reports progress (events, and the row
// about once a second), and ends the job with one fenced write whose state follows from how it
// ended: done / failed / needs_token, or what was asked of it (paused, cancelled, released at
// shutdown). A task whose job was lost writes and publishes nothing.
// What every task of one worker shares.
struct JobTaskContext
{
    JobQueue &queue;
    ModelStore &models;
    EventBus *bus;
    const Engines &engines;
    const ServiceOptions &options;
    TokenVault &tokens;
    QString ownerId;
};

class JobTask final
{
public:
    // `job` as claimed; `device` where a quantization runs.
    JobTask(const JobTaskContext &context, JobRecord job, QString device, JobControl &control)
        : m_queue(context.queue)
        , m_models(context.models)
        , m_bus(context.bus)
        , m_engines(context.engines)
        , m_options(context.options)
        , m_tokens(context.tokens)
        , m_ownerId(context.ownerId)
        , m_job(std::move(job))
        , m_device(std::move(device))
        , m_control(control)
    {
    }

    void run();

private:
    JobQueue &m_queue;
    ModelStore &m_models;
    EventBus *m_bus;
    const Engines &m_engines;
    const ServiceOptions &m_options;
    TokenVault &m_tokens;
    const QString m_ownerId;
    const JobRecord m_job;
    const QString m_device;
    JobControl &m_control;

    void runDownload();
    void runQuantize();
    // The one fenced end write; publishes what it recorded, unless the job was lost.
    void finish(JobState to, const QString &error, const ModelPatch &patch = {},
                const std::optional<NewJob> &next = std::nullopt, std::vector<ModelEvent> leading = {});
    // Ends the job as the stop request says; true when one was made.
    bool finishIfStopped();
    // Saves progress on the row about once a second; a refused (lost) fence stops the job.
    void saveProgress(double percent, const QJsonObject &detail);
    void failBeforeStart(const Error &error, bool quantizeStep, const QString &mode);

    qint64 m_lastSaveMs = -1;
};

} // namespace mistudio
