#include "statusdelegate.h"

#include "localeformat.h"
#include "modeltablemodel.h"
#include "rowstate.h"

#include <QApplication>
#include <QPainter>
#include <QStyle>
#include <QStyleOptionProgressBar>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

static QColor mix(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                            float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

static QColor statusHue(ModelStatus status, const QPalette &palette)
{
    switch (status) {
    case ModelStatus::Ready:
        return QColor(0x2e, 0xa0, 0x43);
    case ModelStatus::Failed:
        return QColor(0xd0, 0x3b, 0x3b);
    case ModelStatus::Downloading:
        return palette.color(QPalette::Highlight);
    case ModelStatus::Quantizing:
        return QColor(0x8a, 0x4f, 0xd8);
    case ModelStatus::Pending:
        break;
    }
    return palette.color(QPalette::PlaceholderText);
}

StatusDelegate::StatusDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{}

QString StatusDelegate::formatEta(qint64 seconds)
{
    return etaText(seconds);
}

QString StatusDelegate::progressDetail(const QModelIndex &index)
{
    QStringList parts;
    const qint64 done = index.data(ModelTableModel::BytesDoneRole).toLongLong();
    const qint64 total = index.data(ModelTableModel::BytesTotalRole).toLongLong();
    if (done >= 0 && total > 0)
        parts << tr("%1 / %2").arg(sizeText(done), sizeText(total));
    else if (done >= 0)
        parts << sizeText(done);
    const double speed = index.data(ModelTableModel::SpeedRole).toDouble();
    if (speed >= 0)
        parts << speedText(speed);
    const QString eta = formatEta(index.data(ModelTableModel::EtaRole).toLongLong());
    if (!eta.isEmpty())
        parts << eta;
    return parts.join(u" · "_s);
}

QSize StatusDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setWidth(std::max(s.width(), option.fontMetrics.horizontalAdvance(u'M') * 28));
    return s;
}

void StatusDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                           const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    // Background and selection as for any cell, without the text.
    opt.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const auto status = ModelStatus(index.data(ModelTableModel::StatusRole).toInt());
    const auto state = RowState(index.data(ModelTableModel::RowStateRole).toInt());
    const bool showsBar = index.data(ModelTableModel::ShowsBarRole).toBool();
    const QRect r = opt.rect.adjusted(4, 3, -4, -3);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);

    if (showsBar) {
        const double percent =
            std::clamp(index.data(ModelTableModel::PercentRole).toDouble(), 0.0, 100.0);
        const auto phase = JobProgress::Phase(index.data(ModelTableModel::PhaseRole).toInt());
        QStyleOptionProgressBar bar;
        bar.initFrom(widget);
        bar.state = opt.state | QStyle::State_Horizontal;
        bar.direction = opt.direction;
        bar.fontMetrics = opt.fontMetrics;
        bar.minimum = 0;
        bar.maximum = 1000;
        bar.progress = int(percent * 10);
        bar.textVisible = true;
        bar.text = percentText(percent);
        QString detail = progressDetail(index);
        auto prefixed = [&detail](const QString &word) {
            return detail.isEmpty() ? word : QString(word + u" · "_s + detail);
        };
        if (state == RowState::Paused || state == RowState::Stopping) {
            // A paused row keeps its bar and bytes, greyed: nothing moves, nothing was lost.
            bar.palette.setColor(QPalette::Highlight, opt.palette.color(QPalette::PlaceholderText));
            detail = prefixed(rowStateText(state));
        } else if (phase == JobProgress::Phase::Quantize) {
            // Quantization has its own colour and says so: the bar alone looks like a download.
            bar.palette.setColor(QPalette::Highlight,
                                 statusHue(ModelStatus::Quantizing, opt.palette));
            detail = prefixed(rowStateText(RowState::Quantizing));
        }
        // A compact bar, so that the figures beside it (bytes, speed, time left) have the room.
        const int barWidth =
            std::min(r.width(), std::max(opt.fontMetrics.horizontalAdvance(percentText(100.0)) + 16,
                                         r.width() / 5));
        bar.rect = QRect(r.left(), r.top(), barWidth, r.height());
        style->drawControl(QStyle::CE_ProgressBar, &bar, painter, widget);
        if (barWidth + 8 < r.width() && !detail.isEmpty()) {
            painter->setPen(opt.palette.color(
                opt.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
            const QRect textRect(r.left() + barWidth + 8, r.top(), r.width() - barWidth - 8,
                                 r.height());
            painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft,
                              opt.fontMetrics.elidedText(detail, Qt::ElideRight, textRect.width()));
        }
        painter->restore();
        return;
    }

    // Badge: tinted pill with the status word; the error of a failed row is in the details
    // pane and the cell's tooltip.
    const QString text = index.data(Qt::DisplayRole).toString();
    const QColor hue =
        state == RowState::NeedsToken ? QColor(0xd9, 0x82, 0x2b) : statusHue(status, opt.palette);
    const QColor base = opt.palette.color(QPalette::Base);
    const bool dark = base.lightnessF() < 0.5;
    const QColor fill = mix(base, hue, dark ? 0.35 : 0.18);
    const QColor fg = dark ? mix(hue, Qt::white, 0.55) : mix(hue, Qt::black, 0.25);
    const int pad = opt.fontMetrics.height() / 2;
    const int w = std::min(r.width(), opt.fontMetrics.horizontalAdvance(text) + 2 * pad);
    const int h = std::min(r.height(), opt.fontMetrics.height() + 4);
    const QRect pill(r.left(), r.center().y() - h / 2, w, h);
    painter->setPen(Qt::NoPen);
    painter->setBrush(fill);
    painter->drawRoundedRect(pill, h / 2.0, h / 2.0);
    painter->setPen(fg);
    painter->drawText(pill, Qt::AlignCenter, text);
    painter->restore();
}

} // namespace mistudio::ui
