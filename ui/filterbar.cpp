#include "filterbar.h"

#include "icons.h"

#include <QAction>
#include <QButtonGroup>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QToolButton>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

FilterBar::FilterBar(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"filterBar"_s);
    m_heading = new QLabel(this);
    m_heading->setObjectName(u"modelsHeading"_s);
    QFont f = m_heading->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.15);
    m_heading->setFont(f);
    m_buttons = new QButtonGroup(this);
    m_buttons->setExclusive(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_heading);
    layout->addSpacing(m_heading->fontMetrics().horizontalAdvance(u'M'));
    for (int c = 0; c < kFilterCategoryCount; ++c) {
        auto *b = new QToolButton(this);
        b->setObjectName(u"category%1"_s.arg(c));
        b->setCheckable(true);
        b->setAutoRaise(true);
        b->setChecked(c == 0);
        m_buttons->addButton(b, c);
        layout->addWidget(b);
    }
    connect(m_buttons, &QButtonGroup::idClicked, this,
            [this](int id) { Q_EMIT categoryChanged(FilterCategory(id)); });
    layout->addStretch();

    m_filter = new QLineEdit(this);
    m_filter->setObjectName(u"modelFilter"_s);
    m_filter->setPlaceholderText(tr("Filter by name or repo id (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->addAction(icon(u"search"_s), QLineEdit::LeadingPosition);
    m_filter->setMinimumWidth(m_filter->fontMetrics().horizontalAdvance(u'M') * 18);
    layout->addWidget(m_filter);
    auto *focusFilter = new QAction(tr("Filter the models"), this);
    focusFilter->setObjectName(u"actionFocusFilter"_s);
    focusFilter->setShortcut(QKeySequence::Find);
    focusFilter->setShortcutContext(Qt::WindowShortcut);
    connect(focusFilter, &QAction::triggered, m_filter, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    addAction(focusFilter);
    setCounts({});
}

FilterBar::~FilterBar() = default;

QToolButton *FilterBar::button(FilterCategory category) const
{
    return qobject_cast<QToolButton *>(m_buttons->button(int(category)));
}

FilterCategory FilterBar::category() const
{
    return FilterCategory(std::max(0, m_buttons->checkedId()));
}

void FilterBar::setCategory(FilterCategory category)
{
    if (QAbstractButton *b = m_buttons->button(int(category)); b && !b->isChecked())
        b->setChecked(true);
}

void FilterBar::setCounts(const std::array<int, kFilterCategoryCount> &counts)
{
    const QLocale loc;
    m_heading->setText(
        tr("Your models (%1)").arg(loc.toString(counts[size_t(FilterCategory::All)])));
    for (int c = 0; c < kFilterCategoryCount; ++c)
        m_buttons->button(c)->setText(
            tr("%1 (%2)").arg(categoryText(FilterCategory(c)), loc.toString(counts[size_t(c)])));
}

} // namespace mistudio::ui
