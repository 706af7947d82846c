// `mistudio models quantize DIR`: the streaming bitsandbytes quantizer from the command line
// (docs/quantization.md). ID mode (a catalogue model) is wired through the service later.
#include "cli/command.h"
#include "cli/exitcodes.h"
#include "cli/output.h"
#include "cli/servicecommands.h"

#include "common/result.h"
#include "quant/quantizer.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <atomic>
#include <memory>
#include <csignal>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void handleInterrupt(int)
{
    g_interrupted.store(true);
}

Error toError(const quant::QuantError &e)
{
    ErrorCode code = ErrorCode::QuantizationFailed;
    errorCodeFromName(QString::fromUtf8(quant::quantErrcName(e.code)), &code);
    QJsonObject details;
    if (!e.tensor.empty())
        details.insert(u"tensor"_s, QString::fromStdString(e.tensor));
    if (!e.path.empty())
        details.insert(u"path"_s, QString::fromStdString(e.path));
    QString message = QString::fromStdString(e.message);
    if (!e.tensor.empty())
        message += u" (tensor "_s + QString::fromStdString(e.tensor) + u')';
    if (!e.path.empty())
        message += u" ("_s + QString::fromStdString(e.path) + u')';
    return Error::make(code, message, details);
}

bool hasSafetensors(const QDir &d)
{
    return d.exists(u"model.safetensors"_s) || d.exists(u"model.safetensors.index.json"_s);
}

bool hasPytorchBin(const QDir &d)
{
    return d.exists(u"pytorch_model.bin"_s) || d.exists(u"pytorch_model.bin.index.json"_s);
}

// A checkpoint with only PyTorch .bin weights: convert them with mistudio-bin2safetensors (which
// holds LibTorch, so this binary never loads it) into `work`, with config and companion files,
// and quantize from there.
Result<QString> convertBin(const QString &input, const QString &work)
{
    const QString tool = QDir(QCoreApplication::applicationDirPath()).filePath(u"mistudio-bin2safetensors"_s);
    if (!QFileInfo(tool).isExecutable())
        return Error::make(ErrorCode::UnsupportedCheckpoint,
                           u"the checkpoint has only PyTorch .bin weights and this build has no LibTorch reader "
                           u"(mistudio-bin2safetensors)"_s);
    QProcess proc;
    proc.start(tool, {input, work});
    proc.waitForFinished(-1);
    if (proc.exitStatus() != QProcess::NormalExit || proc.exitCode() != 0) {
        const QJsonObject e = QJsonDocument::fromJson(proc.readAllStandardError().trimmed()).object();
        ErrorCode code = ErrorCode::InvalidCheckpoint;
        if (!errorCodeFromName(e.value(u"code"_s).toString(), &code))
            code = proc.exitStatus() == QProcess::NormalExit ? ErrorCode::InvalidCheckpoint : ErrorCode::Internal;
        return Error::make(code, e.value(u"message"_s).toString(u"converting the .bin weights failed"_s));
    }
    const QDir in(input);
    for (const QFileInfo &fi : in.entryInfoList(QDir::Files)) {
        const std::string name = fi.fileName().toStdString();
        if (name == "config.json" || quant::isCompanionFile(name))
            QFile::copy(fi.absoluteFilePath(), QDir(work).filePath(fi.fileName()));
    }
    return work;
}

