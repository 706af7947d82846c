#pragma once

#include "common/result.h"

#include <QString>

namespace mistudio {

// A validated Hub repo id: "namespace/name" or a legacy canonical "name".
// Validation follows the Hub's rules (docs/hub.md H1) restricted to ASCII, so a repo id
// can always be turned into one safe directory name and back.
class RepoId
{
public:
    RepoId() = default;

    static Result<RepoId> parse(QStringView text);
    // Reverse of dirName(): "org--name" → "org/name", "gpt2" → "gpt2".
    static Result<RepoId> fromDirName(QStringView dirName);

    bool isValid() const { return !m_name.isEmpty(); }
    QString nameSpace() const { return m_namespace; }
    QString name() const { return m_name; }
    QString toString() const;
    // One path component, reversible: the Hub forbids "--" in ids, so "/" → "--" is safe.
    QString dirName() const;

    friend bool operator==(const RepoId &, const RepoId &) = default;

private:
    QString m_namespace;
    QString m_name;
};

// Revision names: branch, tag, 40-hex commit or refs/pr/N. Rejects control characters,
// "..", leading "/", backslashes and over-long values.
Result<QString> validateRevision(QStringView revision);
bool isCommitSha(QStringView revision);

} // namespace mistudio
