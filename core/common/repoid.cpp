#include "common/repoid.h"

using namespace Qt::Literals::StringLiterals;

namespace mistudio {
namespace {

constexpr qsizetype kMaxPartLength = 96;

bool isIdChar(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9')
        || u == u'_' || u == u'-' || u == u'.';
}

Status checkPart(QStringView part, QStringView what, QStringView full)
{
    auto fail = [&](const QString &why) {
        return Error::make(ErrorCode::InvalidInput,
                           u"Invalid repo id '%1': %2 %3"_s.arg(full.toString(), what.toString(), why),
                           {{u"field"_s, u"repo_id"_s}});
    };
    if (part.isEmpty())
        return fail(u"is empty"_s);
    if (part.size() > kMaxPartLength)
        return fail(u"is longer than %1 characters"_s.arg(kMaxPartLength));
    for (QChar c : part) {
        if (!isIdChar(c))
            return fail(u"contains '%1'; only letters, digits, '-', '_' and '.' are allowed"_s.arg(
                c.isPrint() ? QString(c) : u"\\u%1"_s.arg(uint(c.unicode()), 4, 16, QChar(u'0'))));
    }
    if (part.contains(u"--"_s) || part.contains(u".."_s))
        return fail(u"contains '--' or '..'"_s);
    if (part.startsWith(u'-') || part.startsWith(u'.') || part.endsWith(u'-') || part.endsWith(u'.'))
        return fail(u"starts or ends with '-' or '.'"_s);
    if (part.endsWith(u".git"_s))
        return fail(u"ends with '.git'"_s);
    return {};
}

} // namespace

Result<RepoId> RepoId::parse(QStringView text)
{
    const QString full = text.toString();
    if (text.isEmpty())
        return Error::make(ErrorCode::InvalidInput, u"The repo id is empty"_s,
                           {{u"field"_s, u"repo_id"_s}});
    const qsizetype slash = text.indexOf(u'/');
    RepoId id;
    if (slash < 0) {
        if (auto s = checkPart(text, u"name", full); !s)
            return s.error();
        id.m_name = full;
        return id;
    }
    if (text.indexOf(u'/', slash + 1) >= 0)
        return Error::make(ErrorCode::InvalidInput,
                           u"Invalid repo id '%1': use the form namespace/name"_s.arg(full),
                           {{u"field"_s, u"repo_id"_s}});
    const QStringView ns = text.left(slash);
    const QStringView name = text.mid(slash + 1);
    if (auto s = checkPart(ns, u"namespace", full); !s)
        return s.error();
    if (auto s = checkPart(name, u"name", full); !s)
        return s.error();
    id.m_namespace = ns.toString();
    id.m_name = name.toString();
    return id;
}

Result<RepoId> RepoId::fromDirName(QStringView dirName)
{
    const qsizetype sep = dirName.indexOf(u"--"_s);
    if (sep < 0)
        return parse(dirName);
    const QString joined = dirName.left(sep).toString() + u'/' + dirName.mid(sep + 2);
    return parse(joined);
}

QString RepoId::toString() const
{
    return m_namespace.isEmpty() ? m_name : m_namespace + u'/' + m_name;
}

QString RepoId::dirName() const
{
    return m_namespace.isEmpty() ? m_name : m_namespace + u"--"_s + m_name;
}

bool isCommitSha(QStringView revision)
{
    if (revision.size() != 40)
        return false;
    for (QChar c : revision) {
        const char16_t u = c.unicode();
        if (!((u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f')))
            return false;
    }
    return true;
}

Result<QString> validateRevision(QStringView revision)
{
    auto fail = [&](const QString &why) {
        return Error::make(ErrorCode::InvalidInput,
                           u"Invalid revision '%1': %2"_s.arg(revision.toString(), why),
                           {{u"field"_s, u"revision"_s}});
    };
    if (revision.isEmpty())
        return fail(u"it is empty"_s);
    if (revision.size() > 255)
        return fail(u"it is longer than 255 characters"_s);
    for (QChar c : revision) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c == u'\\' || c.isSpace())
            return fail(u"it contains a control, space or backslash character"_s);
    }
    if (revision.startsWith(u'/') || revision.endsWith(u'/') || revision.contains(u".."_s)
        || revision.contains(u"//"_s))
        return fail(u"it is not a valid branch, tag or commit name"_s);
    return revision.toString();
}

} // namespace mistudio
