#pragma once

#include "common/result.h"

#include <QCommandLineParser>
#include <QString>

#include <cstdio>

namespace mistudio::cli {

// A secret given on the command line (`--token VALUE`) is visible to every local user in the
// process list (ps, /proc/PID/cmdline). Each secret option therefore comes in three forms:
//   --NAME VALUE       kept for compatibility, and its help says why not to use it;
//   --NAME-file PATH   the first line of PATH;
//   --NAME-stdin       the first line of standard input (a pipe, a here-string).
class SecretOption final
{
public:
    // `plainAllowed`: also offer --NAME VALUE (options that existed before).
    SecretOption(QString name, QString what, bool plainAllowed = true);

    void addTo(QCommandLineParser &parser) const;
    // The secret, or an empty string when none of the forms was given. Errors: more than one
    // form, an unreadable or empty file, empty input.
    Result<QString> read(const QCommandLineParser &parser, std::FILE *stdinFile = stdin) const;

private:
    QString m_name;
    QString m_what;
    bool m_plainAllowed;
};

} // namespace mistudio::cli
