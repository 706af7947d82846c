#pragma once

#include "common/error.h"

#include <QCoreApplication>

namespace mistudio::ui {

// Renders an error for a person, translated by its code (the English message from the core is
// only the fallback for codes without a text of their own).
class ErrorText final
{
    Q_DECLARE_TR_FUNCTIONS(ErrorText)

public:
    static QString forError(const Error &error);
    // A model's stored error ("checksum_mismatch: …", as the catalogue keeps it): the code is
    // read back so that the text is the translated one, the message kept as detail.
    static Error parseStored(const QString &message);
    static QString forStoredMessage(const QString &message);
    // What the user can do about it, in one sentence ("" when there is nothing to add).
    static QString nextStep(ErrorCode code);
    // True for the codes where a (different) Hugging Face token is the fix.
    static bool needsToken(ErrorCode code);
    // Shown when the app cannot start because the catalogue (or the service) failed to open.
    static QString catalogueUnavailable(const Error &error);
};

} // namespace mistudio::ui
