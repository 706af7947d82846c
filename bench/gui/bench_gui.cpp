// Start-up and scrolling cost of the desktop app with a large catalogue, and the GUI thread
// while jobs run.
//
//   bench_gui [--models N] [--runs R] [--jobs-runs J] [--download-mb M] [--append RESULTS.md]
//
// Fills a SQLite catalogue with N models (default 10 000), then starts R child processes of the
// real app stack (catalogue → service thread → ServiceBackend → MainWindow, offscreen) and takes
// the time from spawning the process to the first paint of the table with the catalogue in it.
// The reference, measured in the same run, is the same start-up with an empty catalogue.
// Scrolling: page-by-page through all N rows with a synchronous repaint per page, 100 rows
// showing live progress bars; reference: the same scroll with the default item delegate.
// Jobs (jobsstall.h): the longest GUI-thread stall while 3 downloads and 1 quantization run
// through the real service and engines against the fake Hub, J child processes.
#include "common/appconfig.h"
#include "desktopsession.h"
#include "jobsstall.h"
#include "mainwindow.h"
#include "modelbackend.h"
#include "modelspanel.h"
#include "modeltablemodel.h"
#include "common/units.h"
#include "store/storefactory.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QScrollBar>
#include <QSettings>
#include <QStyledItemDelegate>
#include <QSysInfo>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using namespace mistudio;

static qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

static double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty()
               ? 0.0
               : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
}

// Milliseconds per page to scroll the whole table with synchronous repaints.
static double scrollCost(QTableView *view)
{
    QScrollBar *bar = view->verticalScrollBar();
    bar->setValue(0);
    view->viewport()->repaint();
    QElapsedTimer t;
    t.start();
    int pages = 0;
    for (int v = 0; v <= bar->maximum(); v += std::max(1, bar->pageStep())) {
        bar->setValue(v);
        view->viewport()->repaint();
        ++pages;
    }
    return double(t.nsecsElapsed()) / 1e6 / std::max(pages, 1);
}

