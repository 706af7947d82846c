#include "icons.h"

#include <QHash>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

QIcon icon(const QString &name)
{
    static const QHash<QString, QString> kTheme = {
        {u"cancel"_s, u"process-stop"_s},
        {u"pause"_s, u"media-playback-pause"_s},
        {u"resume"_s, u"media-playback-start"_s},
        {u"retry"_s, u"view-refresh"_s},
        {u"refresh"_s, u"view-refresh"_s},
        {u"delete"_s, u"edit-delete"_s},
        {u"folder"_s, u"folder-open"_s},
        {u"copy"_s, u"edit-copy"_s},
        {u"search"_s, u"edit-find"_s},
        {u"add"_s, u"list-add"_s},
        {u"settings"_s, u"preferences-system"_s},
        {u"export"_s, u"document-save-as"_s},
        {u"warning"_s, u"dialog-warning"_s},
    };
    const QIcon fallback(u":/icons/"_s + name + u".svg"_s);
    const QString theme = kTheme.value(name);
    return theme.isEmpty() ? fallback : QIcon::fromTheme(theme, fallback);
}

} // namespace mistudio::ui
