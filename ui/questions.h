#pragma once

#include <QCoreApplication>
#include <QStringList>

class QMessageBox;
class QWidget;

namespace mistudio::ui {

// The questions asked before something is lost: each says what goes, how much, and offers
// the gentler way out where there is one. The boxes are window-modal, delete themselves when
// closed, and name their buttons for tests ("confirmCancel", "pauseInstead", "keepGoing",
// "confirmDelete", "confirmQuit", "keepInTray"). Our own button texts: Qt's standard ones stay
// English where Qt's translations are not installed.
class Questions final
{
    Q_DECLARE_TR_FUNCTIONS(Questions)

public:
    // Cancel throws work away: `partialBytes` of a download (0 when unknown), or a partly
    // written variant; `offerPause` adds "Pause instead".
    static QMessageBox *cancelJobs(QWidget *parent, const QStringList &names, qint64 partialBytes,
                                   bool download, bool offerPause);
    static QMessageBox *deleteModels(QWidget *parent, const QStringList &names, qint64 bytes);
    // One quantized variant of a model; the download and the other variants stay.
    static QMessageBox *deleteVariant(QWidget *parent, const QString &repo, const QString &variant,
                                      qint64 bytes);
    // `question` says how many jobs; `offerTray` adds "Keep running in the tray" (the default).
    static QMessageBox *quit(QWidget *parent, const QString &question, bool offerTray);
};

} // namespace mistudio::ui
