#pragma once

// One ModelService over a real catalogue (SQLite in the data dir, or a PostgreSQL URL) with the
// test engines, as one process would hold it: its own owner identity, bus and stores. Two
// harnesses on one data dir or database behave as two processes sharing a catalogue.
#include "service/modelservice.h"
#include "service/processidentity.h"
#include "store/storefactory.h"
#include "testengines.h"

#include <functional>

namespace mistudio::test {

struct ServiceHarness
{
    // `tune` adjusts the service's options (leases, timers, front end) and the engines (GPUs
    // offered) before the service is built.
    using Tune = std::function<void(ServiceHarness &, ServiceOptions &)>;
    explicit ServiceHarness(const QString &dataDir, int chunkDelayMs = 0, const QString &databaseUrl = {},
                            const Tune &tune = {})
    {
        AppConfig cfg;
        cfg.dataDir = dataDir;
        cfg.databaseUrl = databaseUrl;
        // Each harness is its own owner, as two processes would be.
        ownerId = ProcessIdentity::current(QUuid::createUuid().toString(QUuid::WithoutBraces)).id();
        Result<Stores> s = openStores(cfg, ownerId);
        if (!s)
            qFatal("openStores: %s", qPrintable(s.error().toString()));
        stores = s.value();
        download->chunkDelayMs = chunkDelayMs;
        Engines e;
        e.download = download;
        e.quantize = quantizer;
        e.architecture = std::make_shared<FakeArchitecture>();
        e.hub = preview;
        e.storedToken = [this] { return storedToken; };
        ServiceOptions o;
        o.dataDir = DataDir(dataDir);
        o.progressIntervalMs = 0;
        o.ownerId = ownerId;
        if (tune)
            tune(*this, o);
        service = std::make_unique<ModelService>(stores.models, stores.jobs, &bus, e, o);
        QObject::connect(&bus, &EventBus::eventPublished, &bus,
                         [this](const ModelEvent &ev) { events.append(ev); });
    }

    // The event names published here for one model, repeated progress events folded.
    QStringList names(const QUuid &id) const
    {
        QStringList out;
        for (const ModelEvent &e : events) {
            if (e.modelId() == id && (out.isEmpty() || out.last() != e.name() || !e.isProgress()))
                out << e.name();
        }
        return out;
    }
    ModelStatus status(const QUuid &id) const { return service->get(id)->status; }

    QString ownerId;
    EventBus bus;
    Stores stores;
    std::shared_ptr<FakeDownload> download = std::make_shared<FakeDownload>();
    std::shared_ptr<FakeQuantizer> quantizer = std::make_shared<FakeQuantizer>();
    std::shared_ptr<FakeHub> preview = std::make_shared<FakeHub>();
    QString storedToken;
    std::unique_ptr<ModelService> service;
    QList<ModelEvent> events;
};

} // namespace mistudio::test
