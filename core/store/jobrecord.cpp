#include "store/jobrecord.h"

#include <array>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

constexpr std::array kKindNames = {std::pair{JobKind::Download, "download"},
                                   std::pair{JobKind::Quantize, "quantize"}};

constexpr std::array kStateNames = {
    std::pair{JobState::Queued, "queued"},       std::pair{JobState::Running, "running"},
    std::pair{JobState::Paused, "paused"},       std::pair{JobState::NeedsToken, "needs_token"},
    std::pair{JobState::Done, "done"},           std::pair{JobState::Failed, "failed"},
    std::pair{JobState::Cancelled, "cancelled"},
};

template<class Table, class E>
QString nameOf(const Table &table, E value)
{
    for (const auto &[v, name] : table) {
        if (v == value)
            return QString::fromLatin1(name);
    }
    return QString::fromLatin1(table.front().second);
}

template<class E, class Table>
std::optional<E> valueOf(const Table &table, QStringView name)
{
    for (const auto &[v, n] : table) {
        if (name == QLatin1StringView(n))
            return v;
    }
    return std::nullopt;
}

QJsonValue textOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonValue timeOrNull(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
}

} // namespace

QString jobKindName(JobKind kind)
{
    return nameOf(kKindNames, kind);
}

std::optional<JobKind> jobKindFromName(QStringView name)
{
    return valueOf<JobKind>(kKindNames, name);
}

QString jobStateName(JobState state)
{
    return nameOf(kStateNames, state);
}

std::optional<JobState> jobStateFromName(QStringView name)
{
    return valueOf<JobState>(kStateNames, name);
}

bool isAllowedJobTransition(JobState from, JobState to)
{
    using S = JobState;
    switch (from) {
    case S::Queued:
        return to == S::Running || to == S::Paused || to == S::Cancelled;
    case S::Running:
        return to == S::Queued || to == S::Paused || to == S::NeedsToken || to == S::Done
            || to == S::Failed || to == S::Cancelled;
    case S::Paused:
    case S::NeedsToken:
        return to == S::Queued || to == S::Cancelled;
    case S::Failed:
    case S::Cancelled:
    case S::Done:
        return false;
    }
    return false;
}

bool isFinishedJobState(JobState state)
{
    return state == JobState::Done || state == JobState::Failed || state == JobState::Cancelled;
}

bool isActiveJobState(JobState state)
{
    return !isFinishedJobState(state);
}

QString stopRequestName(StopRequest request)
{
    return request == StopRequest::Pause ? u"pause"_s : u"cancel"_s;
}

std::optional<StopRequest> stopRequestFromName(QStringView name)
{
    if (name == u"pause")
        return StopRequest::Pause;
    if (name == u"cancel")
        return StopRequest::Cancel;
    return std::nullopt;
}

QJsonObject JobRecord::toJson() const
{
    return QJsonObject{
        {u"id"_s, id.toString(QUuid::WithoutBraces)},
        {u"model_id"_s, modelId.toString(QUuid::WithoutBraces)},
        {u"kind"_s, jobKindName(kind)},
        {u"state"_s, jobStateName(state)},
        {u"params"_s, params},
        {u"device"_s, device},
        {u"run_device"_s, textOrNull(runDevice)},
        {u"owner_id"_s, textOrNull(ownerId)},
        {u"owner_host"_s, textOrNull(ownerHost)},
        {u"claim_seq"_s, claimSeq},
        {u"lease_until"_s, timeOrNull(leaseUntil)},
        {u"requested_stop"_s, requestedStop ? QJsonValue(stopRequestName(*requestedStop))
                                            : QJsonValue(QJsonValue::Null)},
        {u"position"_s, position},
        {u"progress"_s, progress},
        {u"attempts"_s, attempts},
        {u"last_error"_s, textOrNull(lastError)},
        {u"created_at"_s, timeOrNull(createdAt)},
        {u"updated_at"_s, timeOrNull(updatedAt)},
    };
}

} // namespace mistudio
