// fakehub: runs the fake Hugging Face Hub as a process, for benchmarks, manual use and
// cross-process tests. Prints the hub endpoint (the HF_ENDPOINT value) as its first stdout line.

#include "fakehub.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using mistudio::fakehub::FakeHub;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"fakehub"_s);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Fake Hugging Face Hub for tests (docs/fakehub.md)"_s);
    parser.addHelpOption();
    const QCommandLineOption portOpt(u"port"_s, u"Hub port on 127.0.0.1 (0: ephemeral)."_s, u"P"_s, u"0"_s);
    const QCommandLineOption cdnPortOpt(u"cdn-port"_s, u"CDN port on localhost (0: ephemeral)."_s, u"P2"_s, u"0"_s);
    const QCommandLineOption fixturesOpt(u"fixtures"_s, u"Also serve DIR/<org>/<name>/ folders as repos."_s, u"DIR"_s);
    const QCommandLineOption faultsOpt(u"faults"_s, u"Control JSON (inline or a file path), as POST /__control takes."_s, u"JSON"_s);
    const QCommandLineOption bigOpt(u"big-size"_s, u"Data bytes of org/big's model.safetensors."_s, u"BYTES"_s);
    const QCommandLineOption rateOpt(u"cdn-rate"_s, u"Per-connection CDN bandwidth cap in bytes/s."_s, u"BPS"_s);
    const QCommandLineOption noStdOpt(u"no-standard-fixtures"_s, u"Serve only the --fixtures directory."_s);
    const QCommandLineOption exportOpt(u"export"_s, u"Write every repo's main snapshot to DIR/<org>/<name>/ and exit."_s, u"DIR"_s);
    const QCommandLineOption hostileOpt(u"hostile"_s, u"Also serve the hostile repos evil/* (docs/fakehub.md)."_s);
    const QCommandLineOption hostileConfigOpt(u"hostile-config-size"_s, u"Bytes of evil/huge-config's config.json."_s, u"BYTES"_s);
    const QCommandLineOption hostileHeaderOpt(u"hostile-header-claim"_s, u"Header length evil/huge-header claims."_s, u"BYTES"_s);
    parser.addOptions({portOpt, cdnPortOpt, fixturesOpt, faultsOpt, bigOpt, rateOpt, noStdOpt, exportOpt, hostileOpt,
                       hostileConfigOpt, hostileHeaderOpt});
    parser.process(app);

    FakeHub::Options options;
    options.hubPort = quint16(parser.value(portOpt).toUInt());
    options.cdnPort = quint16(parser.value(cdnPortOpt).toUInt());
    options.standardFixtures = !parser.isSet(noStdOpt);
    if (parser.isSet(bigOpt))
        options.fixtures.bigFileBytes = parser.value(bigOpt).toLongLong();
    FakeHub hub(options);
    QString error;
    if (parser.isSet(hostileOpt)) {
        mistudio::fakehub::HostileOptions hostile;
        if (parser.isSet(hostileConfigOpt))
            hostile.hugeConfigBytes = parser.value(hostileConfigOpt).toLongLong();
        if (parser.isSet(hostileHeaderOpt))
            hostile.claimedHeaderBytes = parser.value(hostileHeaderOpt).toLongLong();
        hub.addHostileRepos(hostile);
    }
    if (parser.isSet(fixturesOpt) && hub.addReposFromDirectory(parser.value(fixturesOpt), &error) < 0) {
        std::fprintf(stderr, "fakehub: %s\n", qPrintable(error));
        return 2;
    }
    if (parser.isSet(faultsOpt)) {
        QByteArray json = parser.value(faultsOpt).toUtf8();
        if (!json.trimmed().startsWith('{')) {
            QFile file(parser.value(faultsOpt));
            if (!file.open(QIODevice::ReadOnly)) {
                std::fprintf(stderr, "fakehub: cannot read %s\n", qPrintable(parser.value(faultsOpt)));
                return 2;
            }
            json = file.readAll();
        }
        const QJsonDocument doc = QJsonDocument::fromJson(json);
        if (!doc.isObject() || !hub.applyControl(doc.object(), &error)) {
            std::fprintf(stderr, "fakehub: bad --faults: %s\n", qPrintable(error));
            return 2;
        }
    }
    if (parser.isSet(exportOpt)) {
        const QStringList repos = hub.repoIds();
        for (const QString &repo : repos) {
            if (!hub.writeSnapshot(repo, u"main"_s, parser.value(exportOpt) + u'/' + repo, &error)) {
                std::fprintf(stderr, "fakehub: %s\n", qPrintable(error));
                return 1;
            }
        }
        std::fprintf(stderr, "fakehub: wrote %lld repos to %s\n", static_cast<long long>(repos.size()),
                     qPrintable(parser.value(exportOpt)));
        return 0;
    }
    if (parser.isSet(rateOpt))
        hub.setCdnBandwidthPerConnection(parser.value(rateOpt).toLongLong());
    if (!hub.start(&error)) {
        std::fprintf(stderr, "fakehub: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("%s\n", qPrintable(hub.endpoint().toString()));
    std::fflush(stdout);
    std::fprintf(stderr, "fakehub: hub %s, cdn %s, %lld repos\n", qPrintable(hub.endpoint().toString()),
                 qPrintable(hub.cdnEndpoint().toString()), static_cast<long long>(hub.repoIds().size()));
    return app.exec();
}
