#include "server/compat/compatvocabulary.h"

#include <array>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::compat {
namespace {

constexpr std::array kStatusNames = {
    std::pair{Status::Downloading, "downloading"}, std::pair{Status::Loading, "loading"},
    std::pair{Status::Quantizing, "quantizing"},   std::pair{Status::Ready, "ready"},
    std::pair{Status::Error, "error"},
};

constexpr std::array kQuantizationNames = {
    std::pair{Quantization::FP32, "FP32"}, std::pair{Quantization::FP16, "FP16"},
    std::pair{Quantization::Q8, "Q8"},     std::pair{Quantization::Q4, "Q4"},
    std::pair{Quantization::Q2, "Q2"},
};

// "'a', 'b' or 'c'": how pydantic lists the values of an enum in its messages.
template<typename Names>
QString choices(const Names &names)
{
    QString out;
    for (size_t i = 0; i < names.size(); ++i) {
        if (i > 0)
            out += i + 1 == names.size() ? u" or "_s : u", "_s;
        out += u'\'' + QString::fromLatin1(names[i].second) + u'\'';
    }
    return out;
}

} // namespace

QString statusName(Status status)
{
    for (const auto &[s, name] : kStatusNames) {
        if (s == status)
            return QString::fromLatin1(name);
    }
    return u"error"_s;
}

std::optional<Status> statusFromName(QStringView name)
{
    for (const auto &[s, n] : kStatusNames) {
        if (name == QLatin1StringView(n))
            return s;
    }
    return std::nullopt;
}

QString statusChoices()
{
    return choices(kStatusNames);
}

Status statusOf(const ModelRecord &record)
{
    switch (record.status) {
    case ModelStatus::Downloading:
        return Status::Downloading;
    case ModelStatus::Quantizing:
        return Status::Quantizing;
    case ModelStatus::Ready:
        return Status::Ready;
    case ModelStatus::Failed:
        return Status::Error;
    case ModelStatus::Pending:
        // A queued or running job shows as downloading/quantizing (docs/jobs.md); pending is a
        // job that waits for someone (paused, needs a token) or no job at all.
        return Status::Error;
    }
    return Status::Error;
}

QString pendingMessage(QStringView jobState)
{
    if (jobState == u"paused"_s)
        return u"Paused; resume it from miStudio Models (desktop, CLI or /api/v1)"_s;
    if (jobState == u"needs_token"_s)
        return u"Waiting for a Hugging Face token with access to this repository"_s;
    if (jobState == u"cancelled"_s)
        return u"Download cancelled"_s;
    return u"Not downloaded (cancelled, or registered without a download); download it again"_s;
}

QString errorMessageOf(const ModelRecord &record, const std::optional<JobView> &job)
{
    if (statusOf(record) != Status::Error)
        return {};
    if (record.status == ModelStatus::Failed)
        return record.errorMessage.isEmpty() ? u"The download failed"_s : record.errorMessage;
    return pendingMessage(job ? QStringView(job->state) : QStringView());
}

QString quantizationName(Quantization q)
{
    for (const auto &[k, name] : kQuantizationNames) {
        if (k == q)
            return QString::fromLatin1(name);
    }
    return u"FP16"_s;
}

std::optional<Quantization> quantizationFromName(QStringView name)
{
    for (const auto &[k, n] : kQuantizationNames) {
        if (name == QLatin1StringView(n))
            return k;
    }
    return std::nullopt;
}

QString quantizationChoices()
{
    return choices(kQuantizationNames);
}

Quantization quantizationOf(const ModelRecord &record)
{
    if (record.quantization == u"bnb-4bit"_s)
        return Quantization::Q4;
    if (record.quantization == u"bnb-8bit"_s)
        return Quantization::Q8;
    const QString dtype = record.architecture.value(u"torch_dtype"_s).toString();
    return dtype == u"float32"_s || dtype == u"float64"_s ? Quantization::FP32 : Quantization::FP16;
}

Result<DownloadRequest> downloadRequestFor(Quantization q)
{
    DownloadRequest r;
    switch (q) {
    case Quantization::Q4:
        r.quantization = u"bnb-4bit"_s;
        r.quantType = u"nf4"_s;
        r.doubleQuant = true;
        return r;
    case Quantization::Q8:
        r.quantization = u"bnb-8bit"_s;
        return r;
    case Quantization::FP32:
    case Quantization::FP16:
        r.quantization = u"none"_s;
        return r;
    case Quantization::Q2:
        break;
    }
    return Error::make(ErrorCode::InvalidInput,
                       u"Q2 (2-bit) quantization is not supported by this server; choose Q4 "
                       "(bitsandbytes NF4 with double quantization), Q8 (bitsandbytes 8-bit), "
                       "FP16 or FP32 (the checkpoint as published)"_s,
                       {{u"field"_s, u"quantization"_s}});
}

double bytesPerParameter(Quantization q)
{
    switch (q) {
    case Quantization::FP32: return 4.0;
    case Quantization::FP16: return 2.0;
    case Quantization::Q8: return 1.0;
    case Quantization::Q4: return 0.5;
    case Quantization::Q2: return 0.25;
    }
    return 2.0;
}

} // namespace mistudio::compat
