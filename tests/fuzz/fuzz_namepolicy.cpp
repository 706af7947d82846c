// The path policy for names from outside (core/common/namepolicy over core/safefs/pathrules): Hub
// tree entries and siblings, shard index entries, file names in API input, and model display
// names. An input is one name (UTF-8, or raw UTF-16 after a leading NUL byte, lone surrogates
// included), and also a list of names separated by '|'.
//
// What an accepted name promises: the byte rules hold too; put under a root it is already
// normalized and stays inside it (no '.', '..', empty component, leading '/', backslash); no
// control character; bounded. An accepted list holds no two names one file system could
// confuse (the same after NFC, or differing only in ASCII case; a file named like another
// entry's folder). A refusal is unsafe_path whose message shows no hidden character.
#include "fuzzcheck.h"
#include "fuzzinput.h"

#include "common/namepolicy.h"
#include "safefs/pathrules.h"

#include <QDir>

#include <string_view>

using namespace mistudio;
using namespace Qt::Literals::StringLiterals;

namespace {

bool hasHiddenCharacter(const QString &s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        const QChar c = s[i];
        if (c.isHighSurrogate() && i + 1 < s.size() && s[i + 1].isLowSurrogate()) {
            const QChar::Category cat = QChar::category(QChar::surrogateToUcs4(c, s[++i]));
            if (cat == QChar::Other_Control || cat == QChar::Other_Format)
                return true;
            continue;
        }
        const QChar::Category cat = c.category();
        if (c.isSurrogate() || cat == QChar::Other_Control || cat == QChar::Other_Format
            || cat == QChar::Separator_Line || cat == QChar::Separator_Paragraph)
            return true;
    }
    return false;
}

QString asciiLower(const QString &s)
{
    QString out = s;
    for (QChar &c : out) {
        if (c.unicode() >= u'A' && c.unicode() <= u'Z')
            c = QChar(c.unicode() + 32);
    }
    return out;
}

const char *bytesProblem(const QString &name)
{
    const QByteArray utf8 = name.toUtf8();
    return safefs::relativePathProblem(std::string_view(utf8.constData(), size_t(utf8.size())));
}

void checkRefusal(const Error &e)
{
    FUZZ_CHECK(e.code == ErrorCode::UnsafePath);
    FUZZ_CHECK(!e.details.value(u"reason"_s).toString().isEmpty());
    FUZZ_CHECK(!hasHiddenCharacter(e.message));
}

void checkOne(const QString &name)
{
    const Status s = validateRepoPath(name);
    if (!s) {
        checkRefusal(s.error());
        FUZZ_CHECK(s.error().details.value(u"path"_s).toString() == name);
        return;
    }
    FUZZ_CHECK(bytesProblem(name) == nullptr);
    const QString inside = u"/root/"_s + name;
    FUZZ_CHECK(QDir::cleanPath(inside) == inside);
    FUZZ_CHECK(!name.contains(u'\\') && !hasHiddenCharacter(name));
    FUZZ_CHECK(!name.endsWith(u".incomplete"_s, Qt::CaseInsensitive));
    FUZZ_CHECK(name.toUtf8().size() <= qsizetype(safefs::kMaxPathBytes));
    for (const QString &part : name.split(u'/'))
        FUZZ_CHECK(!part.isEmpty() && part.toUtf8().size() <= qsizetype(safefs::kMaxComponentBytes));
}

void checkList(const QStringList &names)
{
    const Status s = validateRepoPaths(names);
    if (!s) {
        checkRefusal(s.error());
        return;
    }
    for (qsizetype i = 0; i < names.size(); ++i) {
        FUZZ_CHECK(validateRepoPath(names[i]).ok());
        const QString a = asciiLower(names[i].normalized(QString::NormalizationForm_C));
        for (qsizetype j = 0; j < names.size(); ++j) {
            if (i == j)
                continue;
            const QString b = asciiLower(names[j].normalized(QString::NormalizationForm_C));
            FUZZ_CHECK(a != b);
            FUZZ_CHECK(!b.startsWith(a + u'/')); // a file where another entry needs a folder
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = fuzz::inputText(data, size);
    checkOne(text);

    // The byte rules alone, on the raw bytes (invalid UTF-8 included).
    const std::string_view raw(reinterpret_cast<const char *>(data), size);
    if (safefs::componentProblem(raw) == nullptr)
        FUZZ_CHECK(raw.find('/') == std::string_view::npos);

    const QString shown = escapeForMessage(text);
    FUZZ_CHECK(!hasHiddenCharacter(shown));
    if (!hasHiddenCharacter(text))
        FUZZ_CHECK(shown == text);

    if (validateDisplayName(text).ok())
        FUZZ_CHECK(text.size() <= kMaxDisplayNameLength && !hasHiddenCharacter(text));

    checkList(text.split(u'|'));
    return 0;
}
