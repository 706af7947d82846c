#pragma once

#include <QProcessEnvironment>
#include <QString>

namespace mistudio::hfcache {

// Where huggingface_hub keeps its cache, by the same precedence it uses: an explicit folder,
// then HF_HUB_CACHE, the legacy HUGGINGFACE_HUB_CACHE, HF_HOME/hub, XDG_CACHE_HOME/huggingface/hub
// and finally ~/.cache/huggingface/hub. A leading "~" and $VARS are expanded as Python's
// expanduser/expandvars would.
class CacheLocator final
{
public:
    struct Location
    {
        QString path;   // absolute, cleaned; may not exist yet
        QString source; // what chose it: "explicit", "HF_HUB_CACHE", ..., "default"
    };

    explicit CacheLocator(QProcessEnvironment env = QProcessEnvironment::systemEnvironment(),
                          QString homeDir = QString());

    Location locate(const QString &explicitPath = QString()) const;

private:
    QString expand(const QString &path) const;

    QProcessEnvironment m_env;
    QString m_home;
};

} // namespace mistudio::hfcache
