#include "icons.h"

#include <QFile>
#include <QGuiApplication>
#include <QHash>
#include <QPainter>
#include <QPalette>
#include <QSvgRenderer>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

namespace {

// The neutral stroke of our SVGs, and what it becomes on a dark window: a slate grey that reads
// on white disappears on #2b2d31.
constexpr char16_t kNeutral[] = u"#5b6b80";
constexpr char16_t kNeutralOnDark[] = u"#c3ccd8";

bool darkPalette()
{
    return QGuiApplication::palette().color(QPalette::Window).lightnessF() < 0.5;
}

QIcon renderTinted(const QString &resource)
{
    QFile f(resource); // a resource: in memory, no disk access
    if (!f.open(QIODevice::ReadOnly))
        return QIcon(resource);
    QString svg = QString::fromUtf8(f.readAll());
    svg.replace(QString::fromUtf16(kNeutral), QString::fromUtf16(kNeutralOnDark));
    QSvgRenderer renderer(svg.toUtf8());
    QIcon out;
    for (int size : {16, 22, 24, 32, 48, 64, 96, 128}) {
        QPixmap pm(size, size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        renderer.render(&p);
        p.end();
        out.addPixmap(pm);
    }
    return out;
}

} // namespace

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
        {u"up"_s, u"go-up"_s},
        {u"down"_s, u"go-down"_s},
        {u"open"_s, u"internet-web-browser"_s},
    };
    const QString resource = u":/icons/"_s + name + u".svg"_s;
    const QIcon fallback = darkPalette() ? renderTinted(resource) : QIcon(resource);
    const QString theme = kTheme.value(name);
    return theme.isEmpty() ? fallback : QIcon::fromTheme(theme, fallback);
}

} // namespace mistudio::ui
