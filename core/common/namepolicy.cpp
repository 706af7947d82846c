#include "common/namepolicy.h"

#include "safefs/pathrules.h"

#include <QHash>

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

constexpr char32_t kLoneSurrogate = 0xFFFFFFFF;

// Calls fn(code point) for each character of `text`; half of a surrogate pair is kLoneSurrogate.
template<class Fn>
void forEachCodePoint(QStringView text, Fn fn)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        char32_t cp = c.unicode();
        if (c.isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate())
            cp = QChar::surrogateToUcs4(c, text[++i]);
        else if (c.isSurrogate())
            cp = kLoneSurrogate;
        if (!fn(cp))
            return;
    }
}

// A code point a name may not hold, beyond the byte-level rules: anything Unicode calls a
// control or a format character, line and paragraph separators, and halves of a surrogate pair.
const char *badCharacter(QStringView text)
{
    const char *why = nullptr;
    forEachCodePoint(text, [&why](char32_t c) {
        if (c == kLoneSurrogate) {
            why = "contains half of a UTF-16 surrogate pair";
            return false;
        }
        switch (QChar::category(c)) {
        case QChar::Other_Control:
            why = "contains a control character";
            break;
        case QChar::Other_Format:
            why = "contains a bidirectional or invisible formatting character";
            break;
        case QChar::Separator_Line:
        case QChar::Separator_Paragraph:
            why = "contains a line or paragraph separator";
            break;
        default:
            break;
        }
        return why == nullptr;
    });
    return why;
}

Error unsafe(QStringView path, const QString &reason)
{
    return Error::make(ErrorCode::UnsafePath,
                       u"Unsafe file name '%1': it %2"_s.arg(escapeForMessage(path), reason),
                       {{u"path"_s, path.toString()}, {u"reason"_s, reason}});
}

QString fold(QStringView s)
{
    return s.toString().normalized(QString::NormalizationForm_C).toCaseFolded();
}

} // namespace

QString escapeForMessage(QStringView text)
{
    QString out;
    forEachCodePoint(text, [&out](char32_t c) {
        const QChar::Category cat = c == kLoneSurrogate ? QChar::Other_Surrogate : QChar::category(c);
        const bool hidden = cat == QChar::Other_Control || cat == QChar::Other_Format
            || cat == QChar::Separator_Line || cat == QChar::Separator_Paragraph || cat == QChar::Other_Surrogate;
        if (c == kLoneSurrogate)
            out += u"\\ufffd"_s;
        else if (hidden)
            out += u"\\u%1"_s.arg(uint(c), 4, 16, QLatin1Char('0'));
        else
            out += QString::fromUcs4(&c, 1);
        return true;
    });
    return out;
}

Status validateRepoPath(QStringView path)
{
    if (const char *why = badCharacter(path))
        return unsafe(path, QString::fromLatin1(why));
    const QByteArray utf8 = path.toUtf8();
    if (const char *why = safefs::relativePathProblem(std::string_view(utf8.constData(), size_t(utf8.size()))))
        return unsafe(path, QString::fromLatin1(why));
    if (path.endsWith(u".incomplete"_s, Qt::CaseInsensitive) || path.endsWith(u".incomplete.tmp"_s, Qt::CaseInsensitive))
        return unsafe(path, u"ends in '.incomplete', a name reserved for partial downloads"_s);
    return {};
}

Status validateRepoPaths(const QStringList &paths)
{
    for (const QString &p : paths) {
        if (Status s = validateRepoPath(p); !s)
            return s;
    }
    // Folded name -> the entry it came from, for files and for the directories they sit in.
    QHash<QString, QString> files;
    QHash<QString, QString> dirs;
    auto collision = [](const QString &a, const QString &b, const QString &why) {
        return Error::make(ErrorCode::UnsafePath,
                           u"Unsafe file names '%1' and '%2': %3"_s.arg(escapeForMessage(a), escapeForMessage(b), why),
                           {{u"path"_s, b}, {u"other_path"_s, a}, {u"reason"_s, why}});
    };
    const QString caseWhy = u"they differ only in case or Unicode form, and would overwrite each other on a "
                            u"case-insensitive file system"_s;
    for (const QString &p : paths) {
        const QString folded = fold(p);
        if (const auto it = files.constFind(folded); it != files.cend())
            return collision(*it, p, *it == p ? u"the same name is listed twice"_s : caseWhy);
        files.insert(folded, p);
        for (qsizetype slash = p.indexOf(u'/'); slash >= 0; slash = p.indexOf(u'/', slash + 1)) {
            const QString dir = p.left(slash);
            const QString foldedDir = fold(dir);
            const auto it = dirs.constFind(foldedDir);
            if (it == dirs.cend())
                dirs.insert(foldedDir, dir);
            else if (*it != dir)
                return collision(*it, dir, caseWhy);
        }
    }
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        if (const auto d = dirs.constFind(it.key()); d != dirs.cend())
            return collision(*d, it.value(), u"one is a file and the other a folder of the same name"_s);
    }
    return {};
}

Status validateDisplayName(QStringView name)
{
    auto invalid = [&](const QString &why) {
        return Error::make(ErrorCode::InvalidInput, u"Invalid model name '%1': it %2"_s.arg(escapeForMessage(name), why),
                           {{u"field"_s, u"name"_s}});
    };
    if (name.size() > kMaxDisplayNameLength)
        return invalid(u"is longer than %1 characters"_s.arg(kMaxDisplayNameLength));
    if (const char *why = badCharacter(name))
        return invalid(QString::fromLatin1(why));
    return {};
}

} // namespace mistudio
