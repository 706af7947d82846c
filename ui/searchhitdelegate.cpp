#include "searchhitdelegate.h"

#include "localeformat.h"

#include <QApplication>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QStandardItem>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

static QString compact(qint64 n)
{
    // Hub counts are large and approximate: "1.2M", "34K" (the parameter style reads the same).
    return n < 1000 ? QLocale().toString(n) : paramsText(n);
}

SearchHitDelegate::SearchHitDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{}

QStandardItem *SearchHitDelegate::makeItem(const hub::SearchHit &hit)
{
    auto *item = new QStandardItem(hit.id);
    item->setData(hit.downloads, DownloadsRole);
    item->setData(hit.likes, LikesRole);
    item->setData(hit.gated, GatedRole);
    item->setData(hit.isPrivate, PrivateRole);
    item->setData(hit.lastModified, LastModifiedRole);
    item->setEditable(false);
    item->setToolTip(tr("Enter or click: preview · Ctrl+Enter: download"));
    return item;
}

QString SearchHitDelegate::detailText(const QModelIndex &index)
{
    QStringList parts;
    parts << tr("↓ %1").arg(compact(index.data(DownloadsRole).toLongLong()));
    parts << tr("♥ %1").arg(compact(index.data(LikesRole).toLongLong()));
    const QString gated = index.data(GatedRole).toString();
    if (!gated.isEmpty())
        parts << (gated == u"manual"_s ? tr("gated (approval)") : tr("gated"));
    if (index.data(PrivateRole).toBool())
        parts << tr("private");
    const QDateTime updated = index.data(LastModifiedRole).toDateTime();
    if (updated.isValid())
        parts << tr("updated %1")
                     .arg(QLocale().toString(updated.toLocalTime().date(), QLocale::ShortFormat));
    return parts.join(u" · "_s);
}

QRect SearchHitDelegate::buttonRect(const QStyleOptionViewItem &option, Action action)
{
    const QFontMetrics &fm = option.fontMetrics;
    const int pad = fm.height() / 2;
    const int h = fm.height() + 6;
    const int wDownload = fm.horizontalAdvance(tr("Download")) + 2 * pad;
    const int wPreview = fm.horizontalAdvance(tr("Preview")) + 2 * pad;
    const int y = option.rect.center().y() - h / 2;
    const QRect download(option.rect.right() - 6 - wDownload, y, wDownload, h);
    if (action == Action::Download)
        return download;
    return QRect(download.left() - 6 - wPreview, y, wPreview, h);
}

QSize SearchHitDelegate::sizeHint(const QStyleOptionViewItem &option,
                                  const QModelIndex &index) const
{
    const QFontMetrics &fm = option.fontMetrics;
    const int w = std::max(fm.horizontalAdvance(index.data().toString()),
                           fm.horizontalAdvance(detailText(index))) +
                  fm.horizontalAdvance(tr("Preview") + tr("Download")) + 6 * fm.height();
    return {w, 2 * fm.height() + 12};
}

void SearchHitDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                              const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    QStyle *style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    painter->save();
    const bool selected = opt.state & QStyle::State_Selected;
    const QColor fg = opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text);
    const QRect preview = buttonRect(opt, Action::Preview);
    const QRect text = opt.rect.adjusted(8, 4, -(opt.rect.right() - preview.left() + 8), -4);
    QFont bold = opt.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(fg);
    const QFontMetrics boldMetrics(bold);
    painter->drawText(
        text.adjusted(0, 0, 0, -text.height() / 2), Qt::AlignLeft | Qt::AlignVCenter,
        boldMetrics.elidedText(index.data().toString(), Qt::ElideMiddle, text.width()));
    painter->setFont(opt.font);
    QColor dim = fg;
    dim.setAlphaF(0.7f);
    painter->setPen(dim);
    painter->drawText(text.adjusted(0, text.height() / 2, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                      opt.fontMetrics.elidedText(detailText(index), Qt::ElideRight, text.width()));

    painter->setRenderHint(QPainter::Antialiasing, true);
    for (Action a : {Action::Preview, Action::Download}) {
        const QRect r = buttonRect(opt, a);
        painter->setPen(fg);
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
        painter->drawText(r, Qt::AlignCenter,
                          a == Action::Preview ? tr("Preview") : tr("Download"));
    }
    painter->restore();
}

bool SearchHitDelegate::editorEvent(QEvent *event, QAbstractItemModel *model,
                                    const QStyleOptionViewItem &option, const QModelIndex &index)
{
    if (event->type() == QEvent::MouseButtonRelease) {
        const QPoint pos = static_cast<QMouseEvent *>(event)->position().toPoint();
        m_action =
            buttonRect(option, Action::Download).contains(pos) ? Action::Download : Action::Preview;
    }
    return QStyledItemDelegate::editorEvent(event, model, option, index);
}

SearchHitDelegate::Action SearchHitDelegate::takeAction()
{
    const Action a = m_action;
    m_action = Action::Preview;
    return a;
}

} // namespace mistudio::ui