int runQuantize(Context &ctx)
{
    QCommandLineParser p;
    p.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsOptions);
    p.addPositionalArgument(u"DIR"_s, u"Checkpoint directory (config.json + safetensors)."_s);
    const QCommandLineOption mode(u"mode"_s, u"bnb-4bit or bnb-8bit (required)."_s, u"MODE"_s);
    const QCommandLineOption quantType(u"quant-type"_s, u"nf4 (default) or fp4, for bnb-4bit."_s, u"TYPE"_s, u"nf4"_s);
    const QCommandLineOption noDq(u"no-double-quant"_s, u"Do not quantize the absmax statistics again."_s);
    const QCommandLineOption dtype(u"dtype"_s, u"bfloat16 (default), float16, float32 or auto (the checkpoint's)."_s,
                                   u"DTYPE"_s, u"bfloat16"_s);
    const QCommandLineOption device(u"device"_s, u"auto (default: GPU 0 if usable, else CPU), cpu, cuda or cuda:N."_s,
                                    u"DEVICE"_s, u"auto"_s);
    const QCommandLineOption output(u"output"_s, u"Output directory (default DIR/quantized)."_s, u"DIR"_s);
    const QCommandLineOption threads(u"threads"_s, u"CPU threads (default: all cores)."_s, u"N"_s, u"0"_s);
    const QCommandLineOption overwrite(u"overwrite"_s, u"Replace an existing output directory."_s);
    const QCommandLineOption jsonProgress(u"json-progress"_s, u"Print progress and the result as NDJSON events."_s);
    const QCommandLineOption json(u"json"_s, u"Print the result (or error) as JSON."_s);
    const QCommandLineOption help({u"h"_s, u"help"_s}, u"Show this help."_s);
    for (const auto &o : {mode, quantType, noDq, dtype, device, output, threads, overwrite, jsonProgress, json, help})
        p.addOption(o);

    const bool parsed = p.parse(ctx.args);
    const bool asJson = ctx.args.contains(u"--json"_s) || ctx.args.contains(u"--json-progress"_s);
    auto fail = [&](const Error &e) {
        if (asJson)
            ctx.out << QJsonDocument(QJsonObject{{u"event"_s, u"quantize_failed"_s},
                                                 {u"error"_s, errorJson(e)}})
                           .toJson(QJsonDocument::Compact)
                    << '\n';
        else
            ctx.err << "mistudio: " << e.message << '\n';
        return exitCodeFor(e.code);
    };
    auto usage = [&](const QString &msg) { return fail(Error::make(ErrorCode::InvalidInput, msg)); };
    if (!parsed)
        return usage(p.errorText());
    if (p.isSet(help)) {
        ctx.out << "Usage: mistudio models quantize DIR --mode bnb-4bit|bnb-8bit [--quant-type nf4|fp4]\n"
                   "         [--no-double-quant] [--dtype bfloat16|float16|float32|auto] [--device auto|cpu|cuda[:N]]\n"
                   "         [--output DIR] [--threads N] [--overwrite] [--json-progress] [--json]\n\n"
                   "Writes a bitsandbytes-quantized checkpoint that transformers loads as if bitsandbytes had\n"
                   "written it. DIR is a checkpoint directory; quantizing a catalogue model by id goes through\n"
                   "the service. See docs/quantization.md.\n";
        ctx.out << p.helpText().section(u"Options:"_s, 1).prepend(u"\nOptions:"_s);
        return ExitOk;
    }
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 1)
        return usage(pos.isEmpty() ? u"Missing DIR"_s : u"Too many arguments"_s);
    const QFileInfo dir(pos.first());
    // Not a directory: a catalogue model (id, id prefix or repo id), quantized by the service.
    if (!dir.isDir() && !QFileInfo::exists(pos.first()) && p.isSet(mode)) {
        QuantizeRequest q;
        q.mode = p.value(mode);
        q.device = p.value(device).isEmpty() ? u"auto"_s : p.value(device);
        q.quantType = p.value(quantType);
        q.doubleQuant = !p.isSet(noDq);
        return quantizeCatalogueModel(ctx, pos.first(), q, p.isSet(jsonProgress));
    }
    if (!dir.isDir()) {
        return usage(pos.first().contains(u'/') && !pos.first().startsWith(u'/') && !pos.first().startsWith(u'.')
                         ? u"%1 is not a directory (quantizing a catalogue model by id goes through the service; "
                           u"pass the model's directory)"_s.arg(pos.first())
                         : u"%1 is not a directory"_s.arg(pos.first()));
    }

    quant::QuantizeRequest req;
    req.inputDir = dir.absoluteFilePath().toStdString();
    std::unique_ptr<QTemporaryDir> binWork;
    if (!hasSafetensors(QDir(dir.absoluteFilePath())) && hasPytorchBin(QDir(dir.absoluteFilePath()))) {
        binWork = std::make_unique<QTemporaryDir>(dir.absoluteFilePath() + u"/.bin-convert-XXXXXX"_s);
        if (!binWork->isValid())
            return fail(Error::make(ErrorCode::IoError, u"cannot create a work directory in %1"_s.arg(pos.first())));
        if (!p.isSet(json) && !p.isSet(jsonProgress))
            ctx.err << "quantize: converting PyTorch .bin weights to safetensors\n";
        auto converted = convertBin(dir.absoluteFilePath(), binWork->path());
        if (!converted)
            return fail(converted.error());
        req.inputDir = converted->toStdString();
    }
    req.outputDir = (p.isSet(output) ? QFileInfo(p.value(output)).absoluteFilePath()
                                     : QDir(dir.absoluteFilePath()).filePath(u"quantized"_s))
                        .toStdString();
    const QString m = p.value(mode);
    if (m == u"bnb-4bit"_s)
        req.options.mode = quant::QuantMode::Bnb4bit;
    else if (m == u"bnb-8bit"_s)
        req.options.mode = quant::QuantMode::Bnb8bit;
    else
        return usage(m.isEmpty() ? u"--mode is required (bnb-4bit or bnb-8bit)"_s : u"Unknown --mode %1"_s.arg(m));
    const QString qt = p.value(quantType);
    if (qt != u"nf4"_s && qt != u"fp4"_s)
        return usage(u"Unknown --quant-type %1 (nf4 or fp4)"_s.arg(qt));
    req.options.quantType = qt == u"fp4"_s ? quant::QuantType::FP4 : quant::QuantType::NF4;
    req.options.doubleQuant = !p.isSet(noDq);
    const QString dt = p.value(dtype);
    if (dt == u"auto"_s) {
        req.options.dtype.reset();
    } else if (dt == u"bfloat16"_s || dt == u"float16"_s || dt == u"float32"_s) {
        req.options.dtype = quant::dtypeFromTorchName(dt.toStdString());
    } else {
        return usage(u"Unknown --dtype %1 (bfloat16, float16, float32 or auto)"_s.arg(dt));
    }
    const QString dev = p.value(device);
    if (dev == u"auto"_s) {
        req.device = quant::DeviceKind::Auto;
    } else if (dev == u"cpu"_s) {
        req.device = quant::DeviceKind::Cpu;
    } else if (dev == u"cuda"_s || dev.startsWith(u"cuda:"_s)) {
        req.device = quant::DeviceKind::Cuda;
        bool ok = true;
        req.cudaDevice = dev == u"cuda"_s ? 0 : dev.mid(5).toInt(&ok);
        if (!ok || req.cudaDevice < 0)
            return usage(u"Bad --device %1"_s.arg(dev));
    } else {
        return usage(u"Unknown --device %1 (auto, cpu, cuda or cuda:N)"_s.arg(dev));
    }
    bool threadsOk = false;
    const int nThreads = p.value(threads).toInt(&threadsOk);
    if (!threadsOk || nThreads < 0)
        return usage(u"Bad --threads %1"_s.arg(p.value(threads)));
    req.threads = unsigned(nThreads);
    req.overwrite = p.isSet(overwrite);

    g_interrupted.store(false);
    auto previous = std::signal(SIGINT, handleInterrupt);
    const bool ndjson = p.isSet(jsonProgress);
    int lastPercent = -1;
    auto progress = [&](const quant::QuantizeProgress &pr) {
        if (ndjson) {
            ctx.out << QJsonDocument(QJsonObject{{u"event"_s, u"quantize_progress"_s},
                                                 {u"tensor_index"_s, pr.tensorIndex},
                                                 {u"tensor_count"_s, pr.tensorCount},
                                                 {u"bytes_in"_s, double(pr.bytesIn)},
                                                 {u"bytes_out"_s, double(pr.bytesOut)},
                                                 {u"total_bytes_in"_s, double(pr.totalBytesIn)},
                                                 {u"tensor"_s, QString::fromStdString(pr.tensorName)}})
                           .toJson(QJsonDocument::Compact)
                    << '\n';
            ctx.out.flush();
        } else if (!p.isSet(json)) {
            const int percent = pr.totalBytesIn ? int(100 * pr.bytesIn / pr.totalBytesIn) : 100;
            if (percent / 5 != lastPercent / 5) {
                ctx.err << "quantize: " << percent << "% (" << pr.tensorIndex << '/' << pr.tensorCount << " tensors)\n";
                ctx.err.flush();
                lastPercent = percent;
            }
        }
        return !g_interrupted.load();
    };
    auto result = quant::quantizeCheckpoint(req, progress);
    std::signal(SIGINT, previous);
    if (!result)
        return fail(toError(result.error()));

    const quant::QuantizeReport &r = *result;
    QJsonArray files;
    for (const auto &f : r.files)
        files.append(QString::fromStdString(f));
    QJsonArray skipped;
    for (const auto &f : r.skippedFiles)
        skipped.append(QString::fromStdString(f));
    const QJsonObject done{{u"event"_s, u"quantize_completed"_s},
                           {u"output"_s, QString::fromStdString(req.outputDir)},
                           {u"mode"_s, m},
                           {u"device"_s, QString::fromStdString(r.device)},
                           {u"fallback_reason"_s, QString::fromStdString(r.fallbackReason)},
                           {u"family"_s, QString::fromStdString(r.plan.family)},
                           {u"quantized_tensors"_s, r.plan.quantizedCount},
                           {u"tensors"_s, int(r.plan.tensors.size())},
                           {u"bytes_in"_s, double(r.bytesIn)},
                           {u"bytes_out"_s, double(r.bytesOut)},
                           {u"seconds"_s, r.seconds},
                           {u"files"_s, files},
                           {u"skipped_links"_s, skipped}};
    if (asJson) {
        ctx.out << QJsonDocument(done).toJson(QJsonDocument::Compact) << '\n';
    } else {
        if (!r.fallbackReason.empty())
            ctx.err << "quantize: no GPU (" << QString::fromStdString(r.fallbackReason) << "), used the CPU\n";
        for (const auto &f : r.skippedFiles)
            ctx.err << "quantize: not copied: " << QString::fromStdString(f) << " is a symbolic link\n";
        ctx.out << "Quantized " << r.plan.quantizedCount << " of " << r.plan.tensors.size() << " tensors ("
                << QString::fromStdString(r.plan.family) << ") on " << QString::fromStdString(r.device) << " in "
                << QString::number(r.seconds, 'f', 1) << " s: " << QString::number(double(r.bytesIn) / 1e9, 'f', 2)
                << " GB -> " << QString::number(double(r.bytesOut) / 1e9, 'f', 2) << " GB\n"
                << QString::fromStdString(req.outputDir) << '\n';
    }
    return ExitOk;
}

} // namespace

void registerQuantizeCommands(Registry &registry)
{
    registry.add({{u"models"_s, u"quantize"_s}, u"Quantize a catalogue model or a checkpoint directory (bitsandbytes 4/8-bit)"_s,
                  runQuantize});
}

} // namespace mistudio::cli
