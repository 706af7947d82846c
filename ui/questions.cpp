#include "questions.h"

#include "localeformat.h"

#include <QMessageBox>
#include <QPushButton>

using namespace Qt::Literals::StringLiterals;

namespace mistudio::ui {

static QMessageBox *makeBox(QWidget *parent, QMessageBox::Icon icon, const QString &title,
                            const QString &text, const QString &name)
{
    auto *box = new QMessageBox(icon, title, text, QMessageBox::NoButton, parent);
    box->setObjectName(name);
    box->setAttribute(Qt::WA_DeleteOnClose);
    return box;
}

static QPushButton *addButton(QMessageBox *box, const QString &text, QMessageBox::ButtonRole role,
                              const QString &name)
{
    QPushButton *b = box->addButton(text, role);
    b->setObjectName(name);
    return b;
}

QMessageBox *Questions::cancelJobs(QWidget *parent, const QStringList &names, qint64 partialBytes,
                                   bool download, bool offerPause)
{
    QMessageBox *box = makeBox(parent, QMessageBox::Question, tr("Cancel"),
                               names.size() == 1 ? tr("Cancel the job of %1?").arg(names.first())
                                                 : tr("Cancel these %1 jobs?").arg(names.size()),
                               u"cancelConfirmation"_s);
    if (!download)
        box->setInformativeText(
            tr("The partly written variant is deleted; the downloaded files stay."));
    else if (partialBytes > 0)
        box->setInformativeText(tr("The %1 downloaded so far will be deleted. Pause keeps them for "
                                   "later.")
                                    .arg(sizeText(partialBytes)));
    else
        box->setInformativeText(tr("Its partial data will be deleted. Pause keeps it for later."));
    addButton(box, tr("Cancel and delete"), QMessageBox::DestructiveRole, u"confirmCancel"_s);
    if (download && offerPause)
        addButton(box, tr("Pause instead"), QMessageBox::AcceptRole, u"pauseInstead"_s);
    QPushButton *keep = addButton(box, tr("Keep going"), QMessageBox::RejectRole, u"keepGoing"_s);
    box->setDefaultButton(keep);
    box->setEscapeButton(keep);
    return box;
}

QMessageBox *Questions::deleteModels(QWidget *parent, const QStringList &names, qint64 bytes)
{
    QMessageBox *box =
        makeBox(parent, QMessageBox::Warning, tr("Delete models"),
                names.size() == 1 ? tr("Delete %1 and its files?").arg(names.value(0))
                                  : tr("Delete these %1 models and their files?").arg(names.size()),
                u"deleteConfirmation"_s);
    // The names in the text itself (Qt's "Show Details" button would be untranslated).
    QString which;
    if (names.size() > 1) {
        QStringList shown = names.mid(0, 5);
        if (names.size() > 5)
            shown << tr("and %1 more").arg(names.size() - 5);
        which = shown.join(u", "_s) + u"\n\n"_s;
    }
    box->setInformativeText(
        which +
        tr("This frees %1 on disk. Running downloads are cancelled first.").arg(sizeText(bytes)));
    addButton(box, tr("Delete"), QMessageBox::DestructiveRole, u"confirmDelete"_s);
    QPushButton *cancel = addButton(box, tr("Cancel"), QMessageBox::RejectRole, u"cancelDelete"_s);
    box->setDefaultButton(cancel);
    box->setEscapeButton(cancel);
    return box;
}

QMessageBox *Questions::deleteVariant(QWidget *parent, const QString &repo, const QString &variant,
                                      qint64 bytes)
{
    QMessageBox *box = makeBox(parent, QMessageBox::Warning, tr("Delete variant"),
                               tr("Delete the %1 variant of %2?").arg(variant, repo),
                               u"deleteVariantConfirmation"_s);
    box->setInformativeText(tr("This frees %1 on disk. The downloaded files and the other "
                               "variants stay.")
                                .arg(sizeText(bytes)));
    addButton(box, tr("Delete"), QMessageBox::DestructiveRole, u"confirmDeleteVariant"_s);
    QPushButton *cancel =
        addButton(box, tr("Cancel"), QMessageBox::RejectRole, u"cancelDeleteVariant"_s);
    box->setDefaultButton(cancel);
    box->setEscapeButton(cancel);
    return box;
}

QMessageBox *Questions::quit(QWidget *parent, const QString &question, bool offerTray)
{
    QMessageBox *box = makeBox(parent, QMessageBox::Question, tr("Quit miStudio Models"), question,
                               u"quitConfirmation"_s);
    box->setInformativeText(tr("Quitting stops them now; they continue where they stopped the "
                               "next time miStudio Models starts."));
    addButton(box, tr("Quit"), QMessageBox::DestructiveRole, u"confirmQuit"_s);
    QPushButton *tray = offerTray ? addButton(box, tr("Keep running in the tray"),
                                              QMessageBox::AcceptRole, u"keepInTray"_s)
                                  : nullptr;
    QPushButton *cancel = addButton(box, tr("Cancel"), QMessageBox::RejectRole, u"cancelQuit"_s);
    box->setDefaultButton(tray ? tray : cancel);
    box->setEscapeButton(cancel);
    return box;
}

} // namespace mistudio::ui
