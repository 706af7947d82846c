// The API's JSON request bodies (core/server/jsonbody) on hostile bytes: JsonBody::parseObject as
// every POST route calls it, then the typed readers with the fields and limits of the routes
// (POST /models, /models/{id}/download, /preview, /quantize, the control actions) plus the
// widest integer range. A reader either returns a value inside its limits or records an error
// naming the field; it never returns something it was told to refuse.
#include "fuzzcheck.h"
#include "fuzzinput.h"

#include "common/units.h"
#include "server/jsonbody.h"

#include <QJsonArray>

#include <limits>

using namespace mistudio;
using namespace Qt::Literals::StringLiterals;

namespace {

const QStringList kKeys{u"repo_id"_s, u"name"_s, u"revision"_s, u"quantization"_s, u"hf_token"_s, u"include"_s,
                        u"exclude"_s, u"connections"_s, u"max_bandwidth"_s, u"bnb_4bit_quant_type"_s,
                        u"bnb_4bit_use_double_quant"_s, u"mode"_s, u"device"_s, u"n"_s};

bool present(const QJsonObject &o, const QString &key)
{
    return o.contains(key) && !o.value(key).isNull();
}

void checkString(JsonBody &b, const QJsonObject &o, const QString &key, bool required, int maxLength)
{
    const auto v = b.string(key, required, maxLength);
    if (v) {
        FUZZ_CHECK(v->size() <= maxLength);
        FUZZ_CHECK(o.value(key).toString() == *v);
        FUZZ_CHECK(!required || !v->isEmpty());
    } else if (present(o, key) || required) {
        FUZZ_CHECK(b.error().has_value());
    }
}

void checkInteger(JsonBody &b, const QJsonObject &o, const QString &key, qint64 min, qint64 max)
{
    const auto v = b.integer(key, min, max);
    if (v)
        FUZZ_CHECK(*v >= min && *v <= max);
    else if (present(o, key))
        FUZZ_CHECK(b.error().has_value());
}

void checkChoice(JsonBody &b, const QJsonObject &o, const QString &key, const QStringList &choices)
{
    const auto v = b.choice(key, choices);
    if (v)
        FUZZ_CHECK(choices.contains(*v));
    else if (present(o, key))
        FUZZ_CHECK(b.error().has_value());
}

void checkStringList(JsonBody &b, const QJsonObject &o, const QString &key, int maxItems)
{
    const auto v = b.stringList(key, maxItems);
    if (v) {
        FUZZ_CHECK(v->size() <= maxItems);
        for (const QString &s : *v)
            FUZZ_CHECK(!s.isEmpty() && s.size() <= 512);
    } else if (present(o, key)) {
        FUZZ_CHECK(b.error().has_value());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body = fuzz::inputBytes(data, size);
    const bool allowEmpty = (size & 1) != 0;
    const auto obj = JsonBody::parseObject(body, allowEmpty);
    if (!obj.ok()) {
        FUZZ_CHECK(obj.error().code == ErrorCode::MalformedRequest);
        return 0;
    }
    const QJsonObject &o = *obj;
    JsonBody b(o, kKeys);
    bool unknown = false;
    for (auto it = o.begin(); it != o.end(); ++it)
        unknown = unknown || !kKeys.contains(it.key());
    FUZZ_CHECK(b.error().has_value() == unknown);

    const QStringList quantizations{u"none"_s, u"bnb-4bit"_s, u"bnb-8bit"_s};
    checkString(b, o, u"repo_id"_s, true, 200);
    checkString(b, o, u"name"_s, false, 255);
    checkString(b, o, u"revision"_s, false, 255);
    checkChoice(b, o, u"quantization"_s, quantizations);
    checkChoice(b, o, u"bnb_4bit_quant_type"_s, {u"nf4"_s, u"fp4"_s});
    const auto dq = b.boolean(u"bnb_4bit_use_double_quant"_s);
    FUZZ_CHECK(!dq || o.value(u"bnb_4bit_use_double_quant"_s).isBool());
    checkString(b, o, u"hf_token"_s, false, 4096);
    checkStringList(b, o, u"include"_s, 64);
    checkStringList(b, o, u"exclude"_s, 64);
    checkInteger(b, o, u"connections"_s, 1, 64);
    const QJsonValue bw = o.value(u"max_bandwidth"_s);
    if (bw.isString()) {
        const auto v = parseByteSize(bw.toString());
        FUZZ_CHECK(!v || *v >= 0);
    } else {
        checkInteger(b, o, u"max_bandwidth"_s, 1, qint64(1) << 50);
    }
    checkString(b, o, u"mode"_s, true, 32);
    checkString(b, o, u"device"_s, false, 32);
    checkInteger(b, o, u"n"_s, std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max());
    if (b.error()) {
        FUZZ_CHECK(b.error()->code == ErrorCode::InvalidInput);
        FUZZ_CHECK(b.error()->details.value(u"field"_s).isString());
    }
    return 0;
}