static int runChild(const QString &dataDir)
{
    int argc = 1;
    char arg0[] = "bench_gui";
    char *argv[] = {arg0, nullptr};
    std::printf("stage main %lld\n", static_cast<long long>(nowNs()));
    QApplication app(argc, argv);
    std::printf("stage qapplication %lld\n", static_cast<long long>(nowNs()));
    AppConfig config;
    config.dataDir = dataDir;
    QTemporaryDir settingsDir;
    QSettings settings(settingsDir.filePath(u"s.ini"_s), QSettings::IniFormat);
    auto session = ui::DesktopSession::open(config, Engines{}, ServiceOptions{});
    if (!session) {
        std::fprintf(stderr, "%s\n", qPrintable(session.error().toString()));
        return 1;
    }
    std::printf("stage session %lld\n", static_cast<long long>(nowNs()));
    ui::MainWindow window(config, (*session)->backend(), &settings);
    QObject::connect(window.modelsPanel(), &ui::ModelsPanel::catalogueLoaded, &app, [] {
        std::printf("stage first-batch %lld\n", static_cast<long long>(nowNs()));
    });
    bool painted = false;
    bool complete = false;
    // GUI-thread heartbeat: the longest gap between 5 ms ticks while the catalogue loads.
    QTimer heartbeat;
    heartbeat.setInterval(5);
    qint64 lastBeat = nowNs();
    qint64 longestGap = 0;
    QObject::connect(&heartbeat, &QTimer::timeout, &app, [&] {
        const qint64 t = nowNs();
        longestGap = std::max(longestGap, t - lastBeat);
        lastBeat = t;
    });
    heartbeat.start();
    // Scrolling is measured once the whole catalogue is in the table.
    auto measureScrolling = [&] {
        if (!painted || !complete)
            return;
        ui::ModelsPanel *panel = window.modelsPanel();
        ui::ModelTableModel *m = panel->tableModel();
        const int rows = m->rowCount();
        if (rows > 0) {
            // 100 rows with a job running, as during a busy session.
            m->setFlushInterval(0);
            for (int i = 0; i < std::min(rows, 100); ++i) {
                ModelRecord r = *m->record(i);
                r.status = ModelStatus::Downloading;
                m->upsert(r);
                m->setProgress(r.id, ui::JobProgress{ui::JobProgress::Phase::Download, 42.0,
                                                     420'000'000, 1'000'000'000, 35e6, 17, 1, 3});
            }
            const double ours = scrollCost(panel->view());
            QAbstractItemDelegate *delegate =
                panel->view()->itemDelegateForColumn(ui::ModelTableModel::Status);
            panel->view()->setItemDelegateForColumn(ui::ModelTableModel::Status, nullptr);
            const double plain = scrollCost(panel->view());
            panel->view()->setItemDelegateForColumn(ui::ModelTableModel::Status, delegate);
            std::printf("scroll %.3f plain %.3f\n", ours, plain);
        }
        std::fflush(stdout);
        QCoreApplication::exit(0);
    };
    QObject::connect(&window, &ui::MainWindow::cataloguePainted, &app, [&] {
        std::printf("painted %lld rows %d\n", static_cast<long long>(nowNs()),
                    window.modelsPanel()->tableModel()->rowCount());
        painted = true;
        measureScrolling();
    });
    QObject::connect(
        window.modelsPanel(), &ui::ModelsPanel::catalogueCompleted, &app, [&](int rows) {
            std::printf("complete %lld rows %d\n", static_cast<long long>(nowNs()), rows);
            heartbeat.stop();
            std::printf("stall %.1f\n", double(longestGap) / 1e6);
            complete = true;
            // After the queued repaint of the last rows, so that scrolling starts from a settled
            // view.
            QMetaObject::invokeMethod(&app, measureScrolling, Qt::QueuedConnection);
        });
    window.show();
    return QApplication::exec();
}

struct ChildResult
{
    double startupMs = -1;
    int rows = -1;
    double completeMs = -1;
    double stallMs = -1;
    int totalRows = -1;
    double scrollMs = -1;
    double plainMs = -1;
};

static ChildResult spawn(const QString &self, const QString &dataDir)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    env.insert(u"MISTUDIO_TOKEN_STORE"_s, u"file"_s);
    p.setProcessEnvironment(env);
    const qint64 t0 = nowNs();
    p.start(self, {u"--child"_s, dataDir});
    p.waitForFinished(120000);
    ChildResult r;
    const QStringList lines = QString::fromLocal8Bit(p.readAllStandardOutput()).split(u'\n');
    for (const QString &line : lines) {
        const QStringList f = line.split(u' ');
        if (f.value(0) == u"stage"_s && qEnvironmentVariableIsSet("BENCH_GUI_STAGES"))
            std::printf("  %s at %.1f ms\n", qPrintable(f.value(1)),
                        double(f.value(2).toLongLong() - t0) / 1e6);
        if (f.value(0) == u"painted"_s) {
            r.startupMs = double(f.value(1).toLongLong() - t0) / 1e6;
            r.rows = f.value(3).toInt();
        } else if (f.value(0) == u"stall"_s) {
            r.stallMs = f.value(1).toDouble();
        } else if (f.value(0) == u"complete"_s) {
            r.completeMs = double(f.value(1).toLongLong() - t0) / 1e6;
            r.totalRows = f.value(3).toInt();
        } else if (f.value(0) == u"scroll"_s) {
            r.scrollMs = f.value(1).toDouble();
            r.plainMs = f.value(3).toDouble();
        }
    }
    if (r.startupMs < 0)
        std::fprintf(stderr, "child failed: %s\n", p.readAllStandardError().constData());
    return r;
}

int main(int argc, char **argv)
{
    if (argc == 3 && std::string_view(argv[1]) == "--child")
        return runChild(QString::fromLocal8Bit(argv[2]));
    if (argc == 4 && std::string_view(argv[1]) == "--child-jobs")
        return runJobsChild(QString::fromLocal8Bit(argv[2]), QByteArray(argv[3]).toLongLong());

    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addHelpOption();
    cli.addOption({u"models"_s, u"Models in the catalogue"_s, u"N"_s, u"10000"_s});
    cli.addOption({u"runs"_s, u"Start-ups per configuration"_s, u"R"_s, u"5"_s});
    cli.addOption({u"jobs-runs"_s, u"Runs of 3 downloads + 1 quantization (0: none)"_s, u"J"_s, u"3"_s});
    cli.addOption({u"download-mb"_s, u"Size of each of the 3 downloads, MB"_s, u"M"_s, u"200"_s});
    cli.addOption({u"fixtures"_s, u"Folder for the generated repos (kept between runs)"_s, u"DIR"_s});
    cli.addOption({u"append"_s, u"Append a dated section to this RESULTS.md"_s, u"FILE"_s});
    cli.process(app);
    const int n = cli.value(u"models"_s).toInt();
    const int runs = std::max(1, cli.value(u"runs"_s).toInt());
    const int jobsRuns = std::max(0, cli.value(u"jobs-runs"_s).toInt());
    const qint64 downloadBytes = cli.value(u"download-mb"_s).toLongLong() * 1'000'000;

    QTemporaryDir full, empty;
    AppConfig config;
    config.dataDir = full.path();
    {
        Result<Stores> stores = openStores(config);
        if (!stores) {
            std::fprintf(stderr, "%s\n", qPrintable(stores.error().toString()));
            return 1;
        }
        QElapsedTimer fill;
        fill.start();
        for (int i = 0; i < n; ++i) {
            NewModel m;
            m.repoId = u"org%1/model-%2"_s.arg(i % 97).arg(i);
            m.quantization = i % 3 == 0 ? u"bnb-4bit"_s : u"none"_s;
            if (Result<ModelRecord> r = stores->models->create(m); !r) {
                std::fprintf(stderr, "%s\n", qPrintable(r.error().toString()));
                return 1;
            }
        }
        std::printf("catalogue: %d models written in %.1f s\n", n, fill.elapsed() / 1000.0);
    }
    std::vector<double> refStart, start, complete, scroll, plain, stall;
    int rows = 0, totalRows = 0;
    for (int i = 0; i < runs; ++i) {
        // Alternate the two configurations so that machine load hits both alike.
        const ChildResult e = spawn(QCoreApplication::applicationFilePath(), empty.path());
        const ChildResult f = spawn(QCoreApplication::applicationFilePath(), full.path());
        if (e.startupMs < 0 || f.startupMs < 0)
            return 1;
        refStart.push_back(e.startupMs);
        start.push_back(f.startupMs);
        complete.push_back(f.completeMs);
        stall.push_back(f.stallMs);
        totalRows = f.totalRows;
        scroll.push_back(f.scrollMs);
        plain.push_back(f.plainMs);
        rows = f.rows;
        std::printf(
            "run %d: empty %.1f ms; %d models: first paint %.1f ms (%d rows), all rows %.1f ms; "
            "longest GUI stall while loading %.1f ms; scroll %.3f ms/page (plain %.3f)\n",
            i + 1, e.startupMs, f.totalRows, f.startupMs, f.rows, f.completeMs, f.stallMs,
            f.scrollMs, f.plainMs);
    }
    const double s0 = median(refStart), s1 = median(start), sc = median(scroll), sp = median(plain);
    const double all = median(complete);
    QString report;
    QTextStream out(&report);
    out << u"## GUI start-up and scrolling (bench/gui), "_s
        << QDateTime::currentDateTimeUtc().toString(Qt::ISODate) << u"\n\n"_s
        << u"`bench_gui --models %1 --runs %2` on %3, %4 cores, offscreen, Release (ci preset). "_s
               .arg(n)
               .arg(runs)
               .arg(QSysInfo::prettyProductName())
               .arg(QThread::idealThreadCount())
        << u"Process spawn → first paint of the table with the catalogue in it (SQLite catalogue, "
           u"service thread, ServiceBackend, MainWindow); medians of %1 runs.\n\n"_s.arg(runs)
        << u"| measure | value | reference (same run) | ratio |\n|---|---|---|---|\n"_s
        << u"| start-up to first paint (%1 models in the catalogue, newest %2 rows painted) | %3 ms | %4 ms (empty catalogue) | %5× |\n"_s
               .arg(totalRows)
               .arg(rows)
               .arg(s1, 0, 'f', 1)
               .arg(s0, 0, 'f', 1)
               .arg(s1 / s0, 0, 'f', 2)
        << u"| start-up until all %1 rows are in the table | %2 ms | %3 ms (empty catalogue) | %4× |\n"_s
               .arg(totalRows)
               .arg(all, 0, 'f', 1)
               .arg(s0, 0, 'f', 1)
               .arg(all / s0, 0, 'f', 2)
        << u"| scroll one page (100 rows with live progress bars) | %1 ms | %2 ms (default delegate) | %3× |\n\n"_s
               .arg(sc, 0, 'f', 3)
               .arg(sp, 0, 'f', 3)
               .arg(sc / sp, 0, 'f', 2)
        << u"Longest GUI-thread stall while the %1 rows load (5 ms heartbeat, median of runs): %2 ms.\n\n"_s
               .arg(totalRows)
               .arg(median(stall), 0, 'f', 1)
        << u"Target ≤ 400 ms start-up with 10 000 models: %1.\n\n"_s.arg(s1 <= 400 ? u"met"_s
                                                                                   : u"NOT met"_s);
    if (jobsRuns > 0) {
        QTemporaryDir ownFixtures;
        const QString fixtures =
            cli.isSet(u"fixtures"_s) ? cli.value(u"fixtures"_s) : ownFixtures.path();
        QString error;
        if (!prepareJobsFixtures(fixtures, downloadBytes, &error)) {
            std::fprintf(stderr, "fixtures: %s\n", qPrintable(error));
            return 1;
        }
        std::vector<double> guiGap, idleGap, wall, eventCpu, eventWall;
        qint64 bytes = 0;
        int repaints = 0;
        for (int i = 0; i < jobsRuns; ++i) {
            const JobsStall j = spawnJobs(QCoreApplication::applicationFilePath(), fixtures, downloadBytes);
            if (!j.ok) {
                std::fprintf(stderr, "jobs run failed: %s\n", qPrintable(j.error));
                return 1;
            }
            guiGap.push_back(j.guiMaxGapMs);
            eventCpu.push_back(j.maxEventCpuMs);
            eventWall.push_back(j.maxEventWallMs);
            idleGap.push_back(j.idleMaxGapMs);
            wall.push_back(j.wallSeconds);
            bytes = j.bytesDownloaded;
            repaints = j.progressRepaints;
            std::printf("jobs run %d: longest GUI-thread stall %.1f ms (idle thread %.1f ms) over "
                        "%.1f s; longest GUI event %.1f ms CPU (%s), %.1f ms wall; %lld bytes "
                        "downloaded, %d table updates\n",
                        i + 1, j.guiMaxGapMs, j.idleMaxGapMs, j.wallSeconds, j.maxEventCpuMs,
                        qPrintable(j.maxEventWhat), j.maxEventWallMs,
                        static_cast<long long>(j.bytesDownloaded), j.progressRepaints);
        }
        const double worst = *std::max_element(guiGap.begin(), guiGap.end());
        const double worstCpu = *std::max_element(eventCpu.begin(), eventCpu.end());
        out << u"### GUI thread during 3 downloads + 1 quantization\n\n"_s
            << u"`bench_gui --jobs-runs %1 --download-mb %2`: the real window, service and engines "
               u"against the fake Hub (its own thread) serving generated llama checkpoints; three "
               u"downloads of %3 of weights each (CDN throttled to about 8 s each at the asked size, "
               u"4 connections per file, 3 at once) and the 4-bit NF4 quantization (CPU) of a %4 "
               u"checkpoint, "
               u"all started together. A 5 ms timer on the GUI thread records its longest gap "
               u"until the four jobs end; the same timer on an idle thread gives the machine's "
               u"own scheduling noise in the same run.\n\n"_s.arg(jobsRuns)
                   .arg(downloadBytes / 1'000'000)
                   .arg(formatBytes(downloadWeightBytes(downloadBytes)))
                   .arg(formatBytes(quantizeWeightBytes(downloadBytes)))
            << u"| measure | median | worst run | reference (idle thread, median) |\n|---|---|---|---|\n"_s
            << u"| longest GUI-thread stall | %1 ms | %2 ms | %3 ms |\n"_s.arg(median(guiGap), 0, 'f', 1)
                   .arg(worst, 0, 'f', 1)
                   .arg(median(idleGap), 0, 'f', 1)
            << u"| longest single GUI-thread event, CPU time (the app's own work) | %1 ms | %2 ms | |\n"_s
                   .arg(median(eventCpu), 0, 'f', 1)
                   .arg(worstCpu, 0, 'f', 1)
            << u"| longest single GUI-thread event, wall time | %1 ms | %2 ms | |\n"_s
                   .arg(median(eventWall), 0, 'f', 1)
                   .arg(*std::max_element(eventWall.begin(), eventWall.end()), 0, 'f', 1)
            << u"| wall time of the four jobs | %1 s | | |\n\n"_s.arg(median(wall), 0, 'f', 1)
            << u"%1 downloaded per run; the table applied %2 batched updates in the last run.\n\n"_s
                   .arg(formatBytes(bytes))
                   .arg(repaints)
            << u"Target ≤ 50 ms GUI-thread stall: %1 (heartbeat gap, every run); the app's own "
               u"longest event %2 ms CPU.\n\n"_s.arg(worst <= 50 ? u"met"_s : u"NOT met"_s)
                   .arg(worstCpu, 0, 'f', 1);
    }
    std::printf("\n%s", qPrintable(report));
    if (cli.isSet(u"append"_s)) {
        QFile f(cli.value(u"append"_s));
        if (!f.open(QIODevice::Append | QIODevice::Text))
            return 1;
        f.write(u"\n"_s.toUtf8() + report.toUtf8());
    }
    return 0;
}
