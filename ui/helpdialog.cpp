#include "helpdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QFile>
#include <QHeaderView>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

HelpDialog::HelpDialog(QWidget *parent)
    : QDialog(parent)
{
    new QVBoxLayout(this);
}

HelpDialog::~HelpDialog() = default;

void HelpDialog::addButtons()
{
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(tr("Close"), QDialogButtonBox::RejectRole)->setObjectName(u"helpClose"_s);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout()->addWidget(buttons);
}

HelpDialog *HelpDialog::documentation(QWidget *parent)
{
    auto *d = new HelpDialog(parent);
    d->setObjectName(u"documentationDialog"_s);
    d->setWindowTitle(tr("miStudio Models documentation"));
    d->m_browser = new QTextBrowser(d);
    d->m_browser->setObjectName(u"documentation"_s);
    d->m_browser->setOpenExternalLinks(true);
    QFile f(u":/docs/gui.md"_s); // a resource: in memory, no disk access
    QString md = f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
    // The screenshots are not built in: their lines go.
    static const QRegularExpression images(u"!\\[[^\\]]*\\]\\([^)]*\\)"_s);
    md.remove(images);
    d->m_browser->setMarkdown(md);
    d->layout()->addWidget(d->m_browser);
    d->addButtons();
    d->resize(760, 640);
    return d;
}

HelpDialog *HelpDialog::shortcuts(QWidget *window)
{
    auto *d = new HelpDialog(window);
    d->setObjectName(u"shortcutsDialog"_s);
    d->setWindowTitle(tr("Keyboard shortcuts"));
    QList<std::pair<QString, QString>> rows;
    QSet<QString> seen;
    for (const QAction *a : window->findChildren<QAction *>()) {
        if (a->shortcuts().isEmpty() || a->text().isEmpty())
            continue;
        QStringList keys;
        for (const QKeySequence &k : a->shortcuts())
            keys << k.toString(QKeySequence::NativeText);
        QString text = a->text();
        text.remove(QRegularExpression(u"&(?!&)"_s));
        text.remove(u"…"_s);
        if (seen.contains(text))
            continue;
        seen.insert(text);
        rows.append({text, keys.join(tr(" or "))});
    }
    std::sort(rows.begin(), rows.end());
    // Keys that are no action of their own.
    rows.append({tr("View the architecture of the selected ready model"), tr("Enter")});
    rows.append({tr("Move between the form, the filter bar and the table"), tr("Tab, Shift+Tab")});
    rows.append(
        {tr("In the search results: preview / download the result"), tr("Enter / Ctrl+Enter")});
    d->m_table = new QTableWidget(int(rows.size()), 2, d);
    d->m_table->setObjectName(u"shortcutTable"_s);
    d->m_table->setHorizontalHeaderLabels({tr("Action"), tr("Keys")});
    d->m_table->verticalHeader()->hide();
    d->m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    d->m_table->setSelectionMode(QAbstractItemView::NoSelection);
    d->m_table->setTabKeyNavigation(false);
    d->m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    d->m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    for (int r = 0; r < rows.size(); ++r) {
        d->m_table->setItem(r, 0, new QTableWidgetItem(rows.at(r).first));
        d->m_table->setItem(r, 1, new QTableWidgetItem(rows.at(r).second));
    }
    d->layout()->addWidget(d->m_table);
    d->addButtons();
    d->resize(620, 560);
    return d;
}

} // namespace mistudio::ui
