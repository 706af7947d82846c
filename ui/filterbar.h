#pragma once

#include "rowstate.h"

#include <QWidget>

class QButtonGroup;
class QLabel;
class QLineEdit;
class QToolButton;

namespace mistudio::ui {

// Above the models table: "Your models (N)", one button per state with its count (All,
// Downloading, Paused, Ready, Failed) and the filter box (Ctrl+F from anywhere in the window).
class FilterBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FilterBar)

public:
    explicit FilterBar(QWidget *parent = nullptr);
    ~FilterBar() override;

    QLabel *heading() const { return m_heading; }
    QLineEdit *filterEdit() const { return m_filter; }
    QToolButton *button(FilterCategory category) const;
    FilterCategory category() const;
    void setCategory(FilterCategory category);
    // `counts` by FilterCategory; All is the total.
    void setCounts(const std::array<int, kFilterCategoryCount> &counts);

Q_SIGNALS:
    void categoryChanged(mistudio::ui::FilterCategory category);

private:
    QLabel *m_heading = nullptr;
    QButtonGroup *m_buttons = nullptr;
    QLineEdit *m_filter = nullptr;
};

} // namespace mistudio::ui
