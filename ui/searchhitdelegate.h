#pragma once

#include "hub/hubtypes.h"

#include <QStyledItemDelegate>

class QStandardItem;

namespace mistudio::ui {

// One Hub search result in the repo field's suggestion list, as on the Hub's own search: the
// id, then downloads, likes, a gated badge and the last update, with Preview and Download
// buttons on the right. Which button a click hit is kept for the form (takeAction()).
class SearchHitDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SearchHitDelegate)

public:
    enum Role
    {
        DownloadsRole = Qt::UserRole + 1,
        LikesRole,
        GatedRole,       // QString: "", "auto", "manual"
        PrivateRole,     // bool
        LastModifiedRole // QDateTime
    };
    enum class Action
    {
        Preview,
        Download
    };

    explicit SearchHitDelegate(QObject *parent = nullptr);

    static QStandardItem *makeItem(const hub::SearchHit &hit);
    // The second line of a result: "↓ 1.2M · ♥ 340 · gated · updated 3 May 2025".
    static QString detailText(const QModelIndex &index);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                     const QModelIndex &index) override;

    // The button the last click hit (Preview when the row itself was clicked); resets it.
    Action takeAction();
    // Where the buttons are drawn in a row's rectangle (tests click them).
    static QRect buttonRect(const QStyleOptionViewItem &option, Action action);

private:
    Action m_action = Action::Preview;
};

} // namespace mistudio::ui
