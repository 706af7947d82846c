#include "cli/secretoption.h"

#include <QFile>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::cli {
namespace {

// A token is one line; anything longer than this is not a token file.
constexpr qint64 kMaxSecretBytes = 64 * 1024;

Result<QString> firstLine(QFile &file, const QString &source)
{
    const QByteArray line = file.readLine(kMaxSecretBytes).trimmed();
    if (line.isEmpty())
        return Error::make(ErrorCode::InvalidInput, u"No secret in %1"_s.arg(source));
    return QString::fromUtf8(line);
}

} // namespace

SecretOption::SecretOption(QString name, QString what, bool plainAllowed)
    : m_name(std::move(name))
    , m_what(std::move(what))
    , m_plainAllowed(plainAllowed)
{}

void SecretOption::addTo(QCommandLineParser &parser) const
{
    if (m_plainAllowed)
        parser.addOption(
            {m_name,
             u"%1. Visible to other local users in the process list: prefer --%2-file or --%2-stdin."_s
                 .arg(m_what, m_name),
             u"VALUE"_s});
    parser.addOption(
        {m_name + u"-file"_s, u"%1, read from the first line of PATH."_s.arg(m_what), u"PATH"_s});
    parser.addOption(
        {m_name + u"-stdin"_s, u"%1, read from the first line of standard input."_s.arg(m_what)});
}

Result<QString> SecretOption::read(const QCommandLineParser &parser, std::FILE *stdinFile) const
{
    const bool plain = m_plainAllowed && parser.isSet(m_name);
    const bool file = parser.isSet(m_name + u"-file"_s);
    const bool fromStdin = parser.isSet(m_name + u"-stdin"_s);
    if (int(plain) + int(file) + int(fromStdin) > 1)
        return Error::make(ErrorCode::InvalidInput,
                           u"Give only one of --%1, --%1-file and --%1-stdin"_s.arg(m_name));
    if (plain) {
        const QString v = parser.value(m_name).trimmed();
        if (v.isEmpty())
            return Error::make(ErrorCode::InvalidInput, u"--%1 is empty"_s.arg(m_name));
        return v;
    }
    if (file) {
        const QString path = parser.value(m_name + u"-file"_s);
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return Error::make(
                ErrorCode::IoError,
                u"Cannot read --%1-file '%2': %3"_s.arg(m_name, path, f.errorString()),
                {{u"path"_s, path}});
        return firstLine(f, path);
    }
    if (fromStdin) {
        QFile in;
        if (!in.open(stdinFile, QIODevice::ReadOnly))
            return Error::make(ErrorCode::IoError, u"Cannot read standard input"_s);
        return firstLine(in, u"standard input"_s);
    }
    return QString();
}

} // namespace mistudio::cli
