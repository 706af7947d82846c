#pragma once

#include <QStyledItemDelegate>

namespace mistudio::ui {

// Paints the Status column only (installed with setItemDelegateForColumn): a progress bar with
// percent, bytes, speed and ETA while a job runs, a coloured badge otherwise. The colours are
// mixed from the current palette so that light and dark themes both read well.
class StatusDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusDelegate)

public:
    explicit StatusDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // "1.2 GB / 5.0 GB · 35 MB/s · 2 min left" (public for tests and the bench).
    static QString progressDetail(const QModelIndex &index);
    static QString formatEta(qint64 seconds);
};

} // namespace mistudio::ui
