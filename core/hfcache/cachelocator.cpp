#include "hfcache/cachelocator.h"

#include <QDir>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::hfcache {

CacheLocator::CacheLocator(QProcessEnvironment env, QString homeDir)
    : m_env(std::move(env))
    , m_home(homeDir.isEmpty() ? QDir::homePath() : std::move(homeDir))
{}

QString CacheLocator::expand(const QString &path) const
{
    QString p = path;
    if (p == u"~"_s || p.startsWith(u"~/"_s))
        p = m_home + p.mid(1);
    // $NAME and ${NAME}; unknown variables stay as written, as in os.path.expandvars.
    static const QRegularExpression var(u"\\$(\\w+|\\{[^}]*\\})"_s);
    QString out;
    qsizetype last = 0;
    for (auto it = var.globalMatch(p); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        QString name = m.captured(1);
        if (name.startsWith(u'{'))
            name = name.mid(1, name.size() - 2);
        out += p.mid(last, m.capturedStart() - last);
        out += m_env.contains(name) ? m_env.value(name) : m.captured(0);
        last = m.capturedEnd();
    }
    out += p.mid(last);
    return QDir::cleanPath(QDir(m_home).absoluteFilePath(out));
}

CacheLocator::Location CacheLocator::locate(const QString &explicitPath) const
{
    if (!explicitPath.isEmpty())
        return {expand(explicitPath), u"explicit"_s};
    // An empty variable counts as set in Python's os.getenv, but an empty cache path is never
    // what a user meant, so it is skipped here.
    for (const QString &name : {u"HF_HUB_CACHE"_s, u"HUGGINGFACE_HUB_CACHE"_s}) {
        const QString v = m_env.value(name);
        if (!v.isEmpty())
            return {expand(v), name};
    }
    if (const QString home = m_env.value(u"HF_HOME"_s); !home.isEmpty())
        return {expand(home + u"/hub"_s), u"HF_HOME"_s};
    if (const QString xdg = m_env.value(u"XDG_CACHE_HOME"_s); !xdg.isEmpty())
        return {expand(xdg + u"/huggingface/hub"_s), u"XDG_CACHE_HOME"_s};
    return {expand(u"~/.cache/huggingface/hub"_s), u"default"_s};
}

} // namespace mistudio::hfcache
