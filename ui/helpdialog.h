#pragma once

#include <QDialog>

class QTableWidget;
class QTextBrowser;

namespace mistudio::ui {

// Help › Documentation (docs/gui.md, built into the app so that it opens offline) and
// Help › Keyboard shortcuts (every shortcut of the window, read from its actions, so the list
// cannot drift from what the keys do).
class HelpDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HelpDialog)

public:
    static HelpDialog *documentation(QWidget *parent);
    // `window`'s actions with a shortcut, plus the keys that are not actions.
    static HelpDialog *shortcuts(QWidget *window);
    ~HelpDialog() override;

    QTableWidget *shortcutTable() const { return m_table; }
    QTextBrowser *browser() const { return m_browser; }

private:
    explicit HelpDialog(QWidget *parent);
    void addButtons();

    QTableWidget *m_table = nullptr;
    QTextBrowser *m_browser = nullptr;
};

} // namespace mistudio::ui
